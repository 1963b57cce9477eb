#!/usr/bin/env bash
# exercise.sh ready|1|2: the coursework's five guestbook inputs against 127.0.0.1:$PORT
# (phase 1); phase 2, after the database container restarted on the same volume, lists
# the entries again: they survived.
set -uo pipefail
source "$(dirname "$0")/../exercise-lib.sh"
case ${1:?} in
  ready) [ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:${PORT:?}/index.php")" = 200 ] ;;
  1) guestbook "${PORT:?}" ;;
  2) curl -s -m 10 -w ' [%{http_code}]\n' "http://127.0.0.1:${PORT:?}/index.php" ;;
esac
