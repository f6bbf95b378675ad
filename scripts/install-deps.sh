#!/usr/bin/env bash
# Installs what `make run` (argument "run") or `make test` (argument "test") needs and is missing:
# Debian packages through apt-get, test-only Python tools through pip. Safe to run again: it only
# installs what is not there.
set -euo pipefail
mode="${1:-run}"

# FFmpeg's libraries (render, probe, local generators; FFmpeg 5.1 on bookworm), espeak-ng for offline
# speech, a font for title cards, and hiredis (the Redis client for several server nodes; the build links it).
debs=(postgresql pkg-config libavfilter-dev libavformat-dev libavcodec-dev libswscale-dev libswresample-dev libavutil-dev
  espeak-ng fonts-dejavu-core libhiredis-dev)
if [ "$mode" = "test" ]; then
  # redis-server: the tests of the Redis client and of several nodes start a throwaway one.
  debs+=(nodejs node-yjs node-y-protocols node-lib0 node-y-websocket node-ws redis-server)
fi

missing=()
for pkg in "${debs[@]}"; do
  # nodejs may come from another Debian repository; any working node satisfies it.
  if [ "$pkg" = nodejs ] && command -v node >/dev/null 2>&1; then continue; fi
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ "$mode" = "test" ]; then
  # Already-satisfied requirements are not fetched again.
  python3 -m pip install --quiet --disable-pip-version-check -r "$(dirname "$0")/../Tests/requirements-test.txt"
fi
