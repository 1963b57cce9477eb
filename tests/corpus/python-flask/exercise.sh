#!/usr/bin/env bash
# exercise.sh ready|1|2: drives the to-do list on 127.0.0.1:$PORT. Phase 1 adds, marks,
# deletes and lists to-dos, renders the page, sends bad input and asks for what is not
# there; phase 2 (after a restart on the same volume) lists what survived.
set -uo pipefail
source "$(dirname "$0")/../exercise-lib.sh"
base=http://127.0.0.1:${PORT:?}
json=(-H 'Content-Type: application/json')
case ${1:?} in
  ready) http_ready "$base/health" ;;
  1)
    http GET "$base/health"
    http GET "$base/api/todos"
    http POST "$base/api/todos" "${json[@]}" -d '{"text":"Water the plants"}'
    http POST "$base/api/todos" "${json[@]}" -d '{"text":"  <b>Größe</b> & \"quotes\"  "}'
    http POST "$base/api/todos" "${json[@]}" -d '{"text":"to delete"}'
    http POST "$base/api/todos" "${json[@]}" -d '{"text":"   "}'
    http POST "$base/api/todos" "${json[@]}" -d 'not json'
    http PATCH "$base/api/todos/1" "${json[@]}" -d '{"done":true}'
    http DELETE "$base/api/todos/3"
    http GET "$base/api/todos/3"
    http GET "$base/nope"
    http GET "$base/"
    http GET "$base/api/todos"
    ;;
  2)
    http GET "$base/api/todos"
    http POST "$base/api/todos" "${json[@]}" -d '{"text":"after restart"}'
    ;;
esac
