// The Java method a JNI native's symbol implements (JNI specification, "Resolving Native
// Method Names"): Java_ + the mangled fully-qualified class + _ + the mangled method
// [+ __ + the mangled signature], where '/' is '_', '_' is "_1", ';' "_2", '[' "_3" and
// any other character "_0xxxx".
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace imgstrip {

struct JniNative {
  std::string package;  // dotted, "" for the unnamed package
  std::string class_name;
  std::string method;
};

// nullopt for a symbol that is not a well-formed JNI native's name.
std::optional<JniNative> jni_native(std::string_view symbol);

}  // namespace imgstrip
