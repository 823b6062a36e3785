#!/usr/bin/env bash
# Where the server's CPU goes per acknowledged post on SQLite (issue #13):
# one comment-server, 100 posters posting as fast as acks come back, `perf
# record` with DWARF call chains on the server for 4 s of it. Every sample is
# put in the first step of a post its call chain shows (the rules below, most
# specific first); a step's share of the samples times the server CPU per
# acknowledged post (from /proc, through the load generator) gives its µs.
# Seconds, kernel included, unlike profile_post.sh's instruction counts: run it
# on a quiet machine.
#   bench/perf_post.sh [BUILD_DIR] [OUT_DIR]      (defaults: build, bench/out/perf-post)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
out=${2:-$repo/bench/out/perf-post}
rm -rf "$out"; mkdir -p "$out"; out=$(cd "$out" && pwd)
command -v perf >/dev/null || { echo "needs perf"; exit 1; }
ulimit -n "$(ulimit -Hn)"
. "$repo/bench/server_start.sh"

"$build/server/comment-server" --port 0 --db "$out/post.db" "${unlimited_flags[@]}" >"$out/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
port=$(listening_port "$out/server.log" 12)

"$build/bench/loadgen" ingest --port "$port" --posters 100 --threads 100 --duration 2 >/dev/null 2>&1
"$build/bench/loadgen" ingest --port "$port" --posters 100 --threads 100 --duration 8 --server-pid "$server" \
  2>/dev/null >"$out/loadgen.json" &
loadgen=$!
sleep 2
perf record -q -F 999 --call-graph dwarf,16384 -p "$server" -o "$out/perf.data" -- sleep 4 2>/dev/null
wait "$loadgen" || true
perf script -i "$out/perf.data" -F tid,ip,sym 2>/dev/null >"$out/perf.txt"

python3 - "$out/perf.txt" "$out/loadgen.json" <<'PY'
import json, re, sys
from collections import Counter
lg = json.load(open(sys.argv[2]))
us = lg['server_cpu_us_per_message']
kernel = 100 * lg['server_system_cpu_s'] / lg['server_cpu_s']
# (step, pattern): the first rule whose pattern matches any frame of a sample's chain.
rules = [
    ('store: fsync of the WAL at commit', r'fdatasync'),
    ('store: checkpoint (WAL pages copied to the database file)', r'sqlite3WalCheckpoint|sqlite3Checkpoint'),
    ('store: writing the WAL frames at commit', r'sqlite3WalFrames|wal_write_buffer|comments-wal'),
    ('store: b-tree inserts (table, its indexes, thread_counts)', r'sqlite3BtreeInsert'),
    ('store: the rest of the SQL (statements, parent check, begin/commit)', r'SqliteStore'),
    ('store: hand-offs and batch bookkeeping', r'StoreWorker'),
    ('io: parse and validate the post (JSON, fields)', r'parse_client_message'),
    ('io: ban, rate limit, moderation filter', r'PostPipeline::submit'),
    ('io: the ack as JSON', r'ack_message'),
    ('io: the log line', r'log_line|log_value|LogWriter::push'),
    ('io: send the ack (sendmsg)', r'sendmsg|WsSession::flush'),
    ('io: receive and unframe (recv, WebSocket frame)', r'recv|read_available|FrameReader'),
    ('io: hand-offs to and from the store thread', r'CompletionQueue|hand_off|post_batch'),
    ('io: waiting for sockets (epoll)', r'epoll'),
    ('io: the rest of the io thread', r'scheduler::run'),
    ('log writer thread', r'LogWriter'),
]
counts, total = Counter(), 0
for block in open(sys.argv[1]).read().split('\n\n'):
    frames = [l.strip() for l in block.strip().split('\n') if l.strip()]
    if not frames: continue
    total += 1
    chain = ' | '.join(frames)
    for name, pattern in rules:
        if re.search(pattern, chain):
            counts[name] += 1
            break
    else:
        counts['other (scheduler entry, unattributed chains)'] += 1
print(f"{lg['posts_acked']} posts acked, {lg['acks_per_s']:.0f}/s; server CPU {us:.1f} µs per acked post, "
      f"{kernel:.0f} % of it in the kernel; {total} samples")
print('| step | share of the server\'s samples | µs per acked post |')
print('|---|---|---|')
order = [name for name, _ in rules] + ['other (scheduler entry, unattributed chains)']
for name in order:
    if counts[name]:
        share = counts[name] / total
        print(f'| {name} | {100 * share:.1f} % | {share * us:.1f} |')
PY
