// Test helpers for the resolver: small trees built in memory, image configs from JSON,
// the Debian fixture flattened from its tar, and writing a kept selection to a directory.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/stream.h"
#include "fs/flatten.h"
#include "fs/tree.h"
#include "oci/config.h"
#include "resolve/request.h"
#include "resolve/resolver.h"
#include "unit/fixture.h"

namespace imgstrip::test {

class TreeBuilder {
 public:
  TreeBuilder() : tree_(std::make_shared<ContentStore>()) {}

  TreeBuilder& file(const std::string& path, const std::string& data, uint32_t mode = 0644) {
    parents(path);
    Entry e;
    e.path = path;
    e.type = FileType::Regular;
    e.mode = mode;
    e.size = data.size();
    e.content = data.empty() ? kNoContent : tree_.contents()->append(data);
    tree_.insert(e);
    return *this;
  }
  TreeBuilder& dir(const std::string& path, uint32_t mode = 0755) {
    parents(path);
    Entry e;
    e.path = path;
    e.type = FileType::Directory;
    e.mode = mode;
    tree_.insert(e);
    return *this;
  }
  TreeBuilder& symlink(const std::string& path, const std::string& target) {
    parents(path);
    Entry e;
    e.path = path;
    e.type = FileType::Symlink;
    e.mode = 0777;
    e.link = target;
    tree_.insert(e);
    return *this;
  }
  // A dpkg package: a status stanza and info/NAME.list with every file and its parents.
  TreeBuilder& package(const std::string& name, const std::vector<std::string>& files,
                       const std::string& extra_fields = "") {
    status_ += "Package: " + name + "\nStatus: install ok installed\nVersion: 1.0\n" +
               "Architecture: amd64\n" + extra_fields + "Description: " + name + "\n\n";
    std::set<std::string> listed;
    for (auto& f : files) {
      for (std::string p = f; !p.empty();
           p = p.substr(0, p.rfind('/') == std::string::npos ? 0 : p.rfind('/'))) {
        listed.insert("/" + p);
      }
    }
    std::string list = "/.\n";
    for (auto& l : listed)
      list += l + "\n";
    file("var/lib/dpkg/info/" + name + ".list", list);
    file("var/lib/dpkg/status", status_);
    return *this;
  }
  // Every file, directory and symlink under `dir` (a root made by a fixture script), at
  // the same paths in the tree.
  TreeBuilder& copy_dir(const std::filesystem::path& root) {
    namespace fs = std::filesystem;
    for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
         ++it) {
      std::string path = fs::relative(it->path(), root).string();
      auto status = it->symlink_status();
      if (fs::is_symlink(status)) {
        symlink(path, fs::read_symlink(it->path()).string());
      } else if (fs::is_directory(status)) {
        dir(path, static_cast<uint32_t>(status.permissions()));
      } else if (fs::is_regular_file(status)) {
        file(path, read_file(it->path(), size_t{1} << 30),
             static_cast<uint32_t>(status.permissions()));
      }
    }
    return *this;
  }
  // A file of this host (an ELF binary, a library) placed at `path`.
  TreeBuilder& host_file(const std::string& path, const std::filesystem::path& host,
                         uint32_t mode = 0755) {
    return file(path, read_file(std::filesystem::canonical(host), size_t{1} << 30), mode);
  }
  FileTree build() { return tree_; }

 private:
  void parents(const std::string& path) {
    for (size_t s = path.find('/'); s != std::string::npos; s = path.find('/', s + 1)) {
      std::string p = path.substr(0, s);
      if (tree_.find(p) == nullptr) {
        Entry e;
        e.path = p;
        e.type = FileType::Directory;
        e.mode = 0755;
        tree_.insert(e);
      }
    }
  }
  FileTree tree_;
  std::string status_;
};

inline ImageConfig config_json(const std::string& config_object) {
  return ImageConfig::parse(R"({"architecture":"amd64","os":"linux","config":)" + config_object +
                                R"(,"rootfs":{"type":"layers","diff_ids":[]}})",
                            "test config");
}

// What a shell command prints on stdout; `status` gets its exit status.
inline std::string command_output(const std::string& command, int* status = nullptr) {
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) throw std::runtime_error("cannot run " + command);
  char buf[4096];
  std::string out;
  while (size_t n = ::fread(buf, 1, sizeof buf, p))
    out.append(buf, n);
  int rc = ::pclose(p);
  if (status != nullptr) *status = rc;
  return out;
}

// The tar (or folder) a tests/fixtures/make-*.sh script builds (it prints the path), built
// when missing.
inline std::string fixture_tar(const std::string& script) {
  std::string command = (source_dir() / "tests/fixtures" / script).string() + " 2>/dev/null";
  int rc = 0;
  std::string out = command_output(command, &rc);
  while (!out.empty() && out.back() == '\n')
    out.pop_back();
  if (rc != 0 || out.empty() || !std::filesystem::exists(out)) {
    throw std::runtime_error("fixture script " + command + " failed (run it by hand to see why)");
  }
  return out;
}

inline FileTree flatten_tar(const std::string& tar) {
  Flattener f;
  FileReader in(tar);
  f.apply(in, tar);
  return f.finish();
}

// Writes the selected entries of `tree` (parents included) under `dir`, as the layer would.
inline void extract(const FileTree& tree, const std::set<std::string>& paths,
                    const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::set<std::string> all;
  for (auto& p : paths) {
    all.insert(p);
    for (size_t s = p.find('/'); s != std::string::npos; s = p.find('/', s + 1))
      all.insert(p.substr(0, s));
  }
  fs::create_directories(dir);
  for (auto& p : all) {  // sorted: parents first
    const Entry* e = tree.find(p);
    if (e == nullptr) continue;
    fs::path out = dir / p;
    switch (e->type) {
      case FileType::Directory:
        fs::create_directories(out);
        ::chmod(out.c_str(), e->mode);
        break;
      case FileType::Symlink:
        fs::create_symlink(e->link, out);
        break;
      case FileType::Regular: {
        std::ofstream f(out, std::ios::binary);
        if (e->size > 0) {
          auto in = tree.open(*e);
          char buf[65536];
          while (size_t n = in->read(buf, sizeof buf))
            f.write(buf, static_cast<std::streamsize>(n));
        }
        f.close();
        ::chmod(out.c_str(), e->mode);
        break;
      }
      default:
        break;
    }
  }
}

// A request for the named packages.
inline StripRequest packages(std::vector<std::string> names, DepsMode deps = DepsMode::Auto) {
  StripRequest r;
  r.packages = std::move(names);
  r.deps = deps;
  return r;
}

// Whether one of a resolution's notes contains `part`.
inline bool noted(const Resolution& r, const std::string& part) {
  return std::any_of(r.notes.begin(), r.notes.end(),
                     [&](auto& n) { return n.find(part) != std::string::npos; });
}

// The names of the packages a resolution keeps, sorted.
inline std::vector<std::string> kept_packages(const Resolution& res) {
  std::vector<std::string> names;
  for (auto& k : res.packages)
    names.push_back(k.package->name);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace imgstrip::test
