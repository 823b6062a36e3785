#!/usr/bin/env bash
# Interleaved A/B of two comment-server binaries on one load generator
# scenario: old, new, old, new, ... each on a fresh database, so background
# noise hits both alike. For "is this change no worse than before?": build the
# old commit in a worktree, then e.g.
#   bench/compare_builds.sh OLD/comment-server NEW/comment-server 4 \
#       fanout --readers 1000 --window 16 --duration 5
# Prints one line per run with the per-CPU-second figures and the p99s.
# LOADGEN: the load generator (default build-bench/bench/loadgen).
# PG=1: every run on a fresh database of one throw-away PostgreSQL cluster
# (tests/services/postgres.sh) instead of a SQLite file, and the CPU of the
# cluster's whole process tree per acked post printed too (postgres_us_per_post).
set -euo pipefail
if [ $# -lt 4 ]; then
  sed -n '2,12p' "$0" >&2
  exit 2
fi
old=$1 new=$2 runs=$3
shift 3
repo="$(cd "$(dirname "$0")/.." && pwd)"
loadgen=${LOADGEN:-$repo/build-bench/bench/loadgen}
ulimit -n "$(ulimit -Hn)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ "${PG:-0}" = 1 ]; then
  trap 'bash "$repo/tests/services/postgres.sh" stop "$work/pg" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
  bash "$repo/tests/services/postgres.sh" start "$work/pg" >/dev/null
  pg_uri=$(cat "$work/pg/uri")
  postmaster=$(head -n 1 "$(cat "$work/pg/data")/pgdata/postmaster.pid")
fi
for i in $(seq 1 "$runs"); do
  for which in old new; do
    bin=${!which}
    # Limits per client lifted, where the binary has them (an older build may not).
    # (Not `--help | grep -q`: grep's early exit can fail --help with SIGPIPE,
    # and under pipefail the limits then stayed on.)
    unlimited=()
    if grep -q -- --max-connections-per-address <<<"$("$bin" --help 2>&1)"; then
      unlimited=(--max-connections-per-address 0 --max-connections 0 --max-messages-per-second 0 --embed-rate 0)
    fi
    db="$work/$which-$i.db" other=()
    if [ "${PG:-0}" = 1 ]; then
      psql "$pg_uri" -qc "CREATE DATABASE run_${which}_$i"
      db=${pg_uri/\/postgres\?//run_${which}_$i?} other=(--other-pid "postgres=$postmaster")
    fi
    "$bin" --port 0 --db "$db" --rate 0 "${unlimited[@]}" > "$work/listen" 2>"$work/server.log" &
    pid=$!
    for _ in $(seq 100); do grep -q listening "$work/listen" && break; sleep 0.1; done
    port=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$work/listen")
    out=$("$loadgen" "$@" --port "$port" --server-pid "$pid" "${other[@]}" 2>/dev/null || true)
    grep -q "\"ok\":true" <<<"$out" || { echo "$which run $i failed:" >&2; tail -n 5 "$work/server.log" >&2; }
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    printf '%s run %d: ' "$which" "$i"
    node -e '
      const r = JSON.parse(process.argv[1] || "{}");
      const keep = Object.entries(r).filter(([k, v]) => typeof v === "number" &&
        (/per_server_cpu_s|cpu_us_per_message|p99_ms$/.test(k)));
      if (r.other_cpu_s && r.other_cpu_s.postgres !== undefined && r.posts_acked) {
        keep.push(["server_us_per_post", r.server_cpu_s * 1e6 / r.posts_acked]);
        keep.push(["postgres_us_per_post", r.other_cpu_s.postgres * 1e6 / r.posts_acked]);
      }
      console.log(keep.map(([k, v]) => `${k}=${Math.round(v * 100) / 100}`).join(" ") || "no result");
    ' "$out"
  done
done
