#!/usr/bin/env bash
# nginx-static: the examples/nginx-static site as a corpus entry.
# build.sh [IMAGE]: builds (cached by content) and prints the image name.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../build-lib.sh"
# One mmdebstrap at a time on this machine: the example takes the corpus builds' lock.
corpus_locked bash "$here/../../../examples/nginx-static/build.sh" "${1:-localhost/corpus-nginx-static:latest}"
