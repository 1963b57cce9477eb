#!/usr/bin/env bash
# exercise.sh ready|1|2: drives the bookmarks API on 127.0.0.1:$PORT. Phase 1 adds,
# filters, reads and deletes bookmarks, sends bad input and asks for what is not there,
# and checks the static page and helmet's headers; phase 2 (after a restart on the same
# volume) lists what survived.
set -uo pipefail
source "$(dirname "$0")/../exercise-lib.sh"
base=http://127.0.0.1:${PORT:?}
json=(-H 'Content-Type: application/json')
case ${1:?} in
  ready) http_ready "$base/health" ;;
  1)
    http GET "$base/health"
    http GET "$base/"
    echo "GET / security headers: $(curl -s -m 10 -D - -o /dev/null "$base/" |
      grep -oiE '^(x-content-type-options|x-frame-options|strict-transport-security|content-security-policy):' |
      tr 'A-Z' 'a-z' | sort | tr '\n' ' ')"
    http POST "$base/api/bookmarks" "${json[@]}" -d '{"url":"https://www.debian.org/releases/bookworm/","tags":["debian","os"]}'
    http POST "$base/api/bookmarks" "${json[@]}" -d '{"url":"http://example.com/a b?q=ü","title":"  Ex ample  ","tags":["test"]}'
    http POST "$base/api/bookmarks" "${json[@]}" -d '{"url":"https://tmp.example/","title":"to delete"}'
    http POST "$base/api/bookmarks" "${json[@]}" -d '{"url":"not a url"}'
    http POST "$base/api/bookmarks" "${json[@]}" -d '{"url": "http://x'
    http GET "$base/api/bookmarks?tag=debian"
    http GET "$base/api/bookmarks/2"
    http DELETE "$base/api/bookmarks/3"
    http DELETE "$base/api/bookmarks/3"
    http GET "$base/api/bookmarks/3"
    http GET "$base/nope"
    http GET "$base/api/bookmarks"
    ;;
  2)
    http GET "$base/api/bookmarks"
    http POST "$base/api/bookmarks" "${json[@]}" -d '{"url":"https://after.restart/"}'
    ;;
esac
