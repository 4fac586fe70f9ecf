#!/usr/bin/env bash
# Installs the Debian packages the build, tests and benchmarks need, if any are missing.
# Idempotent and quick when everything is there. Needs root (or sudo) only when installing.
set -euo pipefail
pkgs=(build-essential cmake clang pkg-config libcjson-dev libssl-dev libclang-rt-14-dev valgrind python3 iproute2 curl)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ "${#missing[@]}" -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
