#!/usr/bin/env bash
# Chaos run of the demo's scale-out: does a live, sharded replay analysed by a consumer group whose members crash
# still give the exact results of one quiet process?
#
#   tests/chaos/chaos-run.sh [--rows N] [--short] [--acceleration X] [--no-kill] [--no-outage] [--keep] [--help]
#
# 1. Builds Release binaries of CrimeStreaming.Demo, CrimeStreaming.Analyser and CrimeStreaming.Generate.
# 2. Generates N rows (--rows, default 1,000,000; --short: 100,000) with --seed 42.
# 3. The reference: one demo process replays them as fast as possible (--seed 42) and prints its digest.
# 4. The chaos run, live at --acceleration (default and minimum 600,000: the generated year in about 53 s) on one
#    timeline (--epoch, the same in both shards):
#    - shard 1/2 hosts the embedded 3-broker cluster; shard 2/2 joins it with the bootstrap servers shard 1 prints
#      (and --max-lag 3000: the embedded cluster keeps only about 5 MiB a partition);
#    - three Analyser processes join the group with the exact command shard 1 prints (--short: two);
#    - the first Analyser is killed with SIGKILL about every 15 s of the replay and started again at once (--short:
#      once, 15 s in); no kill in the replay's last 10 s, so that the last one started has time to join.
#      --no-kill leaves them alone: the control run, to tell what the kills change from what live sharding does.
#    - broker 2 of the embedded cluster goes down for 3 s, 20 s into the replay (--short: 10 s in), with the demo's
#      --broker-outage fault injection; --no-outage leaves the brokers alone.
# 5. Checks every process still running at the end (both shards, the Analysers, the last replacement): its digest is
#    the reference, "late for their window 0", nothing "lost to retention", exit code 0. The killed processes are
#    listed and not judged. Prints one line per process, then a one-line verdict; exits 0 only when all agree.
#
# Full run: about 2 to 3 minutes on 2 cores; --short (for CI): about 1.5 minutes. The short run's 100,000 rows stay
# below what the embedded cluster keeps per partition and barely reach the lag bound; --short --rows 400000 (under
# 2 minutes) reaches the lag bound as the full run does. Work files (every process's stdout
# and stderr) go to a temporary directory, removed at the end unless the run failed or --keep is given.
#
set -euo pipefail
cd "$(dirname "$0")/../.."

rows=1000000
short=0
acceleration=600000
keep=0
no_kill=0
no_outage=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --rows) rows=${2:?--rows needs a number}; shift 2 ;;
    --short) short=1; shift ;;
    --acceleration) acceleration=${2:?--acceleration needs a number}; shift 2 ;;
    --no-kill) no_kill=1; shift ;;
    --no-outage) no_outage=1; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [[ $short == 1 && $rows == 1000000 ]]; then rows=100000; fi
[[ $rows =~ ^[0-9]+$ && $rows -gt 0 ]] || { echo "error: --rows: '$rows' is not a positive whole number" >&2; exit 2; }
[[ $acceleration =~ ^[0-9]+$ && $acceleration -ge 600000 && $acceleration -le 10000000 ]] \
  || { echo "error: --acceleration: '$acceleration' is not a whole number from 600,000 to 10,000,000" >&2; exit 2; }

seed=42
officers=12
analysers=3; kill_every=15; max_kills=1000
if [[ $short == 1 ]]; then analysers=2; max_kills=1; fi
if [[ $no_kill == 1 ]]; then max_kills=0; fi

echo "chaos: building Release binaries"
for project in Demo Analyser Generate; do
  dotnet build -c Release "samples/CrimeStreaming.$project" > /dev/null
done
demo=samples/CrimeStreaming.Demo/bin/Release/net10.0/CrimeStreaming.Demo
analyser=samples/CrimeStreaming.Analyser/bin/Release/net10.0/CrimeStreaming.Analyser
generate=samples/CrimeStreaming.Generate/bin/Release/net10.0/CrimeStreaming.Generate

work=$(mktemp -d)
pids=()
finish() {
  local code=$?
  for pid in "${pids[@]}"; do
    kill -KILL "$pid" 2> /dev/null || true
  done
  if [[ $keep == 1 || $code != 0 ]]; then
    echo "chaos: work files kept in $work"
  else
    rm -rf "$work"
  fi
}
trap finish EXIT

