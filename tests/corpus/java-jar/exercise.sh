#!/usr/bin/env bash
# exercise.sh ready|1|2: drives the notes API on 127.0.0.1:$PORT. Phase 1 creates, lists,
# reads and deletes notes and asks for what is not there; phase 2 (after a restart on the
# same volume) lists what survived.
set -uo pipefail
source "$(dirname "$0")/../exercise-lib.sh"
base=http://127.0.0.1:${PORT:?}
json=(-H 'Content-Type: application/json')
case ${1:?} in
  ready) http_ready "$base/health" ;;
  1)
    http GET "$base/health"
    http GET "$base/notes"
    http POST "$base/notes" "${json[@]}" -d '{"title":"Groceries","body":"tea, milk, bread"}'
    http POST "$base/notes" "${json[@]}" -d '{"title":"  Ünïcödé  ","body":"line one\nline \"two\""}'
    http POST "$base/notes" "${json[@]}" -d '{"title":"to delete"}'
    http POST "$base/notes" "${json[@]}" -d '{"body":"no title"}'
    http POST "$base/notes" "${json[@]}" -d '{"title": tru'
    echo "GET /notes/1 etag headers: $(curl -s -m 10 -D - -o /dev/null "$base/notes/1" | grep -ciE '^etag: "[0-9a-f]{16}"')"
    http GET "$base/notes/1"
    http GET "$base/notes/2"
    http DELETE "$base/notes/3"
    http GET "$base/notes/3"
    http GET "$base/notes/x"
    http PUT "$base/notes"
    http GET "$base/notes"
    ;;
  2)
    http GET "$base/notes"
    http POST "$base/notes" "${json[@]}" -d '{"title":"after restart"}'
    http GET "$base/notes/3"
    ;;
esac
