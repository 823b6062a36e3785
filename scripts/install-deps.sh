#!/usr/bin/env bash
# Installs what the build, the demo and the tests need on Debian 12, only
# where it is missing: Debian packages with apt-get, npm packages with npm ci.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake g++ make pkg-config libboost1.81-dev nlohmann-json3-dev doctest-dev
          libsqlite3-dev sqlite3 libssl-dev emscripten terser cleancss chromium fonts-wqy-microhei
          clang libclang-rt-14-dev
          postgresql libpq-dev redis-server libhiredis-dev nginx brotli ccache opencc libopencc-data)
packages+=(zopfli systemd)  # zopfli: the served .gz files (wasm/tools/stage_assets.js); systemd-analyze: the deploy_files test
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js may come from Debian or from another package source that bundles npm:
# ask for the commands, not for Debian's package names.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# playwright-core drives Debian's chromium in the browser tests (it never
# downloads a browser of its own).
if [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
