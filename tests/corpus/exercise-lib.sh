# Helpers for the corpus apps' exercise.sh scripts. Sourced; defines functions only.
# Answers are printed one request per line so that an original and a stripped run can be
# compared with diff; volatile parts (times and dates) are replaced by placeholders with
# `normalise`.

# normalise: stdin to stdout with ISO-8601 times and HTTP dates masked.
normalise() {
  sed -E -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?/<time>/g' \
    -e 's/(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} GMT/<date>/g'
}

# http METHOD URL [CURL_ARGS...]: one line "METHOD PATH -> STATUS BODY" (body on one line).
http() {
  local method=$1 url=$2; shift 2
  local out
  out=$(curl -s -m 10 -X "$method" -w '\n%{http_code}' "$@" "$url") || out=$'\n'"curl-failed"
  local status=${out##*$'\n'} body=${out%$'\n'*}
  printf '%s /%s -> %s %s\n' "$method" "${url#http://*/}" "$status" "$(tr '\n' ' ' <<<"$body" | sed 's/ *$//')" | normalise
}

# http_ready URL: exit 0 when the URL answers with any HTTP status.
http_ready() {
  [ "$(curl -s -m 3 -o /dev/null -w '%{http_code}' "$1" 2>/dev/null)" != "000" ]
}

# guestbook PORT: the five coursework inputs, then the list; status and body each (the
# csvs-web and web-db guestbooks; tests/e2e uses it too).
guestbook() {
  local url="http://127.0.0.1:$1/index.php"
  curl -s -m 5 -w ' [%{http_code}]\n' -d 'user=alice&suggestion=More tea in the kitchen' "$url"
  curl -s -m 5 -w ' [%{http_code}]\n' -X POST "$url"
  curl -s -m 5 -w ' [%{http_code}]\n' -d 'user=bob' "$url"
  curl -s -m 5 -w ' [%{http_code}]\n' -d 'suggestion=Longer lunch breaks' "$url"
  curl -s -m 5 -w ' [%{http_code}]\n' --data-urlencode "user=o'brien" --data-urlencode "suggestion='" "$url"
  curl -s -m 5 -w ' [%{http_code}]\n' "$url"
}
