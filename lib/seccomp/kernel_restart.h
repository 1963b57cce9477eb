// System calls no code makes: when a signal (or a stop, a freeze, a checkpoint) interrupts
// a sleep the kernel can resume, it returns to the process so that the process calls
// restart_syscall, which goes on with the rest of the sleep. nanosleep, clock_nanosleep,
// poll and futex waits with a timeout resume that way (ERESTART_RESTARTBLOCK in the
// kernel). A profile allowing one of them without restart_syscall breaks the process the
// first time such a sleep is interrupted, which no trace of a quiet run shows.
#pragma once

#include "seccomp/call_graph.h"

namespace imgstrip {

// Adds restart_syscall to `a` when it allows a call the kernel resumes through it; the
// reason is that call's, with the restart at the end of its chain.
void add_kernel_restarts(SyscallAnalysis& a);

}  // namespace imgstrip
