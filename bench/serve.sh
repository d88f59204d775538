#!/usr/bin/env bash
# Serving overhead of galley's online endpoint against the least a Python
# standard-library HTTP server needs to serve the same score.py
# (bench/serve_minimal.py, given the socket settings galley's worker has,
# and also as written naively): the credit-risk example's model, the same
# request (its sample, 3 rows), the same closed-loop client
# (bench/serve_client.cpp, on cpp-httplib, keep-alive) on loopback, with 1
# connection (latency) and 8 (throughput). Runs alternate, each case
# ROUNDS times for SECONDS; the table shows each case's median round.
# Target (issue 18): galley within 1.2x of the baseline, latency and throughput.
# Usage: bench/serve.sh [BUILD_DIR] [SECONDS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(realpath "${1:-build}")
seconds=${2:-2}
rounds=${3:-9}
export PATH="/usr/local/bin:/usr/bin:/bin"
python3 -c "import sklearn" 2>/dev/null || { echo "bench/serve.sh: needs Debian's python3-sklearn" >&2; exit 2; }
tmp=$(mktemp -d)
export GALLEY_REGISTRY="$tmp/registry"
pids=()
cleanup() {
  "$build/galley" endpoint delete bench >/dev/null 2>&1 || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

example=examples/credit-risk
python3 $example/src/prep.py --rows 400 --output-dir "$tmp/data" >/dev/null
python3 $example/src/train.py --data-dir "$tmp/data" --model-dir "$tmp/model" >/dev/null
mkdir "$tmp/code" && cp $example/src/score.py $example/src/features.py "$tmp/code/"
"$build/galley" registry register --name credit-risk --path "$tmp/model" >/dev/null
url=$("$build/galley" endpoint deploy --name bench --model credit-risk --version 1 --code "$tmp/code" 2>/dev/null)
galley_port=${url##*:}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# In its own session, as galley's worker is: with the kernel's autogroups,
# each session is scheduled as one group, and a server sharing the client's
# group would be favoured on a loaded machine.
start_baseline() {  # PORT [--one-write]
  setsid python3 bench/serve_minimal.py "$tmp/code" "$tmp/model" "$@" 2>/dev/null &
  pids+=($!)
  for _ in $(seq 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $1))" 2>/dev/null && return
    sleep 0.1
  done
}
naive_port=$(free_port)
start_baseline "$naive_port"
base_port=$(free_port)
start_baseline "$base_port" --one-write
request=$example/deploy/sample-request.json
split="$tmp/split.json"
python3 -c '
import json, sys
rows = json.load(open(sys.argv[1]))["data"]
cols = ["age", "income", "debt_ratio", "credit_lines", "late_payments", "loan_amount", "employment_years"]
print(json.dumps({"dataframe_split": {"columns": cols, "data": rows}}))' "$request" >"$split"

galley_pid=$("$build/galley" endpoint show bench --format json | python3 -c 'import json, sys; print(json.load(sys.stdin)["pid"])')
declare -A pid_of=([naive]="${pids[0]}" [baseline]="${pids[1]}" [galley-data]="$galley_pid" [galley-split]="$galley_pid")
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# Besides the client's view, the server's own CPU time per request (user +
# system, all its threads): the figure that 2 busy shared cores disturb least.
run() {  # NAME PORT FILE CONNECTIONS
  local pid=${pid_of[$1]} before after out
  before=$(cpu_ticks "$pid")
  out=$("$build/galley_bench_serve" "$2" "$3" application/json "$4" "$seconds")
  after=$(cpu_ticks "$pid")
  echo "$1 c=$4 $out cpu $(((after - before) * 1000000 / $(getconf CLK_TCK)))"
}
results="$tmp/results"
# Servers take turns, in reverse order every other round, so that a change
# in the machine's load does not favour one of them.
for round in $(seq "$rounds"); do
  for c in 1 8; do
    cases=("naive $naive_port $request" "baseline $base_port $request"
      "galley-data $galley_port $request" "galley-split $galley_port $split")
    if ((round % 2 == 0)); then cases=("${cases[3]}" "${cases[2]}" "${cases[1]}" "${cases[0]}"); fi
    for case in "${cases[@]}"; do
      read -r name port file <<<"$case"
      run "$name" "$port" "$file" "$c"
    done
  done
done | tee "$results" >&2
echo
echo "| server | connections | requests/s | mean latency | p50 | p99 | server CPU per request |"
echo "|---|---|---|---|---|---|---|"
python3 - "$results" "$seconds" <<'PY'
import re, sys
seconds = float(sys.argv[2])
cases = {}
for line in open(sys.argv[1]):
    m = re.match(r"(\S+) c=(\d+) requests/s (\d+)\s+mean (\d+) us\s+p50 (\d+) us\s+p99 (\d+) us"
                 r"\s+failures \d+ cpu (\d+)", line)
    if m:
        rps, mean, p50, p99, cpu = (int(x) for x in m.groups()[2:])
        cases.setdefault((m[1], int(m[2])), []).append([rps, mean, p50, p99, cpu / (rps * seconds)])
names = {"naive": "minimal stdlib server as written naively, `data`",
         "baseline": "minimal stdlib server, one write per answer, `data`",
         "galley-data": "galley endpoint, Azure ML's `data`",
         "galley-split": "galley endpoint, MLflow `dataframe_split`"}
medians = {}
for (name, c), runs in sorted(cases.items(), key=lambda kv: (kv[0][1], list(names).index(kv[0][0]))):
    runs.sort(key=lambda r: r[0])
    rps, mean, p50, p99, _ = runs[len(runs) // 2]
    cpu = sorted(r[4] for r in runs)[len(runs) // 2]
    medians[(name, c)] = (rps, mean, cpu)
    print(f"| {names[name]} | {c} | {rps} | {mean} µs | {p50} µs | {p99} µs | {cpu:.0f} µs |")
print()
for (name, c), (rps, mean, cpu) in sorted(medians.items()):
    if name in ("baseline", "naive"):
        continue
    brps, bmean, bcpu = medians[("baseline", c)]
    print(f"{name} c={c}: latency {mean / bmean:.2f}x, throughput {brps / rps:.2f}x,"
          f" CPU per request {cpu / bcpu:.2f}x the baseline's")
PY
