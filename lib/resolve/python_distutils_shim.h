// setuptools' distutils shim. setuptools (since 60) installs distutils-precedence.pth, so
// every interpreter start imports _distutils_hack. The shim imports `distutils` and
// `setuptools._distutils` in two places only: its meta path finder, when something imports
// distutils (it answers with setuptools' copy, or falls back to the standard library's when
// that copy is missing), and do_override(), which runs when setuptools itself is imported.
// So these imports matter only once a kept module imports distutils; setuptools' own files
// do, so importing setuptools counts too. Until then the Python rule holds them back: that
// keeps setuptools (about 5 MB) and distutils out of an application that uses neither.
#pragma once

#include <string_view>

#include "resolve/findings.h"
#include "resolve/python_env.h"

namespace imgstrip {

// Whether `path` is the shim's package: _distutils_hack/__init__.py in a site directory.
bool is_distutils_shim(const PythonEnv& env, std::string_view path);

// Whether a finding of the shim is what it imports only for distutils: setuptools (with its
// metadata) or the standard library's distutils.
bool shim_distutils_import(const PythonEnv& env, const FoundPath& found);

// Whether what a kept file imports includes distutils: the standard library's package or
// setuptools' copy found, or a note that `distutils` is not in the image (the shim would
// answer that import).
bool imports_distutils(const PythonEnv& env, const Findings& found);

}  // namespace imgstrip
