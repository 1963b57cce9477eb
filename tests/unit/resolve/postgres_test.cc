// PostgreSQL's optional JIT provider: the configuration syntax read for jit settings, and
// the rule that leaves the provider out unless the image turns JIT on.
#include <catch2/catch.hpp>

#include <algorithm>

#include "resolve/postgres_conf.h"
#include "resolve/resolver.h"
#include "unit/resolve/helpers.h"

using namespace imgstrip;
using imgstrip::test::config_json;
using imgstrip::test::noted;
using imgstrip::test::packages;
using imgstrip::test::TreeBuilder;

TEST_CASE("postgres_settings: the server's configuration syntax") {
  auto s = postgres_settings(
      "# a comment\n"
      "#jit = on\n"
      "  JIT = 'On'   # trailing comment\n"
      "shared_buffers 128MB\n"
      "jit_provider='my''jit'\n"
      "listen_addresses = '*'\n"
      "include_dir 'conf.d'\n"
      "broken = 'unterminated\n"
      "two words here\n"
      "name=\n"
      "empty = ''\n"
      "= value\n");
  REQUIRE(s.size() == 6);
  CHECK(s[0].name == "jit");
  CHECK(s[0].value == "On");
  CHECK(s[0].line == 3);
  CHECK(s[1].name == "shared_buffers");
  CHECK(s[1].value == "128MB");
  CHECK(s[2].name == "jit_provider");
  CHECK(s[2].value == "my'jit");
  CHECK(s[3].value == "*");
  CHECK(s[4].name == "include_dir");
  CHECK(s[4].value == "conf.d");
  CHECK(s[5].name == "empty");
  CHECK(s[5].value.empty());
  CHECK(s[5].line == 11);
  CHECK(postgres_settings("").empty());
  CHECK(postgres_settings("\n\n'\n#\n=\n").empty());
}

TEST_CASE("postgres_bool: what the server reads as a boolean") {
  for (auto v : {"on", "ON", "true", "t", "tr", "yes", "y", "1"})
    CHECK(postgres_bool(v) == std::optional<bool>(true));
  for (auto v : {"off", "of", "false", "f", "no", "n", "0", "OFF"})
    CHECK(postgres_bool(v) == std::optional<bool>(false));
  for (auto v : {"", "o", "2", "maybe", "onn", "llvmjit"})
    CHECK_FALSE(postgres_bool(v).has_value());
}

TEST_CASE("postgres_setting_mentions: settings in scripts and command lines") {
  using V = std::vector<std::string>;
  CHECK(postgres_setting_mentions("postgres -c jit=on -c work_mem=4MB", "jit") == V{"on"});
  CHECK(postgres_setting_mentions("echo \"jit = 'off'\" >> $PGDATA/postgresql.conf", "jit") ==
        V{"off"});
  CHECK(postgres_setting_mentions("PGOPTIONS=--jit=true", "jit") == V{"true"});
  CHECK(postgres_setting_mentions("ALTER SYSTEM SET JIT TO on;", "jit") == V{"on"});
  // Other names that contain the word, and the word without a value, are not the setting.
  CHECK(postgres_setting_mentions("jit_above_cost=0 nojit=1 my_jit=on", "jit").empty());
  CHECK(postgres_setting_mentions("# the jit is optional", "jit").empty());
  CHECK(postgres_setting_mentions("jit_provider=llvmjit", "jit_provider") == V{"llvmjit"});
  CHECK(postgres_setting_mentions("", "jit").empty());
  CHECK(postgres_setting_mentions("jit=", "jit") == V{""});
}

namespace {

// A PostgreSQL server package as Debian ships it: the provider, its types and bitcode in
// the pkglibdir next to plpgsql.so; an entrypoint that runs the server.
FileTree server_tree(const std::string& entrypoint, const std::string& sample = "#jit = on\n",
                     const std::vector<std::pair<std::string, std::string>>& extra = {}) {
  TreeBuilder b;
  for (auto& [path, text] : extra)
    b.file(path, text);
  const std::string lib = "usr/lib/postgresql/15/lib/";
  b.file("bin/sh", "sh", 0755)
      .file("usr/lib/postgresql/15/bin/postgres", "server", 0755)
      .file(lib + "plpgsql.so", "plpgsql")
      .file(lib + "llvmjit.so", "provider")
      .file(lib + "llvmjit_types.bc", "types")
      .file(lib + "bitcode/postgres.index.bc", "index")
      .file(lib + "bitcode/postgres/access/brin/brin.bc", "brin")
      .file("usr/share/postgresql/15/postgresql.conf.sample", sample)
      .file("docker-entrypoint.sh", entrypoint, 0755)
      // Not a pkglibdir: a file of the same name elsewhere is not PostgreSQL's provider.
      .file("usr/lib/other/llvmjit.so", "something else");
  b.package("postgresql-15",
            {"usr/lib/postgresql/15/bin/postgres", lib + "plpgsql.so", lib + "llvmjit.so",
             lib + "llvmjit_types.bc", lib + "bitcode/postgres.index.bc",
             lib + "bitcode/postgres/access/brin/brin.bc",
             "usr/share/postgresql/15/postgresql.conf.sample", "usr/lib/other/llvmjit.so"});
  return b.build();
}

const char* kProvider = "usr/lib/postgresql/15/lib/llvmjit.so";

void check_jit(const Resolution& r, bool kept) {
  for (auto p :
       {"usr/lib/postgresql/15/lib/llvmjit.so", "usr/lib/postgresql/15/lib/llvmjit_types.bc",
        "usr/lib/postgresql/15/lib/bitcode/postgres.index.bc",
        "usr/lib/postgresql/15/lib/bitcode/postgres/access/brin/brin.bc"}) {
    INFO(p);
    CHECK(r.keep.contains(p) == kept);
  }
  CHECK(r.keep.contains("usr/lib/postgresql/15/lib/bitcode") == kept);
}

}  // namespace

