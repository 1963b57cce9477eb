#!/usr/bin/env bash
# Idempotent installer for everything imgstrip builds and tests with.
# Debian packages only. Safe to run repeatedly; installs only what is missing.
set -euo pipefail

BUILD_PKGS=(
  build-essential cmake pkg-config clang-format clang
  libarchive-dev libcurl4-openssl-dev nlohmann-json3-dev libssl-dev
  libcxxopts-dev libfmt-dev catch2 libzstd-dev zlib1g-dev libisal-dev libdeflate-dev
  libelf-dev libcapstone-dev libseccomp-dev libsqlite3-dev help2man
)
TEST_PKGS=(
  docker-registry skopeo umoci podman buildah runc mmdebstrap docker.io docker-compose catatonit
  isal libdeflate-tools apache2-utils openssl curl jq python3 python3-jsonschema strace time rpm db5.3-util gcc-aarch64-linux-gnu libc6-dev-arm64-cross
  checkpolicy semodule-utils policycoreutils selinux-policy-default secilc setools apparmor
)

# Tools the corpus (tests/corpus) drives from the host, checked by command: a machine may
# have them from elsewhere (e.g. npm bundled with another nodejs build).
TEST_COMMANDS=(
  npm:npm javac:openjdk-17-jdk-headless jar:openjdk-17-jdk-headless psql:postgresql-client
  mariadb:mariadb-client column:bsdextrautils ps:procps unshare:util-linux flock:util-linux
)

missing=()
for p in "${BUILD_PKGS[@]}" "${TEST_PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
for cp in "${TEST_COMMANDS[@]}"; do
  command -v "${cp%%:*}" >/dev/null 2>&1 || missing+=("${cp#*:}")
done
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | awk 'NF && !seen[$0]++')

if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup: all dependencies present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# docker-registry's package starts a service on :5000 where systemd runs; tests start
# their own registry on free ports, so stop the packaged one if it came up.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet docker-registry 2>/dev/null; then
  $SUDO systemctl stop docker-registry || true
fi
# docker.io's package starts dockerd where systemd runs; tests start their own on private
# sockets, and bare image names must not find a system engine, so stop it too.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet docker 2>/dev/null; then
  $SUDO systemctl stop docker.socket docker || true
fi
echo "setup: done"
