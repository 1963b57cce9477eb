#!/usr/bin/env bash
# exercise.sh ready|1: the coursework's five guestbook inputs and the list
# (tests/e2e/lib.sh's `guestbook`) against 127.0.0.1:$PORT.
set -uo pipefail
source "$(dirname "$0")/../exercise-lib.sh"
case ${1:?} in
  ready) http_ready "http://127.0.0.1:${PORT:?}/" ;;
  1) guestbook "${PORT:?}" ;;
esac
