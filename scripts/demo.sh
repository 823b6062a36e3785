#!/usr/bin/env bash
# Installs what is missing, builds what the demo runs, and starts the demo: the
# comment server on an embedded SQLite file (demo.db) at http://127.0.0.1:8080
# serving the demo article page. Ctrl-C stops it cleanly.
#
# It builds only the server and the served web folder with the Wasm client
# (no tests, benchmarks or fuzz targets), in a build folder of its own
# (build-demo; test.sh uses build). A new demo database starts with a few
# sample comments (scripts/demo/sample-comments.json, marked 示例): posted
# through a short-lived server instance before the demo starts, and never
# into a database that already exists.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B build-demo -DCMAKE_BUILD_TYPE=Release -DCOMMENTS_BUILD_TESTS=OFF -DCOMMENTS_BUILD_FUZZ=OFF \
  "${launcher[@]}"
cmake --build build-demo -j"$(nproc)" --target comment-server wasm_client
server=build-demo/server/comment-server
db="${DB:-demo.db}"

if [ ! -e "$db" ] && [[ "$db" != postgres* ]]; then
  log="$(mktemp)"
  "$server" --port 0 --db "$db" --web build-demo/web --rate 0 >"$log" 2>&1 &
  seeder_pid=$!
  url=""
  for _ in $(seq 100); do
    url="$(sed -n 's/^.*listening on \(http:[^ ]*\).*$/\1/p' "$log" | head -n1)"
    [ -n "$url" ] && break
    sleep 0.1
  done
  if [ -n "$url" ]; then
    node scripts/demo/seed.js "$url" || echo "demo: starting without sample comments"
  else
    echo "demo: the seeding instance did not start:" && cat "$log"
  fi
  kill -TERM "$seeder_pid" 2>/dev/null || true
  wait "$seeder_pid" 2>/dev/null || true
  rm -f "$log"
fi

if [ -z "${COMMENTS_MOD_TOKEN:-}" ]; then
  # A known token for the demo only; a token you set yourself is never printed.
  export COMMENTS_MOD_TOKEN=demo-moderator
  echo "demo moderator token: demo-moderator (moderator console: /moderate.html)"
fi
echo "demo article: http://127.0.0.1:${PORT:-8080}/ (another port: PORT=8081 ./scripts/demo.sh)"
exec "$server" --port "${PORT:-8080}" --db "$db" --web build-demo/web "$@"
