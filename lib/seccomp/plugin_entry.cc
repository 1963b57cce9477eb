#include "seccomp/plugin_entry.h"

#include <array>

namespace imgstrip {

namespace {

struct Convention {
  std::string_view name;
  std::string_view symbol;
  bool prefix;  // `symbol` starts the name (Java_...), or is the whole name
};

constexpr std::array kConventions = {
    // JNI: native methods, library load hooks (also JNI_OnLoad_<lib> of static libraries),
    // the invocation API a launcher looks up in libjvm.so, JVMTI agents.
    Convention{"JNI", "Java_", true},
    Convention{"JNI", "JNI_OnLoad", true},
    Convention{"JNI", "JNI_OnUnload", true},
    Convention{"JNI invocation", "JNI_CreateJavaVM", false},
    Convention{"JNI invocation", "JNI_GetDefaultJavaVMInitArgs", false},
    Convention{"JNI invocation", "JNI_GetCreatedJavaVMs", false},
    Convention{"JVMTI agent", "Agent_OnLoad", true},
    Convention{"JVMTI agent", "Agent_OnAttach", true},
    Convention{"JVMTI agent", "Agent_OnUnload", true},
    Convention{"Python extension", "PyInit_", true},
    Convention{"Node-API addon", "napi_register_module_v", true},
    Convention{"Node-API addon", "node_api_module_get_api_version_v", true},
    Convention{"Node addon", "node_register_module_v", true},
    Convention{"PHP extension", "get_module", false},
    Convention{"NSS module", "_nss_", true},
    Convention{"gconv module", "gconv", false},
    Convention{"gconv module", "gconv_init", false},
    Convention{"gconv module", "gconv_end", false},
    Convention{"SASL plugin", "sasl_client_plug_init", false},
    Convention{"SASL plugin", "sasl_server_plug_init", false},
    Convention{"SASL plugin", "sasl_auxprop_plug_init", false},
    Convention{"SASL plugin", "sasl_canonuser_init", false},
    Convention{"PKCS#11 module", "C_GetFunctionList", false},
    Convention{"PKCS#11 module", "C_GetInterface", false},
    Convention{"PAM module", "pam_sm_", true},
    Convention{"OpenSSL provider", "OSSL_provider_init", false},
    Convention{"OpenSSL engine", "bind_engine", false},
    Convention{"OpenSSL engine", "v_check", false},
    Convention{"Perl XS module", "boot_", true},
    Convention{"Lua module", "luaopen_", true},
};

}  // namespace

std::optional<std::string_view> plugin_convention(std::string_view symbol) {
  for (const Convention& c : kConventions)
    if (c.prefix ? symbol.starts_with(c.symbol) : symbol == c.symbol) return c.name;
  return std::nullopt;
}

}  // namespace imgstrip
