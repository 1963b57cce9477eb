// Entry points of the subcommands; each returns the process exit code.
#pragma once

namespace imgstrip::cli {

int run_inspect(int argc, char** argv);
int run_ls(int argc, char** argv);
int run_copy(int argc, char** argv);
int run_strip(int argc, char** argv);
int run_why(int argc, char** argv);
int run_seccomp(int argc, char** argv);
int run_run_args(int argc, char** argv);
int run_verify(int argc, char** argv);

}  // namespace imgstrip::cli
