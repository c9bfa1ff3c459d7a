#!/usr/bin/env bash
# Runs the README's main demo as fast as possible on the bundled real sample and checks its summary figures.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
dotnet run -c Release --project samples/CrimeStreaming.Demo -- --as-fast-as-possible --seed 1 > "$out"
tail -n 6 "$out"
expect() { grep -qF -- "$1" "$out" || { echo "demo smoke: expected '$1' in the summary" >&2; exit 1; }; }
expect "rows read 6,000: skipped 0, filtered out 4,042"
expect "scheduled 1,958"
expect "emitted 1,958, not emitted 0"
expect "kafka: produced 1,958, delivered 1,958, failed 0, pending 0"
expect "consumed 1,958 (read 1,958: reports 1,958, duplicates 0, invalid 0); late for their window 0"
echo "demo smoke: ok"
