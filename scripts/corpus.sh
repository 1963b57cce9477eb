#!/usr/bin/env bash
# corpus.sh [APP...]: builds, strips and runs every corpus app (tests/corpus/*/, or the
# ones named) and prints a table:
#
#   original MB   the image as built (uncompressed, imgstrip's summary)
#   stripped MB   what imgstrip kept with the app's strip.args
#   touched MB    the distinct regular files of the original image the app opened or
#                 executed while its exercise ran (the original tree, chrooted under
#                 strace -f; symlinks followed, hard links once, #! interpreters and
#                 PT_INTERP included; files the app created do not count)
#   kept/touched  stripped MB / touched MB: how close the strip is to what is used
#   answers       the stripped image's answers (podman, default seccomp) against the
#                 original's: same, or what differs
#
# A tool, not a test: it always exits 0 when it could print the table. Outputs and logs
# stay in CORPUS_WORK when that is set (default: a temporary folder, removed).
# IMGSTRIP is the binary (default: build/cmd/imgstrip of this checkout).
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
IMGSTRIP=${IMGSTRIP:-$repo/build/cmd/imgstrip}
source "$repo/tests/corpus/lib.sh"
corpus_require "${CORPUS_TOOLS[@]}" || exit 1
corpus_init
apps=("$@")
[ ${#apps[@]} -gt 0 ] || mapfile -t apps < <(corpus_apps)
for app in "${apps[@]}"; do
  [ -x "$CORPUS_DIR/$app/build.sh" ] || { echo "no corpus app $app" >&2; exit 2; }
done

mb() { awk -v b="$1" 'BEGIN { if (b == "") print "-"; else printf "%.1f", b / 1048576 }'; }
rows=()
notes=()
for app in "${apps[@]}"; do
  dir=$CORPUS_WORK/$app
  mkdir -p "$dir"
  echo "== $app" >&2
  s=$SECONDS
  if ! corpus_build "$app"; then
    rows+=("$app|-|-|-|-|build failed")
    continue
  fi
  echo "   built in $((SECONDS - s)) s" >&2
  before="" after="" answers=""
  s=$SECONDS
  if corpus_strip "$app"; then
    before=$(jq .bytes.before "$dir/summary.json")
    after=$(jq .bytes.after "$dir/summary.json")
    echo "   stripped in $((SECONDS - s)) s" >&2
  else
    answers="strip failed"
    notes+=("$app: strip failed: $(tail -1 "$dir/strip.err" 2>/dev/null)")
  fi
  s=$SECONDS
  corpus_run "$app" orig orig >"$dir/orig.out" || notes+=("$app: the original did not run: $(grep -m1 'phase' "$dir/orig.out")")
  echo "   original ran in $((SECONDS - s)) s" >&2
  if [ -z "$answers" ]; then
    s=$SECONDS
    corpus_run "$app" stripped strip >"$dir/strip.out"
    echo "   stripped ran in $((SECONDS - s)) s" >&2
    if diff -q "$dir/orig.out" "$dir/strip.out" >/dev/null; then
      answers=same
    else
      answers="DIFF ($(diff "$dir/orig.out" "$dir/strip.out" | grep -c '^[<>]') lines)"
      notes+=("$app: stripped answers differ, first: $(diff "$dir/orig.out" "$dir/strip.out" | grep -m1 '^>' | cut -c1-160)")
      notes+=("$app: stripped log: $(grep -v '^$' "$dir/strip.log" 2>/dev/null | tail -3 | cut -c1-200 | tr '\n' '|')")
    fi
  fi
  s=$SECONDS
  corpus_trace "$app" orig touch -y -z -e trace=chroot,open,openat,openat2,creat,execve,execveat \
    >"$dir/touch.out"
  echo "   traced in $((SECONDS - s)) s" >&2
  diff -q "$dir/orig.out" "$dir/touch.out" >/dev/null ||
    notes+=("$app: the traced original answered differently; touched is a lower bound")
  /usr/bin/python3 "$CORPUS_DIR/strace_files.py" "$dir/touch.root" "$dir/touch.root.manifest" \
    "$dir"/touch.strace.* --list >"$dir/touched.txt"
  read -r touched files <"$dir/touched.txt"
  ratio=$(awk -v a="$after" -v t="$touched" 'BEGIN { if (a == "" || t + 0 == 0) print "-"; else printf "%.1f", a / t }')
  rows+=("$app|$(mb "$before")|$(mb "$after")|$(mb "$touched") ($files files)|$ratio|$answers")
  rm -rf "$dir/touch.root"
done

{
  echo "app|original MB|stripped MB|touched MB|kept/touched|answers"
  printf '%s\n' "${rows[@]}"
} | column -t -s '|'
[ ${#notes[@]} -eq 0 ] || { echo; printf '%s\n' "${notes[@]}"; }
exit 0
