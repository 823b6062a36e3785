#!/usr/bin/env bash
# Runs the issue #6 benchmarks: our comment-server and the Node ws +
# better-sqlite3 peer, side by side in one run, then the scale-out on
# PostgreSQL + Redis against the Node ws + pg + ioredis peer (issue #12) and
# the latency against the floor (issue #13), and writes bench/RESULTS.md.
# Takes about 25 minutes. Environment: RUNS (3), QUICK=1 (a quick check of the
# pipeline with tiny sizes), BUILD_DIR (build-bench), WEB_DIR.
#
#   bench/run.sh             everything
#   bench/run.sh scaleout    only issues #12 and #13 (bench/scaleout.mjs, ~10 min):
#                            rewrites only their parts of bench/RESULTS.md
#   bench/run.sh ingest      only scenarios 4 and 4b (durable ingest, ~2 min):
#                            rewrites only their rows of bench/RESULTS.md
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"

# 10,000 connections: the server and the load generator each need more than
# 10,000 descriptors (the load generator also raises its own soft limit).
ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 12000 ]; then
  echo "run.sh: the open-file limit is $(ulimit -n); 10,000 connections need more (raise the hard limit)" >&2
  exit 1
fi

export BUILD_DIR="${BUILD_DIR:-$repo/build-bench}"
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  cmake -S "$repo" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DCOMMENTS_BUILD_WASM=OFF
fi
only=${1:-}
if [ "$only" = scaleout ] || [ "$only" = ingest ]; then
  cmake --build "$BUILD_DIR" -j2 --target comment-server loadgen floor_sender
else
  cmake --build "$BUILD_DIR" -j2 --target comment-server loadgen floor_sender prefill_store filter_bench
fi

# The scale-out peer's packages (pure JavaScript: no addon to build).
pgpeer="$repo/bench/peers/node-ws-pg"
if [ ! -d "$pgpeer/node_modules/pg" ] || [ ! -d "$pgpeer/node_modules/ioredis" ] || [ ! -d "$pgpeer/node_modules/ws" ]; then
  (cd "$pgpeer" && npm ci --ignore-scripts --no-audit --no-fund)
fi
if [ "$only" = scaleout ]; then
  exec node "$repo/bench/scaleout.mjs"
fi

# The peer's packages. npm may not run install scripts, and better-sqlite3's
# prebuilt download needs the network: build its addon from source against the
# installed Node headers instead.
peer="$repo/bench/peers/node-ws"
if [ ! -d "$peer/node_modules/ws" ] || [ ! -d "$peer/node_modules/better-sqlite3" ]; then
  (cd "$peer" && npm ci --ignore-scripts --no-audit --no-fund)
fi
if ! (cd "$peer" && node -e "new (require('better-sqlite3'))(':memory:')" 2>/dev/null); then
  gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
  nodedir_args=()
  node_prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
  [ -f "$node_prefix/include/node/node.h" ] && nodedir_args=(--nodedir="$node_prefix")
  (cd "$peer/node_modules/better-sqlite3" && JOBS=2 node "$gyp" rebuild --release "${nodedir_args[@]}")
fi

[ "$only" = ingest ] && export ONLY=ingest
exec node "$repo/bench/run.mjs"
