#!/usr/bin/env bash
# Configures and builds imgstrip into ./build (or $BUILD_DIR). Extra args go to cmake.
# TARGET=imgstrip builds only the binary (what the demo needs), not the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} "$@" >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)" ${TARGET:+--target "$TARGET"}
