#!/usr/bin/env bash
# 100 jobs of `sleep 0.2` at -j 10 (bench/run.sh's case 2), in paired
# rounds: each round runs every galley binary given and the two xargs
# anchors back to back, in an order that rotates from round to round, so
# that a load that drifts reaches them all alike. Prints each round's wall
# times and ratios to xargs, then the medians. The anchors, 10 at a time:
#   xargs      bash -c 'sleep 0.2' (bash execs sleep in place);
#   xargs_file bash --noprofile --norc -eo pipefail FILE, FILE holding
#              `sleep 0.2`: a step's processes as galley and GitHub's runner
#              start them (bash forks sleep).
#
#   bench/run-paired.sh ROUNDS GALLEY [GALLEY...]
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: bench/run-paired.sh ROUNDS GALLEY [GALLEY...]" >&2; exit 2; }
rounds="$1"
shift
galleys=()
for g in "$@"; do galleys+=("$(realpath "$g")"); done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
git init -q . && git config user.email bench@galley && git config user.name bench
mkdir -p .github/workflows
{
  echo "on: push"; echo "jobs:"
  for i in $(seq 100); do printf '  j%d:\n    runs-on: ubuntu-latest\n    steps:\n      - run: sleep 0.2\n' "$i"; done
} > .github/workflows/wide.yml
git add -A && git commit -qm bench
export CI=true
seconds() {  # seconds COMMAND...: its wall time
  local start end
  start=$(date +%s%N)
  "$@" > /dev/null 2>&1 || true
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000000 ))e-3"
}
echo "sleep 0.2" > "$work/step.sh"
anchor() { seq 100 | xargs -P 10 -I{} bash --noprofile --norc -e -c 'sleep 0.2'; }
anchor_file() { seq 100 | xargs -P 10 -I{} bash --noprofile --norc -eo pipefail "$work/step.sh"; }
n=$(( ${#galleys[@]} + 2 ))
echo "cores: $(nproc), load: $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
for r in $(seq "$rounds"); do
  line="round $r:"
  for k in $(seq 0 $((n - 1))); do
    i=$(( (k + r) % n ))
    if [ "$i" = $((n - 1)) ]; then
      line+=" xargs=$(seconds anchor)"
    elif [ "$i" = $((n - 2)) ]; then
      line+=" xargs_file=$(seconds anchor_file)"
    else
      line+=" galley$((i + 1))=$(seconds "${galleys[$i]}" run wide -j 10)"
    fi
  done
  echo "$line load=$(cut -d' ' -f1 /proc/loadavg)"
done | tee rounds.txt
python3 - "${galleys[@]}" <<'PY'
import re, statistics, sys
rounds = [dict((k, float(v)) for k, v in re.findall(r"(\w+)=([\d.e-]+)", l)) for l in open("rounds.txt")]
for k in ("xargs", "xargs_file"):
    m = statistics.median(r[k] for r in rounds)
    print(f"{k}: median {m:.2f} s, {m / 2.0:.2f}x the ideal 2.0 s")
for i, path in enumerate(sys.argv[1:], 1):
    k = f"galley{i}"
    ratios = [r[k] / r["xargs"] for r in rounds]
    print(f"{k} ({path}): median {statistics.median(r[k] for r in rounds):.2f} s, "
          f"{statistics.median(r[k] for r in rounds) / 2.0:.2f}x the ideal 2.0 s, "
          f"per-round / xargs: median {statistics.median(ratios):.2f} ({min(ratios):.2f} to {max(ratios):.2f}), "
          f"/ xargs_file: median {statistics.median(r[k] / r['xargs_file'] for r in rounds):.2f}")
PY
