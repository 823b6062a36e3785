#!/usr/bin/env bash
# One ctest fuzz smoke: runs a target over its seed corpus, then a fixed
# number of runs with a fixed seed. New corpus entries go to a scratch folder
# (emptied first), never to the repository. Any crash, leak or sanitizer report
# makes libFuzzer exit non-zero, and so this test fail.
# Usage: smoke.sh TARGET SCRATCH_DIR SEED_CORPUS_DIR
set -euo pipefail
target=$1 scratch=$2 seeds=$3
runs=${COMMENTS_FUZZ_SMOKE_RUNS:-20000}
rm -rf "$scratch"
mkdir -p "$scratch/corpus" "$scratch/artifacts"
exec "$target" -runs="$runs" -seed=1 -max_len=4096 -timeout=10 -rss_limit_mb=1024 \
  -print_final_stats=1 -artifact_prefix="$scratch/artifacts/" "$scratch/corpus" "$seeds"
