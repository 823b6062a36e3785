#!/usr/bin/env bash
# Where the server's instructions go per acknowledged post: the server under
# callgrind (which counts instructions, so the answer does not depend on what
# else the machine is doing), 100 posters posting as fast as acks come back
# for 10 s after a 2 s warm-up, counters zeroed in between.
#   bench/profile_post.sh [BUILD_DIR] [OUT_DIR]     (defaults: build, bench/out/profile)
# Prints the inclusive instructions per acked post of the main steps; the
# whole profile is OUT_DIR/callgrind.out.1 (callgrind_annotate --inclusive=yes).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
out=${2:-$repo/bench/out/profile}
rm -rf "$out"; mkdir -p "$out"
command -v valgrind >/dev/null || { echo "needs valgrind"; exit 1; }
. "$repo/bench/server_start.sh"

valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" \
  "$build/server/comment-server" --port 0 --db "$out/profile.db" "${unlimited_flags[@]}" >"$out/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
port=$(listening_port "$out/server.log" 120)

"$build/bench/loadgen" ingest --port "$port" --posters 100 --threads 100 --duration 2 >/dev/null 2>&1
callgrind_control -z "$server" >/dev/null 2>&1
"$build/bench/loadgen" ingest --port "$port" --posters 100 --threads 100 --duration 10 2>/dev/null >"$out/loadgen.json"
callgrind_control -d "$server" >/dev/null 2>&1
kill "$server"; wait "$server" 2>/dev/null || true
trap - EXIT

acked=$(python3 -c "import json; print(json.load(open('$out/loadgen.json'))['posts_acked'])")
callgrind_annotate --inclusive=yes "$out/callgrind.out.1" 2>/dev/null >"$out/inclusive.txt"
python3 - "$out/inclusive.txt" "$acked" <<'PY'
import re, sys
text, acked = open(sys.argv[1]).read(), int(sys.argv[2])
def cost(pattern):
    for line in text.splitlines():
        m = re.match(r'\s*([\d,]+) \([\s\d.]+%\)\s+(.*)', line)
        if m and re.search(pattern, m.group(2)):
            return int(m.group(1).replace(',', ''))
    return 0
total = cost(r'PROGRAM TOTALS')
steps = [
    ('whole server', r'PROGRAM TOTALS'),
    ('io thread', r'scheduler::run'),
    ('  parse_client_message', r'comments::parse_client_message\('),
    ('  PostPipeline::submit (ban, rate, filter, queue)', r'PostPipeline::submit\('),
    ('  PostPipeline::on_committed (ack, deliveries, log)', r'PostPipeline::on_committed\('),
    ('    ack_message', r'comments::ack_message\('),
    ('    log_line', r'comments::server::log_line\('),
    ('store thread: SqliteStore::insert', r'SqliteStore::insert\('),
]
print(f'{acked} posts acked; instructions per acked post (inclusive):')
for name, pattern in steps:
    print(f'  {name:52s} {cost(pattern) / acked:10,.0f}')
PY
