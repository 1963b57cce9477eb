// What one rule of the resolver found while reading one kept file: more paths to keep,
// each with why, and notes for the report. Rules that read a language's sources (Python
// imports, Node requires, Java class paths) return these; the resolver turns them into
// KeepSet entries and runs every rule again on what is newly kept, until nothing changes.
#pragma once

#include <string>
#include <vector>

namespace imgstrip {

struct FoundPath {
  std::string path;   // in the image, without leading '/'
  std::string why;    // "import flask in /app/app.py:3"
  bool tree = false;  // keep the whole directory below path (a package kept whole)
};

struct Findings {
  std::vector<FoundPath> keep;
  // Decisions the user should see: a dynamic import kept a package whole, a module that
  // is not in the image, a malformed package.json that was skipped...
  std::vector<std::string> notes;

  void add(std::string path, std::string why, bool tree = false) {
    keep.push_back({std::move(path), std::move(why), tree});
  }
  void note(std::string text) { notes.push_back(std::move(text)); }
};

}  // namespace imgstrip
