#!/usr/bin/env bash
# soundness.sh [APP...]: is the static seccomp profile of each stripped corpus app
# (tests/corpus/*/, or the ones named) sound for what the app really does? Runs the
# app's exercise with the STRIPPED image's file system chrooted under strace -f and
# checks that every syscall made after the exec of the image's entrypoint is in the
# profile (the report's allowed + denied; denied ones are answered with an errno by
# design). Prints per app |static|, |observed|, the runtime's share (what the profile
# allows only for the OCI runtime and the engines' --init processes), the ratio
# (allowed - runtime) / (observed - runtime)
# and the misses; exits 1 on any miss, or when an app could not be built, stripped or
# exercised (no answer, no verdict).
#
# Reuses the strips (and logs) in CORPUS_WORK when that is set (tests/e2e/test_corpus.sh
# does); IMGSTRIP is the binary (default: build/cmd/imgstrip of this checkout).
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
IMGSTRIP=${IMGSTRIP:-$repo/build/cmd/imgstrip}
source "$repo/tests/corpus/lib.sh"
corpus_require "${CORPUS_TOOLS[@]}" || exit 1
corpus_init
apps=("$@")
[ ${#apps[@]} -gt 0 ] || mapfile -t apps < <(corpus_apps)

status=0
rows=()
notes=()
for app in "${apps[@]}"; do
  dir=$CORPUS_WORK/$app
  mkdir -p "$dir"
  if ! { corpus_build "$app" && corpus_strip "$app"; } 2>"$dir/soundness.err"; then
    rows+=("$app|-|-|-|-|-|strip failed")
    notes+=("$app: $(tail -1 "$dir/soundness.err")")
    status=1
    continue
  fi
  rm -f "$dir"/sound.strace.*
  ran=yes
  corpus_trace "$app" stripped sound >"$dir/sound.out" || ran=no
  if [ -f "$dir/orig.out" ] && [ $ran = yes ] && ! diff -q "$dir/orig.out" "$dir/sound.out" >/dev/null; then
    ran="yes, answers differ"
  fi
  corpus_strace_syscalls "$dir"/sound.strace.* >"$dir/observed.txt"
  corpus_static_syscalls "$app" >"$dir/static.txt"
  misses=$(comm -23 "$dir/observed.txt" "$dir/static.txt" | tr '\n' ' ' | sed 's/ $//')
  static=$(wc -l <"$dir/static.txt")
  observed=$(wc -l <"$dir/observed.txt")
  # The runtime's share: what the profile allows only for the OCI runtime (runc's calls
  # between the filter and the app's exec) and for the init docker or podman put in front
  # of the app with --init, left out of both sides of the ratio.
  jq -r '(.seccomp.fromRuntime // []) + (.seccomp.fromInit // []) | .[]' "$CORPUS_WORK/$app/report.json" |
    sort -u >"$dir/runtime.txt"
  runtime=$(wc -l <"$dir/runtime.txt")
  app_static=$(jq -r '.seccomp.allowed[]' "$CORPUS_WORK/$app/report.json" | sort -u |
    comm -23 - "$dir/runtime.txt" | wc -l)
  app_observed=$(comm -23 "$dir/observed.txt" "$dir/runtime.txt" | wc -l)
  ratio=$(awk -v s="$app_static" -v o="$app_observed" 'BEGIN { if (o > 0) printf "%.2f", s / o; else print "-" }')
  rows+=("$app|$static|$observed|$runtime|$ratio|${misses:-none}|$ran")
  if [ -n "$misses" ]; then
    status=1
    for m in $misses; do
      notes+=("$app: $m, first seen: $(cat "$dir"/sound.strace.* | grep -m1 -E "^[0-9]+ +$m\(" | cut -c1-140)")
    done
  fi
  if [ "$ran" = no ]; then
    status=1
    notes+=("$app: the stripped app did not answer under strace: $(grep -v '^$' "$dir/sound.log" 2>/dev/null | tail -2 | cut -c1-200 | tr '\n' '|')")
  elif [ "$observed" -lt 20 ]; then
    status=1
    notes+=("$app: only $observed syscalls observed: the trace did not see the app")
  fi
  rm -rf "$dir/sound.root"
done

{
  echo "app|static|observed|runtime|ratio|misses|ran"
  printf '%s\n' "${rows[@]}"
} | column -t -s '|'
[ ${#notes[@]} -eq 0 ] || { echo; printf '%s\n' "${notes[@]}"; }
exit $status
