#!/usr/bin/env bash
# galley run benchmarks, each beside its anchor in the same run (ratios,
# not absolute times: the machines are shared and noisy).
#
#   bench/run.sh [GALLEY_BINARY]     (default: build/galley)
#   CASES="wide plan" bench/run.sh   (only some: steps chain wide loud plan)
#
# 1. one job of 500 `run: true` steps, against a shell loop that writes 500
#    script files and runs `bash --noprofile --norc -eo pipefail FILE` on each;
# 2. 100 independent jobs of `sleep 0.2` at -j 10, against the ideal 2.0 s
#    and against what the machine gives: xargs -P 10 running the same 100
#    `bash -c 'sleep 0.2'` (on a loaded machine, far above 2.0 s);
# 3. a chain of 100 jobs of `true`, against 100 bash spawns;
# 4. a step that prints 1 GB, streamed: galley's peak RSS;
# 5. `galley run --plan` on the example, whole process.
# Masking throughput has its own benchmark (bench/mask.sh).
set -euo pipefail
command -v hyperfine >/dev/null || { echo "bench/run.sh: needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
root="$(cd "$(dirname "$0")/.." && pwd)"
galley="$(realpath "${1:-$root/build/galley}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
git init -q . && git config user.email bench@galley && git config user.name bench
mkdir -p .github/workflows
{
  echo "on: push"; echo "jobs:"; echo "  steps:"; echo "    runs-on: ubuntu-latest"; echo "    steps:"
  for i in $(seq 500); do echo "      - run: 'true'"; done
} > .github/workflows/steps.yml
{
  echo "on: push"; echo "jobs:"
  for i in $(seq 100); do printf '  j%d:\n    runs-on: ubuntu-latest\n    steps:\n      - run: sleep 0.2\n' "$i"; done
} > .github/workflows/wide.yml
{
  echo "on: push"; echo "jobs:"
  for i in $(seq 100); do
    printf '  j%d:\n    runs-on: ubuntu-latest\n' "$i"
    [ "$i" -gt 1 ] && printf '    needs: j%d\n' "$((i - 1))"
    printf '    steps:\n      - run: "true"\n'
  done
} > .github/workflows/chain.yml
cat > .github/workflows/loud.yml <<'YML'
on: push
jobs:
  loud:
    runs-on: ubuntu-latest
    steps:
      - run: yes 'a line of log output that is about sixty-four bytes long, xxx' | head -c 1000000000
YML
git add -A && git commit -qm bench
cat > loop.sh <<'SH'
d=$(mktemp -d); for i in $(seq 500); do printf 'true\n' > "$d/$i.sh"; bash --noprofile --norc -eo pipefail "$d/$i.sh"; done; rm -rf "$d"
SH
cat > wide.sh <<'SH'
seq 100 | xargs -P 10 -I{} bash --noprofile --norc -e -c 'sleep 0.2'
SH
cat > spawns.sh <<'SH'
for i in $(seq 100); do bash --noprofile --norc -e -c true; done
SH
export CI=true
cases="${CASES:-steps chain wide loud plan}"
want() { case " $cases " in *" $1 "*) return 0 ;; esac; return 1; }
echo "cores: $(nproc), load: $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
if want steps; then
hyperfine -N --warmup 1 --min-runs 5 --style basic --export-json steps.json \
  -n "galley run: 500 steps" "$galley run steps -j 1" \
  -n "bash loop: 500 script files" "bash loop.sh" | grep -v '^ *$'
fi
if want chain; then
hyperfine -N --warmup 1 --min-runs 5 --style basic --export-json chain.json \
  -n "galley run: chain of 100 jobs" "$galley run chain -j 2" \
  -n "100 bash spawns" "bash spawns.sh" | grep -v '^ *$'
fi
if want wide; then
hyperfine -N --min-runs 3 --style basic --export-json wide.json \
  -n "galley run: 100 jobs of sleep 0.2 at -j 10" "$galley run wide -j 10" \
  -n "xargs -P 10: 100 bash -c 'sleep 0.2'" "bash wide.sh" | grep -v '^ *$'
fi
python3 - <<'PY'
import json, os
def mean(f, i): return json.load(open(f))["results"][i]["mean"]
if os.path.exists('steps.json'):
    print(f"500 steps: {mean('steps.json',0)/mean('steps.json',1):.2f}x the bash loop (target <= 1.3)")
if os.path.exists('chain.json'):
    print(f"chain of 100: {mean('chain.json',0)/mean('chain.json',1):.2f}x 100 bash spawns (target <= 1.3)")
if os.path.exists('wide.json'):
    print(f"100 x sleep 0.2 at -j10: {mean('wide.json',0)/2.0:.2f}x the ideal 2.0 s (target <= 1.1), "
          f"{mean('wide.json',0)/mean('wide.json',1):.2f}x xargs -P 10 ({mean('wide.json',1):.2f} s)")
PY
if want loud; then
/usr/bin/time -f "1 GB of output: %M KB peak RSS, %e s" "$galley" run loud -j 1 >/dev/null 2>time.txt || true
tail -1 time.txt
fi
want plan || exit 0
cd "$root/examples/credit-risk"
hyperfine -N --warmup 3 --min-runs 30 --style basic -n "/bin/true (a process start)" /bin/true \
  -n "galley --version (start-up)" "$galley --version" \
  -n "galley run --plan (example)" "$galley run ci --plan" | grep -v '^ *$'
if command -v valgrind >/dev/null; then
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$galley" run ci --plan 2>&1 >/dev/null |
    sed -n 's/.*Collected : */galley run ci --plan: instructions executed: /p'
fi
