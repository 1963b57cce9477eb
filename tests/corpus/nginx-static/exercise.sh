#!/usr/bin/env bash
# exercise.sh ready|1: GET of the static page, a HEAD, a missing page and a bad method
# against 127.0.0.1:$PORT.
set -uo pipefail
source "$(dirname "$0")/../exercise-lib.sh"
base=http://127.0.0.1:${PORT:?}
case ${1:?} in
  ready) http_ready "$base/" ;;
  1)
    http GET "$base/"
    http GET "$base/index.html"
    echo "HEAD / -> $(curl -s -m 10 -I "$base/" | grep -iE '^(HTTP|content-type|content-length)' | tr -d '\r' | tr '\n' ' ')"
    http GET "$base/nope"
    http DELETE "$base/"
    ;;
esac