# The digest on the last line of a process's stdout, or nothing.
digest() { tail -n 1 "$1" | sed -n 's/^results sha256: \([0-9a-f]\{64\}\)$/\1/p'; }

# Waits until FILE holds a line matching PATTERN, while process PID lives; fails after SECONDS.
wait_for_line() {
  local file=$1 pattern=$2 pid=$3 seconds=$4 start=$SECONDS
  until grep -q -- "$pattern" "$file" 2> /dev/null; do
    if ! kill -0 "$pid" 2> /dev/null; then
      echo "error: the process writing $file ended before printing '$pattern'" >&2
      return 1
    fi
    if (( SECONDS - start > seconds )); then
      echo "error: '$pattern' did not appear in $file within $seconds s" >&2
      return 1
    fi
    sleep 0.2
  done
}

echo "chaos: generating $rows rows (seed $seed)"
"$generate" --out "$work/crimes.csv" --rows "$rows" --seed "$seed" > /dev/null

echo "chaos: the reference, one process as fast as possible"
start=$SECONDS
ref_code=0
"$demo" --file "$work/crimes.csv" --as-fast-as-possible --seed "$seed" --officers "$officers" > "$work/reference.out" 2> "$work/reference.err" || ref_code=$?
reference=$(digest "$work/reference.out")
if [[ $ref_code != 0 || -z $reference ]]; then
  echo "chaos verdict: FAIL — the reference run exited $ref_code (digest '${reference}'); see $work/reference.err" >&2
  exit 1
fi
echo "chaos: reference digest $reference ($((SECONDS - start)) s)"

# How long the live replay lasts: from the replay's start to the last hour window of the reference, at the acceleration.
first=$(sed -n 's/^Replaying .* from \([0-9-]* [0-9:]*\) .*/\1/p' "$work/reference.out" | head -n 1)
last=$(grep -E '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} hour:' "$work/reference.out" | tail -n 1 | cut -c1-16)
span=$(( ($(date -u -d "$last" +%s) - $(date -u -d "$first" +%s)) / acceleration + 1 ))

# One timeline for both shards, far enough ahead for both to load and prepare the input (every shard prepares all of it).
lead=$(( 20 + rows / 40000 ))
epoch_s=$(( $(date -u +%s) + lead ))
epoch=$(date -u -d "@$epoch_s" +%Y-%m-%dT%H:%M:%SZ)
live=(--file "$work/crimes.csv" --seed "$seed" --officers "$officers" --acceleration "$acceleration" --epoch "$epoch")
# A broker of the embedded cluster (hosted by shard 1) down for 3 s, 20 s into the replay (--short: 10 s in).
outage_at=20; if [[ $short == 1 ]]; then outage_at=10; fi
outage=(--broker-outage "$outage_at:3")
if [[ $no_outage == 1 ]]; then outage=(); fi
echo "chaos: live at ${acceleration}x from $epoch, about $span s of replay; $analysers analyser processes${outage:+; broker 2 down for 3 s, $outage_at s in}"

"$demo" "${live[@]}" --shard 1/2 "${outage[@]}" > "$work/shard1.out" 2> "$work/shard1.err" &
shard1=$!; pids+=("$shard1")
wait_for_line "$work/shard1.out" '^Another process joins with: ' "$shard1" 180
read -ra join <<< "$(sed -n 's/^Another process joins with: .* -- //p' "$work/shard1.out")"
bootstrap=$(sed -n 's/^Kafka bootstrap servers: //p' "$work/shard1.out")
echo "chaos: shard 1/2 hosts $bootstrap; analysers join with: ${join[*]}"

"$demo" "${live[@]}" --shard 2/2 --bootstrap-servers "$bootstrap" --max-lag 3000 > "$work/shard2.out" 2> "$work/shard2.err" &
shard2=$!; pids+=("$shard2")

# Analyser slot i, generation g writes analyser-i.g.out; a[i] is the running one's pid, gen[i] its generation.
declare -A a gen
start_analyser() {
  local i=$1
  gen[$i]=$(( ${gen[$i]:--1} + 1 ))
  "$analyser" "${join[@]}" > "$work/analyser-$i.${gen[$i]}.out" 2> "$work/analyser-$i.${gen[$i]}.err" &
  a[$i]=$!; pids+=("${a[$i]}")
}
for i in $(seq 1 "$analysers"); do start_analyser "$i"; done

