#!/usr/bin/env bash
# Installs what is missing, builds, and starts the demo: the comment server on
# an embedded SQLite file (demo.db) at http://127.0.0.1:8080 serving the demo
# article page. Ctrl-C stops it cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"
if [ -z "${COMMENTS_MOD_TOKEN:-}" ]; then
  # A known token for the demo only; a token you set yourself is never printed.
  export COMMENTS_MOD_TOKEN=demo-moderator
  echo "demo moderator token: demo-moderator (moderator console: /moderate.html)"
fi
echo "demo article: http://127.0.0.1:${PORT:-8080}/ (another port: PORT=8081 ./scripts/demo.sh)"
exec build/server/comment-server --port "${PORT:-8080}" --db "${DB:-demo.db}" --web build/web "$@"
