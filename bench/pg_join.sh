#!/usr/bin/env bash
# `join` on a thread of 1,000,000 comments on PostgreSQL (the target's second
# engine; run.mjs measures SQLite): starts a throw-away PostgreSQL 15 cluster
# (tests/services/postgres.sh, as `nobody` when root), fills one thread
# through the server's own Store (prefill_store), then times Store::latest
# warm (store_join_bench, ROUNDS runs of 10,000 calls) and prints PostgreSQL's
# own plan and execution time of the same statement (which does not depend on
# how busy the machine is). Stops the cluster at the end.
#   bench/pg_join.sh [BUILD_DIR] [COUNT] [ROUNDS]    (defaults: build, 1000000, 3)
# JOIN_NICE=-10 (root only) runs the timed calls and the cluster's processes at
# that priority: on a machine busy with other work a p99 of a round trip
# between two processes is mostly time spent waiting for a core; the report
# must say when it was used.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
count=${2:-1000000}
rounds=${3:-3}
dir=$(mktemp -d /tmp/comments-pg-join.XXXXXX)
trap 'bash "$repo/tests/services/postgres.sh" stop "$dir/pg" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
bash "$repo/tests/services/postgres.sh" start "$dir/pg" >/dev/null
uri=$(cat "$dir/pg/uri")
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$build/bench/prefill_store" --db "$uri" --thread big --count "$count"
# What autovacuum does shortly after a bulk load (and copy-store at its end):
# without statistics the planner takes the big thread for a small one.
psql -h "${uri#*host=}" -U comments -d postgres -X -q -c ANALYZE
prio=()
if [ -n "${JOIN_NICE:-}" ]; then
  pgrep -f "postgres -D ${uri#*host=}/pgdata" | while read -r pid; do renice -n "$JOIN_NICE" -g "$(ps -o pgid= "$pid")" >/dev/null; done
  prio=(nice -n "$JOIN_NICE")
  echo "timed calls and the cluster at nice $JOIN_NICE"
fi
for _ in $(seq "$rounds"); do "${prio[@]}" "$build/bench/store_join_bench" --db "$uri" --thread big --joins 10000; done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
# The plan: one backward range of comments_published, the pinned index, one
# thread_counts row; EXPLAIN ANALYZE's execution time is the server's own.
socket=${uri#*host=}
psql -h "$socket" -U comments -d postgres -X -q <<'SQL'
-- The statement of PgStore::latest (server/src/store/pg_store.cpp), as it is.
PREPARE j(text, bigint, bigint) AS
  (SELECT 0 AS kind, id, thread, parent, author, body, created, status, pinned, flags
     FROM comments WHERE thread = $1 AND status = 0 ORDER BY id + 0 DESC LIMIT $2)
  UNION ALL (SELECT 1, id, thread, parent, author, body, created, status, pinned, flags
     FROM comments WHERE thread = $1 AND status = 0 AND pinned ORDER BY id DESC LIMIT $3)
  UNION ALL (SELECT 2, published, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
     FROM thread_counts WHERE thread = $1)
  ORDER BY kind, id DESC;
\o /dev/null
EXECUTE j('big', 50, 5);
\o
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE j('big', 50, 5);
SQL
