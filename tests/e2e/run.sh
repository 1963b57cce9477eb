#!/usr/bin/env bash
# Runs every tests/e2e/test_*.sh and prints one closing line with the totals.
set -uo pipefail
cd "$(dirname "$0")"
: "${IMGSTRIP:?set IMGSTRIP to the imgstrip binary}"
total_pass=0
total_fail=0
for t in test_*.sh; do
  [ -n "${E2E_ONLY:-}" ] && [[ "$t" != *"$E2E_ONLY"* ]] && continue
  # E2E_CORPUS=0 leaves out the corpus (nine real applications built, stripped, run three
  # ways and traced: ~12 minutes with its images cached, ~30 without) for a quick local run.
  if [ "$t" = test_corpus.sh ] && [ "${E2E_CORPUS:-1}" = 0 ] && [ -z "${E2E_ONLY:-}" ]; then
    echo "-- $t: NOT RUN (E2E_CORPUS=0)"
    continue
  fi
  echo "-- $t"
  result=$(mktemp)
  echo "0 1" >"$result"  # a script that dies before finish() counts as one failure
  E2E_RESULT=$result bash "$t"
  read -r p f <"$result"
  rm -f "$result"
  total_pass=$((total_pass + p))
  total_fail=$((total_fail + f))
  # The tests run engines and traced apps as root on this machine: one that leaves the
  # host's /dev/null a plain file breaks every later redirect (apt's _apt user cannot write
  # it, so mmdebstrap fails). Say which test did it, and repair it for the rest.
  if [ ! -c /dev/null ]; then
    echo "  FAIL $t: left the host's /dev/null a $(stat -c %F /dev/null 2>&1) (repaired)"
    total_fail=$((total_fail + 1))
    rm -f /dev/null && mknod -m 666 /dev/null c 1 3
  fi
done
echo "e2e: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
