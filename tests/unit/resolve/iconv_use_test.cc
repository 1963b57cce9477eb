// Which charsets reach iconv_open: the importers that take only the locale's, the charsets
// glibc converts without modules, and locale variables naming one that needs a module.
#include <catch2/catch.hpp>

#include "resolve/iconv_use.h"

using namespace imgstrip;

TEST_CASE("iconv_open importers: the locale's charset only, or any") {
  CHECK(iconv_use("usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30", "libstdc++.so.6") ==
        IconvUse::InstalledLocale);
  CHECK(iconv_use("usr/lib/jvm/java-17/lib/libjdwp.so", std::nullopt) == IconvUse::InstalledLocale);
  CHECK(iconv_use("usr/bin/bash", std::nullopt) == IconvUse::LocaleVariable);
  CHECK(iconv_use("usr/lib/x86_64-linux-gnu/libxml2.so.2.9.14", "libxml2.so.2") == IconvUse::Any);
  CHECK(iconv_use("usr/lib/php/20220829/iconv.so", std::nullopt) == IconvUse::Any);
  CHECK(iconv_use("opt/x/libbash.so", "bash") == IconvUse::Any);  // a library is not bash
}

TEST_CASE("charsets and locales glibc converts without gconv modules") {
  for (auto c : {"UTF-8", "utf8", "Utf_8", "ASCII", "ANSI_X3.4-1968", "US-ASCII", "UCS-4"})
    CHECK(builtin_charset(c));
  for (auto c : {"ISO-8859-1", "latin1", "KOI8-R", "EUC-JP", "", "UTF-8x"})
    CHECK_FALSE(builtin_charset(c));
  for (auto l : {"C", "POSIX", "C.utf8", "C.UTF-8", "en_US.utf8", "de_DE.UTF-8@euro"})
    CHECK(builtin_locale(l));
  for (auto l : {"de_DE", "de_DE.iso88591", "locale-archive", "ja_JP.eucjp", "C.UTF-8x"})
    CHECK_FALSE(builtin_locale(l));
}

TEST_CASE("locale variables that name a charset needing a module") {
  CHECK_FALSE(non_builtin_locale_variable(""));
  CHECK_FALSE(non_builtin_locale_variable("LANG=C.UTF-8\nexport LC_ALL=en_US.utf8\n"));
  CHECK_FALSE(non_builtin_locale_variable("LANG=de_DE\nLC_CTYPE=POSIX\nMYLANG=x.latin1\n"));
  CHECK_FALSE(non_builtin_locale_variable("echo $LANG\n"));
  auto a =
      non_builtin_locale_variable("#!/bin/sh\nset -e\nexport LC_ALL=\"de_DE.ISO-8859-15@euro\"\n");
  REQUIRE(a);
  CHECK(a->line == 3);
  CHECK(a->text == "LC_ALL=\"de_DE.ISO-8859-15@euro");
  CHECK(non_builtin_locale_variable("env LANG=ja_JP.eucJP prog"));
  // A value computed at run time may name anything.
  CHECK(non_builtin_locale_variable("export LANG=${LANG:-C.UTF-8}\n"));
  CHECK(non_builtin_locale_variable("LC_CTYPE=$wanted\n"));
}
