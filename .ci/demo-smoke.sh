#!/usr/bin/env bash
# Runs the README's main demo as fast as possible on the bundled real sample and checks its summary figures,
# then the command-line discipline: usage errors exit 2 with one "error:" line, --help wins and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release samples/CrimeStreaming.Demo > /dev/null
demo=samples/CrimeStreaming.Demo/bin/Release/net10.0/CrimeStreaming.Demo
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
"$demo" --as-fast-as-possible --seed 1 > "$out"
tail -n 6 "$out"
expect() { grep -qF -- "$1" "$out" || { echo "demo smoke: expected '$1' in the summary" >&2; exit 1; }; }
expect "rows read 6,000: skipped 0, filtered out 4,042"
expect "scheduled 1,958"
expect "emitted 1,958, not emitted 0"
expect "kafka: produced 1,958, delivered 1,958, failed 0, pending 0"
expect "consumed 1,958 (read 1,958: reports 1,958, duplicates 0, invalid 0); late for their window 0"

usage() {
  local code=0
  "$demo" "$@" > /dev/null 2> "$err" || code=$?
  [[ $code == 2 && $(wc -l < "$err") == 1 ]] && grep -q '^error: ' "$err" \
    || { echo "demo smoke: '$*' should exit 2 with one error line, got $code:" >&2; cat "$err" >&2; exit 1; }
}
usage --officers 0
usage --acceleration 1e12
usage --chart /nonexistent/dir/x.png
"$demo" --bogus --help | grep -qF "Usage: CrimeStreaming.Demo" || { echo "demo smoke: --help should win" >&2; exit 1; }
echo "demo smoke: ok"
