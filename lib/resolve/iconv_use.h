// Which charsets a kept object can hand to glibc's iconv_open, for the gconv essentials.
// glibc converts UTF-8, ASCII and its Unicode forms without modules; every other charset
// needs a module of the gconv directory (8 MB on Debian). Most importers take charsets
// from their input (libxml2 from a document, PHP from a script): they need every module.
// A few take only the locale's charset:
// - libstdc++ (the multibyte thousands separator of a named std::locale,
//   config/locale/gnu/numeric_members.cc) and the JDK's libinstrument and libjdwp (agent
//   options and manifest strings, EncodingSupport_md.c and utf_util.c): nl_langinfo(CODESET)
//   of an installed locale, after setlocale(LC_ALL, "");
// - bash ($'\u...' and printf \u, lib/sh/unicode.c): the part after '.' of LC_ALL, LC_CTYPE
//   or LANG, whether or not that locale is installed (Debian's bash uses stub_charset).
// With only UTF-8 locales in the image and no locale variable naming another charset, they
// need no module.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace imgstrip {

enum class IconvUse {
  Any,              // charsets from input: every module
  InstalledLocale,  // the codeset of an installed locale
  LocaleVariable,   // the charset a locale variable names, installed or not
};

// How the ELF object at `path` (real path; `soname` if it has one) uses iconv_open.
IconvUse iconv_use(std::string_view path, const std::optional<std::string>& soname);

// Whether glibc converts `charset` without a gconv module ("UTF-8", "utf8", "ASCII",
// "ANSI_X3.4-1968"...; case, '-' and '_' ignored).
bool builtin_charset(std::string_view charset);

// Whether an installed locale (a directory or file name under usr/lib/locale) has a
// charset glibc converts without modules: C, POSIX and the *.utf8 / *.UTF-8 ones.
bool builtin_locale(std::string_view name);

// The first assignment of LC_ALL, LC_CTYPE or LANG in `text` (a script, an Env entry) whose
// value names a charset after '.' that needs a module ("LANG=de_DE.ISO-8859-15") or is
// computed at run time ("LANG=${LANG:-C}"), with its 1-based line; nullopt when none does.
struct LocaleAssignment {
  size_t line = 0;
  std::string text;  // "LANG=de_DE.ISO-8859-15"
};
std::optional<LocaleAssignment> non_builtin_locale_variable(std::string_view text);

}  // namespace imgstrip
