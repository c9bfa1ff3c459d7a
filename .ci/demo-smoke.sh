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
tail -n 7 "$out"
expect() { grep -qF -- "$1" "$out" || { echo "demo smoke: expected '$1' in the summary" >&2; exit 1; }; }
expect "rows read 6,000: skipped 0, filtered out 4,042"
expect "scheduled 1,958"
expect "emitted 1,958, not emitted 0"
expect "kafka: produced 1,958, delivered 1,958, failed 0, pending 0"
expect "analysed 1,958 reports, late for their window 0"
expect "0 lost to retention"
digest() { tail -n 1 "$1" | sed -n 's/^results sha256: \([0-9a-f]\{64\}\)$/\1/p'; }
one=$(digest "$out")
[[ -n $one ]] || { echo "demo smoke: the summary must end with 'results sha256: <hex>'" >&2; exit 1; }

# Three analysis instances share the partitions: the same results.
"$demo" --as-fast-as-possible --seed 1 --consumers 3 > "$out"
[[ $(digest "$out") == "$one" ]] || { echo "demo smoke: --consumers 3 gave another digest than one consumer" >&2; tail -n 3 "$out" >&2; exit 1; }
echo "demo smoke: 1 and 3 consumers agree: $one"

# The city's scale on the embedded cluster with the default options: 1,000,000 generated rows, nothing lost.
big=$(mktemp -d)
trap 'rm -f "$out" "$err"; rm -rf "$big"' EXIT
dotnet build -c Release samples/CrimeStreaming.Generate > /dev/null
samples/CrimeStreaming.Generate/bin/Release/net10.0/CrimeStreaming.Generate --rows 1000000 --schema 2020 --out "$big/1m.csv"
measure=(); [[ -x /usr/bin/time ]] && measure=(/usr/bin/time -f "peak RSS %M KB")
start=$SECONDS
"${measure[@]}" "$demo" --file "$big/1m.csv" --as-fast-as-possible --seed 1 > "$out" 2> "$err" || { cat "$err" >&2; tail -n 8 "$out" >&2; exit 1; }
echo "demo smoke: 1M rows in $((SECONDS - start)) s; $(tail -n 1 "$err")"
tail -n 5 "$out"
expect "rows read 1,000,000: skipped 0"
expect "0 lost to retention"
grep -qE "^kafka: produced ([0-9,]+), delivered \1, failed 0, pending 0" "$out" || { echo "demo smoke: 1M rows: not every report delivered" >&2; exit 1; }

usage() {
  local code=0
  "$demo" "$@" > /dev/null 2> "$err" || code=$?
  [[ $code == 2 && $(wc -l < "$err") == 1 ]] && grep -q '^error: ' "$err" \
    || { echo "demo smoke: '$*' should exit 2 with one error line, got $code:" >&2; cat "$err" >&2; exit 1; }
}
usage --officers 0
usage --acceleration 1e12
usage --chart /nonexistent/dir/x.png
usage --consumers 0
usage --shard 3/2
usage --shard 1/2
usage --results-topic la-crime
"$demo" --bogus --help | grep -qF "Usage: CrimeStreaming.Demo" || { echo "demo smoke: --help should win" >&2; exit 1; }
echo "demo smoke: ok"