TEST_CASE("rules: PostgreSQL's JIT provider stays only when the image turns JIT on") {
  auto config = config_json(R"({"Entrypoint":["/docker-entrypoint.sh"]})");
  const std::string run = "#!/bin/sh\nexec postgres \"$@\"\n";

  SECTION("the default configuration: left out, the rest of the package kept, a note") {
    Resolution r = resolve(server_tree(run), config, packages({"postgresql-15"}));
    check_jit(r, false);
    CHECK(r.keep.contains("usr/lib/postgresql/15/lib/plpgsql.so"));
    CHECK(r.keep.contains("usr/lib/postgresql/15/bin/postgres"));
    CHECK(r.keep.contains("usr/lib/other/llvmjit.so"));
    CHECK(noted(r,
                "postgres: the JIT provider /usr/lib/postgresql/15/lib/llvmjit.so and its "
                "bitcode (4 files"));
    CHECK(noted(r, "PostgreSQL turns JIT off when its provider is missing"));
  }
  SECTION("jit = on in a configuration file initdb copies") {
    Resolution r = resolve(server_tree(run, "#jit = on\njit = on   # for reports\n"), config,
                           packages({"postgresql-15"}));
    check_jit(r, true);
    auto& why = r.keep.reasons(kProvider);
    REQUIRE_FALSE(why.empty());
    CHECK(why.front().detail ==
          "package postgresql-15 (-p postgresql-15); PostgreSQL's JIT provider, turned on by "
          "jit = 'on' in /usr/share/postgresql/15/postgresql.conf.sample:2");
    CHECK_FALSE(noted(r, "the JIT provider"));
  }
  SECTION("jit = off, or a boolean the server would refuse: still left out") {
    check_jit(resolve(server_tree(run, "jit = off\n"), config, packages({"postgresql-15"})), false);
    check_jit(resolve(server_tree(run, "jit = maybe\n"), config, packages({"postgresql-15"})),
              false);
  }
  SECTION("a jit_provider named in the configuration") {
    check_jit(resolve(server_tree(run, "jit_provider = 'llvmjit'\n"), config,
                      packages({"postgresql-15"})),
              true);
  }
  SECTION("the entrypoint script passes -c jit=on") {
    Resolution r = resolve(server_tree("#!/bin/sh\nexec postgres -c jit=on \"$@\"\n"), config,
                           packages({"postgresql-15"}));
    check_jit(r, true);
    CHECK(r.keep.reasons(kProvider).front().detail.ends_with(
        "turned on by jit=on in a setting in /docker-entrypoint.sh"));
  }
  SECTION("an initdb SQL file runs ALTER SYSTEM SET jit = on") {
    StripRequest req = packages({"postgresql-15"});
    req.files = {"/docker-entrypoint-initdb.d"};
    Resolution r = resolve(
        server_tree(run, "#jit = on\n",
                    {{"docker-entrypoint-initdb.d/jit.sql", "ALTER SYSTEM SET jit = on;\n"}}),
        config, req);
    check_jit(r, true);
    CHECK(r.keep.reasons(kProvider).front().detail.ends_with(
        "turned on by jit=on in a setting in /docker-entrypoint-initdb.d/jit.sql"));
  }
  SECTION("the image's Env sets PGOPTIONS") {
    auto env =
        config_json(R"({"Entrypoint":["/docker-entrypoint.sh"],"Env":["PGOPTIONS=-c jit=yes"]})");
    check_jit(resolve(server_tree(run), env, packages({"postgresql-15"})), true);
  }
  SECTION("-f keeps the provider anyway") {
    StripRequest req = packages({"postgresql-15"});
    req.files = {"/usr/lib/postgresql/15/lib/llvmjit.so"};
    Resolution r = resolve(server_tree(run), config, req);
    CHECK(r.keep.contains(kProvider));
    CHECK_FALSE(r.keep.contains("usr/lib/postgresql/15/lib/bitcode/postgres.index.bc"));
  }
}
