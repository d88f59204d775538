#!/usr/bin/env bash
# How lint's time grows with the size of one workflow: generated workflows
# with N jobs (each needing the next), N steps in one job (each reading the
# step before), N workflow_call inputs (each default reading the one before)
# and a matrix axis of N values, for N = 2,500, 5,000, 10,000 and 20,000.
# Linear growth doubles the time with N; quadratic growth quadruples it.
# (GitHub refuses workflow files over 500 KB; 20,000 steps is about 1 MB.)
#
#   bench/lint-scaling.sh [GALLEY_BINARY]     (default: build/galley)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
galley="$(realpath "${1:-$root/build/galley}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

generate() {  # generate SHAPE N FILE
  python3 - "$1" "$2" "$3" <<'EOF'
import sys
shape, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
out = ["on:"]
if shape == "inputs":
    out += ["  workflow_call:", "    inputs:"]
    for i in range(n):
        out += [f"      i{i}:", "        type: string", f"        default: ${{{{ inputs.i{max(0, i - 1)} }}}}"]
else:
    out += ["  push:"]
out += ["permissions: {}", "jobs:"]
if shape == "jobs":
    for i in range(n):
        out += [f"  j{i}:", "    runs-on: ubuntu-latest", f"    needs: [j{(i + 1) % n}]",
                "    steps:", f"      - run: echo ${{{{ github.sha }}}}", f"        id: s{i}"]
elif shape == "steps":
    out += ["  a:", "    runs-on: ubuntu-latest", "    steps:"]
    for i in range(n):
        out += [f"      - run: echo ${{{{ steps.s{max(0, i - 1)}.outputs.x }}}}", f"        id: s{i}"]
elif shape == "matrix":
    out += ["  a:", "    runs-on: ubuntu-latest", "    strategy:", "      matrix:", "        v:"]
    out += [f"          - v{i}" for i in range(n)]
    out += ["    steps:", "      - run: echo ${{ matrix.v }}"]
else:
    out += ["  a:", "    runs-on: ubuntu-latest", "    steps:", "      - run: echo hi"]
open(path, "w").write("\n".join(out) + "\n")
EOF
}

printf '%-8s %8s %10s %10s\n' shape N size ms
for shape in jobs steps inputs matrix; do
  for n in 2500 5000 10000 20000; do
    file="$work/$shape-$n.yml"
    generate "$shape" "$n" "$file"
    start=$(date +%s%N)
    "$galley" lint --shellcheck off --pyflakes off "$file" >/dev/null || true  # findings exit 1
    end=$(date +%s%N)
    printf '%-8s %8d %9dK %10d\n' "$shape" "$n" $(($(stat -c %s "$file") / 1024)) $(((end - start) / 1000000))
  done
done
