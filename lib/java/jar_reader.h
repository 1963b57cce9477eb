// A jar's (zip's) entries, read in order through libarchive. Jars up to kWholeJarLimit
// are read whole and found through the zip's central directory, as Java's JarFile does;
// larger ones are streamed (local headers, in order). Errors name the jar's problem.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "fs/tree.h"

struct archive;

namespace imgstrip {

inline constexpr size_t kWholeJarLimit = size_t{64} << 20;

class JarReader {
 public:
  // Throws Error when the jar cannot be opened as a zip ("not a readable jar (...)").
  JarReader(const FileTree& tree, const Entry& jar);
  // A jar held in memory (a jar inside a jar).
  explicit JarReader(std::string whole);
  ~JarReader();
  JarReader(const JarReader&) = delete;
  JarReader& operator=(const JarReader&) = delete;

  // The next entry's name without a leading "/" or "./"; nullopt at the end. Throws Error
  // for a damaged jar ("damaged jar (...)").
  std::optional<std::string> next();
  // The current entry's bytes, at most `limit` (*truncated says whether there was more).
  // Throws Error when they cannot be inflated.
  std::string read(size_t limit, bool* truncated = nullptr);

  struct Source;  // a streamed jar's bytes (jar_reader.cc)

 private:
  struct Free {
    void operator()(struct archive* a) const;
  };
  void opened(int rc);  // throws "not a readable jar" unless rc is ARCHIVE_OK

  // Destroyed in reverse: the reader before the bytes it reads.
  std::unique_ptr<Source> src_;
  std::string whole_;
  std::unique_ptr<struct archive, Free> a_;
};

}  // namespace imgstrip
