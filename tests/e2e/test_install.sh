#!/usr/bin/env bash
# Shipping: `imgstrip --version` names the commit it was built from; `cmake --install`
# puts the binary, a man page generated from --help and the bash completion under a
# prefix; `cpack -G DEB` makes a .deb whose Depends dpkg-shlibdeps computed from the
# libraries the binary links, and whose binary runs once unpacked.
source "$(dirname "$0")/lib.sh"
REPO=$(cd "$(dirname "$0")/../.." && pwd)
IMGSTRIP=$(realpath "$IMGSTRIP")
BUILD=$(cd "$(dirname "$IMGSTRIP")/.." && pwd)
trap cleanup EXIT

echo "-- version"
commit=$(git -C "$REPO" rev-parse --short=12 HEAD)
version=$("$IMGSTRIP" --version)
echo "  $version"
check "imgstrip --version names the version of CMakeLists.txt" \
  grep -qF "imgstrip $(sed -n 's/^project(imgstrip VERSION \([0-9.]*\).*/\1/p' "$REPO/CMakeLists.txt") " <<<"$version"
check "imgstrip --version names the commit it was built from ($commit)" grep -qE "\(commit $commit(-dirty)?\)" <<<"$version"

echo "-- cmake --install"
prefix=$WORK/prefix
check "cmake --install BUILD --prefix DIR" cmake --install "$BUILD" --prefix "$prefix"
check "the installed binary runs" "$prefix/bin/imgstrip" --version
man=$prefix/share/man/man1/imgstrip.1
check "a man page is installed (share/man/man1/imgstrip.1)" test -s "$man"
check "  ... made from --help: its title, and the commands the usage lists" \
  bash -c "grep -q '^\.TH IMGSTRIP \"1\"' '$man' && grep -q 'run\\\\-args' '$man' && grep -q 'seccomp' '$man'"
completion=$prefix/share/bash-completion/completions/imgstrip
check "the bash completion is installed" test -s "$completion"
# complete WORDS...: what the completion offers for the command line WORDS (last one
# being completed), with the installed binary.
complete_words() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _imgstrip; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$completion" "$@"
}
check_eq "  ... completes commands (imgstrip se -> seccomp)" "seccomp" "$(complete_words imgstrip se)"
check_eq "  ... completes a command's flags from its --help (strip --all-c)" "--all-commands" \
  "$(PATH=$prefix/bin:$PATH complete_words "$prefix/bin/imgstrip" strip --all-c)"
check_eq "  ... and the default command's (imgstrip -i x --no-ent)" "--no-entrypoint" \
  "$(complete_words "$prefix/bin/imgstrip" -i x --no-ent)"

echo "-- cpack -G DEB"
pkg=$WORK/pkg
mkdir -p "$pkg"
check "cpack -G DEB makes a package" bash -c "cd '$pkg' && cpack -G DEB --config '$BUILD/CPackConfig.cmake' >cpack.log 2>&1 || { cat cpack.log; exit 1; }"
deb=$(ls "$pkg"/imgstrip_*.deb 2>/dev/null | head -1)
check "  ... named imgstrip_VERSION_ARCH.deb" test -n "$deb"
if [ -n "$deb" ]; then
  depends=$(dpkg-deb -f "$deb" Depends)
  echo "  Depends: $depends"
  # Every library the binary names (DT_NEEDED) comes from a package the .deb depends on.
  needed=$(readelf -d "$IMGSTRIP" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
  check "  ... the binary needs libraries (readelf -d)" test -n "$needed"
  names=$(sed 's/([^)]*)//g; s/[|,]/\n/g' <<<"$depends" | awk '{print $1}')  # package names
  for so in $needed; do
    path=$(ldconfig -p | awk -v so="$so" '$1 == so && /x86-64/ {print $NF; exit}')
    owner=$(dpkg -S "$(realpath "$path")" 2>/dev/null | head -1 | cut -d: -f1)
    [ -n "$owner" ] || owner=$(dpkg -S "$path" 2>/dev/null | head -1 | cut -d: -f1)
    check "  ... Depends names $owner (for $so, dpkg-shlibdeps)" grep -qxF "$owner" <<<"$names"
  done
  contents=$(dpkg-deb -c "$deb")
  for f in ./usr/bin/imgstrip ./usr/share/man/man1/imgstrip.1 ./usr/share/bash-completion/completions/imgstrip; do
    check "  ... holds $f" grep -qF " $f" <<<"$contents"
  done
  mkdir -p "$WORK/unpacked"
  dpkg-deb -x "$deb" "$WORK/unpacked"
  check_eq "  ... its binary runs and is this build" "$version" "$("$WORK/unpacked/usr/bin/imgstrip" --version 2>&1)"
  check "  ... stripped of debug information" bash -c "! readelf -S '$WORK/unpacked/usr/bin/imgstrip' | grep -q '\.debug_info'"
fi
finish
