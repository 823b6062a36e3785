#!/usr/bin/env bash
# Where our server's CPU goes during durable ingest on PostgreSQL + Redis
# (issue #12): one comment-server on a throw-away PostgreSQL and redis-server
# (tests/services), 100 posters posting as fast as acks come back, `perf
# record` on the server and on every PostgreSQL process for 5 s of it.
#   bench/perf_pg_ingest.sh [BUILD_DIR] [OUT_DIR]   (defaults: build, bench/out/perf-pg)
# Prints the CPU split by process and shared object, the server's top symbols,
# its group-commit batch sizes (from --metrics-listen) and the loadgen summary.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
out=${2:-$repo/bench/out/perf-pg}
rm -rf "$out"; mkdir -p "$out"; out=$(cd "$out" && pwd)
command -v perf >/dev/null || { echo "needs perf"; exit 1; }
ulimit -n "$(ulimit -Hn)"
. "$repo/bench/server_start.sh"

server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  sh "$repo/tests/services/redis.sh" stop "$out/redis" || true
  bash "$repo/tests/services/postgres.sh" stop "$out/pg" || true
}
trap cleanup EXIT
bash "$repo/tests/services/postgres.sh" start "$out/pg" >/dev/null
sh "$repo/tests/services/redis.sh" start "$out/redis"
pgdata=$(cat "$out/pg/data")
postmaster=$(head -n 1 "$pgdata/pgdata/postmaster.pid")

"$build/server/comment-server" --port 0 --db "$(cat "$out/pg/uri")" --redis "$(cat "$out/redis/tcp-url")" \
  "${unlimited_flags[@]}" --metrics-listen 127.0.0.1:0 >"$out/server.log" 2>&1 &
server=$!
port=$(listening_port "$out/server.log" 30)
metrics=$(grep -o 'metrics[^ ]* on http://127.0.0.1:[0-9]*\|metrics-listen[^ ]*=127.0.0.1:[0-9]*' "$out/server.log" | grep -o '[0-9]*$' | head -n 1 || true)

"$build/bench/loadgen" ingest --port "$port" --posters 100 --threads 100 --duration 2 >/dev/null 2>&1
[ -n "$metrics" ] && curl -s "http://127.0.0.1:$metrics/metrics" >"$out/metrics.before" || true
"$build/bench/loadgen" ingest --port "$port" --posters 100 --threads 100 --duration 8 --server-pid "$server" \
  --other-pid "postgres=$postmaster" 2>/dev/null >"$out/loadgen.json" &
loadgen=$!
sleep 1.5
pids="$server,$(cat /proc/"$postmaster"/task/"$postmaster"/children | tr ' ' ',' | sed 's/,$//'),$postmaster"
perf record -q -F 1999 -g -p "$pids" -o "$out/perf.data" -- sleep 5 2>/dev/null
wait "$loadgen" || true
[ -n "$metrics" ] && curl -s "http://127.0.0.1:$metrics/metrics" >"$out/metrics.after" || true

echo "== loadgen"
python3 -c "
import json; r = json.load(open('$out/loadgen.json'))
print('acked %d, %.0f posts/s, server CPU %.1f us/post, postgres CPU %.1f us/post, ok=%s' % (r['posts_acked'], r['acks_per_s'],
      r['server_cpu_us_per_message'], r['other_cpu_s']['postgres'] * 1e6 / r['posts_acked'], r['ok']))"
if [ -f "$out/metrics.after" ]; then
  echo "== group commit (during the measured run)"
  python3 - "$out/metrics.before" "$out/metrics.after" <<'PY'
import re, sys
def read(path):
    vals = {}
    for line in open(path):
        m = re.match(r'(comments_store_(?:batch_size|commit_seconds)_(?:sum|count))\s+([\d.e+-]+)', line)
        if m: vals[m.group(1)] = float(m.group(2))
    return vals
a, b = read(sys.argv[1]), read(sys.argv[2])
d = {k: b.get(k, 0) - a.get(k, 0) for k in b}
n = d.get('comments_store_batch_size_count', 0)
if n:
    print('commits %d, posts per commit %.1f, mean commit %.2f ms' % (n, d['comments_store_batch_size_sum'] / n,
          1000 * d.get('comments_store_commit_seconds_sum', 0) / max(1, d.get('comments_store_commit_seconds_count', 0))))
PY
fi
echo "== samples by process and object"
perf report -i "$out/perf.data" --no-children --sort comm,dso --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' | head -25
echo "== comment-server: top symbols"
perf report -i "$out/perf.data" --no-children --comm comment-server --sort dso,sym --stdio -g none 2>/dev/null \
  | grep -v '^#' | grep -v '^$' | head -40
echo "== comment-server: by thread"
perf report -i "$out/perf.data" --no-children --comm comment-server --sort tid --stdio -g none 2>/dev/null \
  | grep -v '^#' | grep -v '^$' | head -10
