#!/usr/bin/env bash
# Runs every test: installs what is missing, builds everything from this tree
# (server, native tests, Wasm client and core tests compiled to Wasm), runs
# ctest (native core + server + integration, core under Node, browser tests in
# headless Chromium, the libFuzzer smoke runs of tests/fuzz), then the native
# tests again under ASan + UBSan (the fuzz targets are not built there: they
# already run under both sanitizers).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh

jobs=$(nproc)
# ccache (installed by install-deps) makes a rebuild of an unchanged file a
# lookup; paths are hashed relative to this tree, so a clone elsewhere hits too.
launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "${launcher[@]}"
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure --timeout 600

if [ "${COMMENTS_SKIP_SANITIZERS:-0}" != 1 ]; then
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCOMMENTS_SANITIZE=ON -DCOMMENTS_BUILD_WASM=OFF "${launcher[@]}"
  cmake --build build-asan -j"$jobs"
  # Not again under ASan: the browser tests and the fuzz runs (already under
  # ASan + UBSan), and the deploy files (the same files; this build has no Wasm).
  ctest --test-dir build-asan --output-on-failure --timeout 600 -LE 'browser|fuzz|deploy'
fi
