# Helpers for the corpus apps' build.sh scripts: a content key over the app's files, a
# cached mmdebstrap root file system, and podman import with Dockerfile-like changes.
# Sourced; defines functions only.

CORPUS_FIXTURES=${IMGSTRIP_FIXTURES:-/var/tmp/imgstrip-fixtures}

# corpus_key PATH...: 12 hex digits over the names and contents of every file under the
# given files and folders (sorted, so the key does not depend on the file system order),
# leaving out the harness's own files, which do not go into the image (exercise.sh,
# run.sh, strip.args, expected.out, README).
corpus_key() {
  local f
  find "$@" -type f ! -name '*.swp' ! -name exercise.sh ! -name run.sh ! -name strip.args \
    ! -name expected.out ! -name 'README*' -print0 |
    sort -z | while IFS= read -r -d '' f; do
    printf '%s\0' "${f##*/tests/corpus/}"
    sha256sum <"$f"
  done | sha256sum | cut -c1-12
}

# corpus_rootfs_path NAME KEY: where the cached root file system tarball lives.
corpus_rootfs_path() {
  mkdir -p "$CORPUS_FIXTURES"
  echo "$CORPUS_FIXTURES/corpus-$1-$2.tar"
}

# corpus_mmdebstrap OUT MMDEBSTRAP_ARGS...: a bookworm root file system tarball (variant
# apt) written to OUT only when complete. One mmdebstrap at a time on this machine (a lock
# file in the fixtures folder); the log is kept beside OUT.
corpus_mmdebstrap() {
  local out=$1; shift
  (
    flock 9
    [ -s "$out" ] && exit 0  # another build made it while this one waited
    mmdebstrap --variant=apt "$@" --format=tar bookworm "$out.tmp" >"$out.log" 2>&1 ||
      { tail -40 "$out.log" >&2; rm -f "$out.tmp"; exit 1; }
    mv "$out.tmp" "$out"
    _corpus_drop_stale "$out"
    exit 0
  ) 9>"$CORPUS_FIXTURES/.mmdebstrap.lock"
}

# corpus_base NAME MMDEBSTRAP_ARGS...: a root file system shared by several apps (the JRE
# of java-jar and java-cp), cached under a key of its arguments; prints its path.
corpus_base() {
  local name=$1 key out
  shift
  key=$(printf '%s\n' "$@" | sha256sum | cut -c1-12)
  out=$(corpus_rootfs_path "base-$name" "$key")
  [ -s "$out" ] || corpus_mmdebstrap "$out" "$@" >&2 || return 1
  echo "$out"
}

# corpus_overlay BASE OUT DIR: OUT is the BASE tarball with DIR's contents added (owned
# by root, modes as in DIR), written only when complete. Directories BASE has already
# (./opt) are not added again: podman import refuses a path twice.
corpus_overlay() {
  local base=$1 out=$2 dir=$3 list
  list=$(mktemp)
  comm -13 <(tar -tf "$base" | sed 's|/$||' | LC_ALL=C sort) \
    <(cd "$dir" && find . -mindepth 1 | LC_ALL=C sort) >"$list"
  cp "$base" "$out.tmp" &&
    (cd "$dir" && tar -rf "$out.tmp" --owner=0 --group=0 --numeric-owner --no-recursion -T "$list") &&
    mv "$out.tmp" "$out" || { rm -f "$out.tmp" "$list"; return 1; }
  rm -f "$list"
  _corpus_drop_stale "$out"
}

# _corpus_drop_stale OUT: older builds of the same app (other keys) are stale now.
_corpus_drop_stale() {
  local old
  for old in "${1%-*.tar}"-????????????.tar; do
    [ "$old" != "$1" ] && [ -f "$old" ] && rm -f "$old" "$old.log"
  done
  return 0
}

# corpus_locked COMMAND...: runs COMMAND holding the mmdebstrap lock (for builds that
# call mmdebstrap themselves, like the examples' build.sh).
corpus_locked() {
  mkdir -p "$CORPUS_FIXTURES"
  flock "$CORPUS_FIXTURES/.mmdebstrap.lock" "$@"
}

# corpus_import ROOTFS IMAGE KEY CHANGE...: podman import with Dockerfile instructions
# (--change), labelled with the content key; an image of that name with the same key
# is left as it is.
corpus_import() {
  local rootfs=$1 image=$2 key=$3; shift 3
  local have
  have=$(podman image inspect --format '{{index .Labels "io.imgstrip.corpus.key"}}' "$image" 2>/dev/null || true)
  [ "$have" = "$key" ] && return 0
  local changes=() c
  for c in "$@"; do changes+=(--change "$c"); done
  podman import -q "${changes[@]}" --change "LABEL io.imgstrip.corpus.key=$key" \
    "$rootfs" "$image" >/dev/null
}
