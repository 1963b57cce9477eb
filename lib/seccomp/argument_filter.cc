#include "seccomp/argument_filter.h"

#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include <array>
#include <utility>

#include <fmt/format.h>

namespace imgstrip {

namespace {

constexpr std::array<std::string_view, 3> kTraced = {"socket", "unshare", "prctl"};

#define IMGSTRIP_NAMED(x)                 \
  std::pair<uint64_t, std::string_view> { \
    x, #x                                 \
  }

constexpr std::array kFamilies = {
    IMGSTRIP_NAMED(AF_UNSPEC),     IMGSTRIP_NAMED(AF_UNIX),      IMGSTRIP_NAMED(AF_INET),
    IMGSTRIP_NAMED(AF_AX25),       IMGSTRIP_NAMED(AF_IPX),       IMGSTRIP_NAMED(AF_APPLETALK),
    IMGSTRIP_NAMED(AF_NETROM),     IMGSTRIP_NAMED(AF_BRIDGE),    IMGSTRIP_NAMED(AF_ATMPVC),
    IMGSTRIP_NAMED(AF_X25),        IMGSTRIP_NAMED(AF_INET6),     IMGSTRIP_NAMED(AF_ROSE),
    IMGSTRIP_NAMED(AF_DECnet),     IMGSTRIP_NAMED(AF_NETBEUI),   IMGSTRIP_NAMED(AF_SECURITY),
    IMGSTRIP_NAMED(AF_KEY),        IMGSTRIP_NAMED(AF_NETLINK),   IMGSTRIP_NAMED(AF_PACKET),
    IMGSTRIP_NAMED(AF_ASH),        IMGSTRIP_NAMED(AF_ECONET),    IMGSTRIP_NAMED(AF_ATMSVC),
    IMGSTRIP_NAMED(AF_RDS),        IMGSTRIP_NAMED(AF_SNA),       IMGSTRIP_NAMED(AF_IRDA),
    IMGSTRIP_NAMED(AF_PPPOX),      IMGSTRIP_NAMED(AF_WANPIPE),   IMGSTRIP_NAMED(AF_LLC),
    IMGSTRIP_NAMED(AF_IB),         IMGSTRIP_NAMED(AF_MPLS),      IMGSTRIP_NAMED(AF_CAN),
    IMGSTRIP_NAMED(AF_TIPC),       IMGSTRIP_NAMED(AF_BLUETOOTH), IMGSTRIP_NAMED(AF_IUCV),
    IMGSTRIP_NAMED(AF_RXRPC),      IMGSTRIP_NAMED(AF_ISDN),      IMGSTRIP_NAMED(AF_PHONET),
    IMGSTRIP_NAMED(AF_IEEE802154), IMGSTRIP_NAMED(AF_CAIF),      IMGSTRIP_NAMED(AF_ALG),
    IMGSTRIP_NAMED(AF_NFC),        IMGSTRIP_NAMED(AF_VSOCK),     IMGSTRIP_NAMED(AF_KCM),
    IMGSTRIP_NAMED(AF_QIPCRTR),    IMGSTRIP_NAMED(AF_SMC),       IMGSTRIP_NAMED(AF_XDP),
};

constexpr std::array kPrctlOptions = {
    IMGSTRIP_NAMED(PR_SET_PDEATHSIG),
    IMGSTRIP_NAMED(PR_GET_PDEATHSIG),
    IMGSTRIP_NAMED(PR_GET_DUMPABLE),
    IMGSTRIP_NAMED(PR_SET_DUMPABLE),
    IMGSTRIP_NAMED(PR_GET_KEEPCAPS),
    IMGSTRIP_NAMED(PR_SET_KEEPCAPS),
    IMGSTRIP_NAMED(PR_SET_NAME),
    IMGSTRIP_NAMED(PR_GET_NAME),
    IMGSTRIP_NAMED(PR_GET_SECCOMP),
    IMGSTRIP_NAMED(PR_SET_SECCOMP),
    IMGSTRIP_NAMED(PR_CAPBSET_READ),
    IMGSTRIP_NAMED(PR_CAPBSET_DROP),
    IMGSTRIP_NAMED(PR_GET_TIMERSLACK),
    IMGSTRIP_NAMED(PR_SET_TIMERSLACK),
    IMGSTRIP_NAMED(PR_MCE_KILL),
    IMGSTRIP_NAMED(PR_SET_MM),
    IMGSTRIP_NAMED(PR_SET_PTRACER),
    IMGSTRIP_NAMED(PR_SET_CHILD_SUBREAPER),
    IMGSTRIP_NAMED(PR_GET_CHILD_SUBREAPER),
    IMGSTRIP_NAMED(PR_SET_NO_NEW_PRIVS),
    IMGSTRIP_NAMED(PR_GET_NO_NEW_PRIVS),
    IMGSTRIP_NAMED(PR_SET_THP_DISABLE),
    IMGSTRIP_NAMED(PR_GET_THP_DISABLE),
    IMGSTRIP_NAMED(PR_CAP_AMBIENT),
    IMGSTRIP_NAMED(PR_SET_VMA),
};

constexpr std::array kNamespaceFlags = {
    IMGSTRIP_NAMED(CLONE_FILES),     IMGSTRIP_NAMED(CLONE_FS),      IMGSTRIP_NAMED(CLONE_NEWNS),
    IMGSTRIP_NAMED(CLONE_NEWCGROUP), IMGSTRIP_NAMED(CLONE_NEWUTS),  IMGSTRIP_NAMED(CLONE_NEWIPC),
    IMGSTRIP_NAMED(CLONE_NEWUSER),   IMGSTRIP_NAMED(CLONE_NEWPID),  IMGSTRIP_NAMED(CLONE_NEWNET),
    IMGSTRIP_NAMED(CLONE_SYSVSEM),   IMGSTRIP_NAMED(CLONE_NEWTIME),
};

#undef IMGSTRIP_NAMED

template <size_t N>
std::string_view lookup(const std::array<std::pair<uint64_t, std::string_view>, N>& table,
                        uint64_t v) {
  for (const auto& [value, name] : table)
    if (value == v) return name;
  return {};
}

}  // namespace

bool traces_first_argument(Arch a, int nr) {
  auto name = syscall_name(a, nr);
  if (!name) return false;
  for (std::string_view t : kTraced)
    if (*name == t) return true;
  return false;
}

bool passes_first_argument(std::string_view function) {
  if (function.starts_with("__")) function.remove_prefix(2);
  for (std::string_view t : kTraced)
    if (function == t) return true;
  return false;
}

void ArgumentValues::add(int64_t v, const std::string& where) {
  // A value the filter compares as the kernel sees it: a non-negative int, which every way
  // the decoder follows a constant into a register leaves with a clear upper half.
  if (v < 0 || v > INT32_MAX) {
    mark_unknown(fmt::format("{}: value {:#x} is not a non-negative int", where, v));
    return;
  }
  values.insert(static_cast<uint64_t>(v));
}

void ArgumentValues::mark_unknown(const std::string& why_not) {
  if (!unknown) why = why_not;
  ++unknown_sites;
  unknown = true;
}

std::string argument_value_name(std::string_view syscall, uint64_t value) {
  std::string_view name;
  if (syscall == "socket") name = lookup(kFamilies, value);
  if (syscall == "prctl") name = lookup(kPrctlOptions, value);
  if (!name.empty()) return std::string(name);
  if (syscall == "unshare" && value != 0) {
    std::string out;
    uint64_t rest = value;
    for (const auto& [flag, flag_name] : kNamespaceFlags) {
      if ((value & flag) != flag) continue;
      out += out.empty() ? "" : "|";
      out += flag_name;
      rest &= ~flag;
    }
    if (rest != 0) out += fmt::format("{}{:#x}", out.empty() ? "" : "|", rest);
    return out;
  }
  return fmt::format("{}", value);
}

}  // namespace imgstrip
