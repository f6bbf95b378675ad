#!/usr/bin/env bash
# Installs what `make bench-collab` needs and is missing: the reference y-websocket server (Debian's
# node-y-websocket and node-ws, with node) and the Python load generator's packages. Safe to run again.
set -euo pipefail
debs=(nodejs node-y-websocket node-ws)
missing=()
for pkg in "${debs[@]}"; do
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
python3 -m pip install --quiet --disable-pip-version-check -r "$(dirname "$0")/requirements.txt"