# The chaos: analyser 1 killed (SIGKILL) every $kill_every s of the replay and started again, while the replay runs.
killed=()
next_kill=$(( epoch_s + kill_every ))
last_kill=$(( epoch_s + span - 10 ))
kills=0
while kill -0 "$shard1" 2> /dev/null && (( kills < max_kills )); do
  now=$(date -u +%s)
  if (( now > last_kill )); then break; fi
  if (( now >= next_kill )); then
    if kill -0 "${a[1]}" 2> /dev/null; then
      kill -KILL "${a[1]}"
      wait "${a[1]}" 2> /dev/null || true
      killed+=("analyser-1.${gen[1]}")
      echo "chaos: killed analyser-1.${gen[1]} (SIGKILL) $((now - epoch_s)) s into the replay; starting analyser-1.$(( gen[1] + 1 ))"
    else
      echo "chaos: analyser-1.${gen[1]} had already ended; starting analyser-1.$(( gen[1] + 1 ))"
    fi
    start_analyser 1
    kills=$((kills + 1))
    next_kill=$(( next_kill + kill_every ))
  fi
  sleep 0.5
done

# Everything still running must end by itself, within the replay's span and a few minutes.
deadline=$(( SECONDS + span + 300 ))
declare -A code
judged=(shard1 shard2)
declare -A pid_of=([shard1]=$shard1 [shard2]=$shard2)
for i in $(seq 1 "$analysers"); do
  judged+=("analyser-$i.${gen[$i]}")
  pid_of["analyser-$i.${gen[$i]}"]=${a[$i]}
done
for name in "${judged[@]}"; do
  pid=${pid_of[$name]}
  while kill -0 "$pid" 2> /dev/null && (( SECONDS < deadline )); do sleep 0.5; done
  if kill -0 "$pid" 2> /dev/null; then
    kill -KILL "$pid" 2> /dev/null || true
    code[$name]="timeout"
  fi
  rc=0; wait "$pid" || rc=$?
  code[$name]=${code[$name]:-$rc}
done

# The checks.
failures=()
printf '%-14s %-6s %-16s %-8s %-10s %s\n' process exit digest late lost stderr
for name in "${judged[@]}"; do
  out="$work/$name.out"; err="$work/$name.err"
  d=$(digest "$out")
  late=$(sed -n 's/^analysed [0-9,]* reports, late for their window \([0-9,]*\);.*/\1/p' "$out" | tail -n 1)
  lost=$(grep -o '[0-9,]* lost to retention' "$out" | tr -d , | awk '{s += $1} END {print s + 0}')
  printf '%-14s %-6s %-16s %-8s %-10s %s\n' "$name" "${code[$name]}" "${d:0:16}" "${late:-?}" "$lost" "$(grep -E '^(warning|error): ' "$err" | head -n 1 | cut -c1-100)"
  [[ ${code[$name]} == 0 ]] || failures+=("$name exited ${code[$name]}")
  [[ $d == "$reference" ]] || failures+=("$name digest ${d:-none}")
  [[ $late == 0 ]] || failures+=("$name late ${late:-unknown}")
  [[ $lost == 0 ]] || failures+=("$name lost $lost")
done
[[ ${#killed[@]} -gt 0 || $no_kill == 1 ]] || failures+=("no analyser was killed (the replay ended before the first kill)")
if [[ $no_outage == 0 ]]; then
  grep -q -- '--broker-outage: broker 2 up' "$work/shard1.err" || failures+=("the broker outage did not happen (the replay ended before it?)")
fi
echo "killed (not judged): ${killed[*]:-none}"

if [[ ${#failures[@]} -eq 0 ]]; then
  echo "chaos verdict: PASS — ${#judged[@]} processes agree with the one-process digest $reference (0 lost, 0 late, exit 0) after ${#killed[@]} SIGKILL(s)$([[ $no_kill == 1 ]] && echo " (--no-kill)")$([[ $no_outage == 1 ]] && echo ", no broker outage (--no-outage)" || echo " and a 3 s broker outage")"
else
  echo "chaos verdict: FAIL — ${#failures[@]} difference(s): $(IFS=';'; echo "${failures[*]}" | sed 's/;/; /g')"
  exit 1
fi
