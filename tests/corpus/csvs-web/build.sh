#!/usr/bin/env bash
# csvs-web: the examples/csvs-web guestbook (nginx + php-fpm + SQLite) as a corpus entry.
# build.sh [IMAGE]: builds (cached by content) and prints the image name.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../build-lib.sh"
# One mmdebstrap at a time on this machine: the example takes the corpus builds' lock.
corpus_locked bash "$here/../../../examples/csvs-web/build.sh" "${1:-localhost/corpus-csvs-web:latest}"
