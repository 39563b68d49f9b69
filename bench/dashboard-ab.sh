#!/usr/bin/env bash
# Compares the dashboard benchmark of two builds in one sitting, alternating them, each on its own copy of the databases
# (the machines are noisy: compare the ratio within a round, not figures across runs).
# Usage: bench/dashboard-ab.sh BEFORE_REPO AFTER_REPO DATA_BEFORE DATA_AFTER [ROUNDS]
#   each *_REPO is a checkout whose bench/Rapport.Benchmarks was built with -c Release;
#   each DATA_* folder holds dashboard-10000.db, dashboard-100000.db and keys/field-keys.json (made on first run).
set -euo pipefail
before=$1 after=$2 data_before=$3 data_after=$4 rounds=${5:-2}
for round in $(seq 1 "$rounds"); do
  for side in before after; do
    repo=$before data=$data_before
    if [ "$side" = after ]; then repo=$after data=$data_after; fi
    echo "== round $round $side (load $(cut -d' ' -f1-3 /proc/loadavg))"
    (cd "$data" && RAPPORT_BENCH_DATA="$data" dotnet "$repo/bench/Rapport.Benchmarks/bin/Release/net10.0/Rapport.Benchmarks.dll" \
      --filter '*DashboardBenchmark.Dashboard*' 2>&1 | grep -E '^\| (Method|Dashboard)')
  done
done
