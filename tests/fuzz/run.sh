#!/usr/bin/env bash
# The longer fuzz run: builds the targets if needed (the clang sub-build of
# build/), then runs each for SECONDS (default 600) starting from its seed
# corpus. New corpus entries go to a temporary folder, never into the repo;
# crashes are reported at the end and their inputs kept there.
# Usage: tests/fuzz/run.sh [SECONDS] [TARGET...]    (FUZZ_JOBS=2 runs two at once)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-600}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(client_message comment_json filter utf8 ws_frame ws_handshake thread_view)
fi
build=${BUILD_DIR:-build}
if [ ! -d "$build" ]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCOMMENTS_BUILD_WASM=OFF
fi
cmake --build "$build" --target fuzz_targets -j2

out=$(mktemp -d /tmp/comments-fuzz.XXXXXX)
echo "fuzzing ${targets[*]} for ${seconds} s each; corpora and crashes in $out"
run_one() {
  local t=$1
  mkdir -p "$out/$t/corpus" "$out/$t/artifacts"
  if "$build/fuzz-build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
       -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/$t/artifacts/" \
       "$out/$t/corpus" "tests/fuzz/corpus/$t" >"$out/$t/log" 2>&1; then
    echo "$t: ok ($(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$out/$t/log" | grep -o '[0-9]*$') runs)"
  else
    echo "$t: FAILED, see $out/$t/log and $out/$t/artifacts/"
    return 1
  fi
}
jobs=${FUZZ_JOBS:-1}
status=0
pids=()
for t in "${targets[@]}"; do
  run_one "$t" & pids+=($!)
  if [ ${#pids[@]} -ge "$jobs" ]; then
    wait "${pids[0]}" || status=1
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status
