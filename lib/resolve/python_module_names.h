// Dotted module names that a file spells out as a whole string, for modules imported by a
// name the import statements do not show: in Python source a quoted "pkg.mod" or
// "pkg.mod:attr" (import_string, entry points, logging configurations, lazy loaders); in
// an extension module or the interpreter a NUL-terminated "pkg.mod", the argument of
// PyImport_ImportModule ("xml.etree.ElementPath" in _elementtree, "zoneinfo._common" in
// _zoneinfo). Only names of two parts or more: single names are every identifier.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace imgstrip {

enum class NameSource { PythonText, Binary };

// The distinct names, in order of first appearance, at most `limit` of them.
std::vector<std::string> python_dotted_names(std::string_view data, NameSource source,
                                             size_t limit = 20000);

}  // namespace imgstrip
