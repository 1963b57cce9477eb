#!/usr/bin/env bash
# The full test suite: installs dependencies, builds, runs every unit test (ctest) and
# every end-to-end test (tests/e2e) against real tools. Exit status 0 only if all pass.
# Set IMGSTRIP_SANITIZE=1 to build and test with AddressSanitizer + UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The corpus's images (mmdebstrap, mostly downloads and dpkg) build while the compiler
# runs; the end-to-end tests wait for them.
if [ "${E2E_CORPUS:-1}" != 0 ]; then
  bash tests/corpus/build-all.sh >corpus-images.log 2>&1 &
  corpus_images=$!
fi
if [ "${IMGSTRIP_SANITIZE:-0}" = 1 ]; then
  BUILD_DIR=${BUILD_DIR:-build-asan} bash scripts/build.sh -DIMGSTRIP_SANITIZE=ON -DIMGSTRIP_WERROR=ON
  BUILD_DIR=${BUILD_DIR:-build-asan}
else
  bash scripts/build.sh -DIMGSTRIP_WERROR=ON
  BUILD_DIR=${BUILD_DIR:-build}
fi

status=0
echo "== unit tests"
(cd "$BUILD_DIR" && ctest --output-on-failure -j 2) || status=1

# The demo's build: the libraries and the CLI as unity batches, which a name defined in
# two files of one library breaks (unoptimised here; it only has to compile).
echo "== unity build (what scripts/demo.sh builds)"
BUILD_DIR=build-unity BUILD_TYPE=Debug TARGET=imgstrip bash scripts/build.sh -DIMGSTRIP_UNITY=ON \
  -DIMGSTRIP_TESTS=OFF -DIMGSTRIP_WERROR=ON -DCMAKE_CXX_FLAGS_DEBUG=-O0 >/dev/null || status=1

echo "== fuzzing (${FUZZ_SECONDS:-10} s per parser)"
bash scripts/fuzz.sh || status=1

echo "== end-to-end tests"
if [ -n "${corpus_images:-}" ]; then
  wait "$corpus_images" || echo "(some corpus images did not build; the corpus test builds them again)"
  cat corpus-images.log
fi
IMGSTRIP="$PWD/$BUILD_DIR/cmd/imgstrip" bash tests/e2e/run.sh || status=1
exit $status
