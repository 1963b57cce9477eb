// The resolver's rules, in the order they run (see rule.h). Each is one file.
#pragma once

#include <memory>
#include <vector>

#include "resolve/rule.h"

namespace imgstrip {

std::unique_ptr<Rule> packages_rule();          // -p and the package selection's files
std::unique_ptr<Rule> request_files_rule();     // -f
std::unique_ptr<Rule> entrypoint_rule();        // Entrypoint and Cmd through PATH
std::unique_ptr<Rule> healthcheck_rule();       // the Healthcheck's command
std::unique_ptr<Rule> request_commands_rule();  // --command
std::unique_ptr<Rule> application_rule();       // the application's own files (WORKDIR, /app)
std::unique_ptr<Rule> scripts_rule();           // #! interpreters, commands of shell scripts
std::unique_ptr<Rule> config_rule();            // paths named in configuration files
std::unique_ptr<Rule> python_rule();            // Python's import graph
std::unique_ptr<Rule> node_rule();              // Node's require/import graph
std::unique_ptr<Rule> java_rule();              // java command lines, class paths, jars
std::unique_ptr<Rule> perl_rule();              // Perl modules a kept script loads
std::unique_ptr<Rule> postgres_rule();          // PostgreSQL's optional JIT provider
std::unique_ptr<Rule> openssl_rule();           // OpenSSL's engines and providers
std::unique_ptr<Rule> elf_rule();               // the ELF closure with the loader's rules
std::unique_ptr<Rule> essentials_rule();        // passwd, NSS, CA certificates, time zone...
std::unique_ptr<Rule> package_db_rule();        // the kept packages' database, written back

// Every rule, in order.
std::vector<std::unique_ptr<Rule>> default_rules();

}  // namespace imgstrip

namespace imgstrip {

// Shared by the entrypoint (`sh -c STRING`) and script rules: every word of a shell text
// that is a command in PATH, and every absolute path in it, kept with `from` as the cause.
void keep_shell_words(ResolveContext& ctx, const std::string& from, std::string_view text);

// Shared by the entrypoint and healthcheck rules: a command line of the image's config
// (`what` names it in reasons and in what is missing): argv[0] through the image's PATH
// with its package (unless a shell or env), absolute paths and files relative to the
// working directory among the arguments, a shell's -c string read as a script.
void keep_command(ResolveContext& ctx, const std::vector<std::string>& argv,
                  const std::string& what);

}  // namespace imgstrip
