// imgstrip ls IMAGE [PATH]: the flattened file system, like `tar -tv`.
#include <fmt/format.h>

#include <ctime>

#include "commands.h"
#include "common.h"
#include "core/error.h"
#include "core/path.h"
#include "core/text.h"
#include "fs/flatten.h"
#include "image/image.h"

namespace imgstrip::cli {
namespace {

char type_char(FileType t) {
  switch (t) {
    case FileType::Regular:
      return '-';
    case FileType::Directory:
      return 'd';
    case FileType::Symlink:
      return 'l';
    case FileType::CharDevice:
      return 'c';
    case FileType::BlockDevice:
      return 'b';
    case FileType::Fifo:
      return 'p';
    case FileType::Socket:
      return 's';
  }
  return '?';
}

std::string mode_string(const Entry& e) {
  std::string s(10, '-');
  s[0] = type_char(e.type);
  const char* rwx = "rwxrwxrwx";
  for (int i = 0; i < 9; ++i) {
    if (e.mode & (0400u >> i)) s[1 + i] = rwx[i];
  }
  if (e.mode & 04000) s[3] = (e.mode & 0100) ? 's' : 'S';
  if (e.mode & 02000) s[6] = (e.mode & 0010) ? 's' : 'S';
  if (e.mode & 01000) s[9] = (e.mode & 0001) ? 't' : 'T';
  return s;
}

std::string time_string(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

}  // namespace

int run_ls(int argc, char** argv) {
  cxxopts::Options options("imgstrip ls", "List the flattened file system of an image.");
  options.positional_help("IMAGE [PATH]");
  options.add_options()("image", "the image", cxxopts::value<std::string>())(
      "path", "list only this path and what is below it", cxxopts::value<std::string>())(
      "json", "print JSON lines, one object per entry");
  add_transport_flags(options);
  options.parse_positional({"image", "path"});
  auto args = parse(options, argc, argv);
  if (!args.count("image")) usage_fail("ls needs an IMAGE (see --help)");
  std::string prefix =
      args.count("path") ? FileTree::normalize(args["path"].as<std::string>()) : "";

  Location where = source_location(args["image"].as<std::string>());
  auto source = open_source(where, registry_options(args));
  Image img = load_image(*source, platform(args));
  FlattenOptions fo;
  fo.keep_contents = false;
  FileTree tree = flatten_image(*source, img, fo);

  std::string out;
  for (auto& [path, e] : tree.entries()) {
    if (path.empty() || !(prefix.empty() || inside(path, prefix))) continue;
    if (args.count("json")) {
      Json j = {{"path", "/" + path}, {"type", file_type_name(e.type)},
                {"mode", e.mode},     {"uid", e.uid},
                {"gid", e.gid},       {"size", e.size},
                {"mtime", e.mtime}};
      if (e.type == FileType::Symlink) j["link"] = e.link;
      if (e.inode != 0) j["inode"] = e.inode;
      out += j.dump();
      out += '\n';
    } else {
      out += fmt::format("{} {}/{} {:>10} {} {}", mode_string(e), e.uid, e.gid, e.size,
                         time_string(e.mtime), one_line(path));
      // Names with control characters show them as '?', as ls -q does (--json is exact).
      if (e.type == FileType::Symlink) out += " -> " + one_line(e.link);
      if (e.type == FileType::CharDevice || e.type == FileType::BlockDevice) {
        out += fmt::format(" [{},{}]", e.dev_major, e.dev_minor);
      }
      out += '\n';
    }
    if (out.size() > (1 << 16)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (!args.count("json")) {
    for (auto& w : tree.warnings)
      fmt::print(stderr, "warning: {}\n", w);
  }
  return kExitOk;
}

}  // namespace imgstrip::cli
