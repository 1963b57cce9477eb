// write_file_atomic: a file is replaced whole; a node that is not a file (a device, a
// pipe: -o /dev/null, --report /dev/stdout) is written in place and stays what it was.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/error.h"
#include "core/stream.h"
#include "core/tempdir.h"

namespace fs = std::filesystem;
using namespace imgstrip;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

size_t entries(const fs::path& dir) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

}  // namespace

TEST_CASE("write_file_atomic replaces a file and leaves nothing beside it", "[core]") {
  TempDir tmp("stream");
  fs::path f = tmp.path() / "report.json";
  write_file_atomic(f, "one");
  write_file_atomic(f, "two");
  CHECK(slurp(f) == "two");
  CHECK(entries(tmp.path()) == 1);
}

TEST_CASE("write_file_atomic through a link replaces the file and keeps the link", "[core]") {
  TempDir tmp("stream");
  fs::create_directory(tmp.path() / "real");
  write_file_atomic(tmp.path() / "real" / "profile.json", "old");
  fs::create_symlink("real/profile.json", tmp.path() / "profile.json");
  write_file_atomic(tmp.path() / "profile.json", "new");
  CHECK(fs::is_symlink(fs::symlink_status(tmp.path() / "profile.json")));
  CHECK(slurp(tmp.path() / "real" / "profile.json") == "new");
  CHECK(entries(tmp.path()) == 2);
  CHECK(entries(tmp.path() / "real") == 1);
}

TEST_CASE("write_file_atomic writes a pipe in place, also through a link", "[core]") {
  TempDir tmp("stream");
  fs::path fifo = tmp.path() / "fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  fs::create_symlink(fifo, tmp.path() / "stdout");
  std::string got;
  std::thread reader([&] { got = slurp(fifo); });  // opening blocks until the writer opens
  write_file_atomic(tmp.path() / "stdout", "{\"syscalls\":[]}\n");
  reader.join();
  CHECK(got == "{\"syscalls\":[]}\n");
  CHECK(fs::is_fifo(fs::symlink_status(fifo)));
  CHECK(fs::is_symlink(fs::symlink_status(tmp.path() / "stdout")));
  CHECK(entries(tmp.path()) == 2);  // no temporary file left beside them
}

TEST_CASE("write_file_atomic refuses a directory, naming it", "[core]") {
  TempDir tmp("stream");
  CHECK_THROWS_WITH(write_file_atomic(tmp.path(), "x"), Catch::Contains("is a directory"));
}
