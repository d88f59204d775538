#!/usr/bin/env bash
# Times compiling the bundled example (3 pipelines, 2 targets, 6 files) as a
# whole process, beside galley's bare start-up, with hyperfine.
# Target (issue 2): under 20 ms for the whole process.
# Usage: bench/compile.sh [path/to/galley]
set -euo pipefail
command -v hyperfine >/dev/null || { echo "bench/compile.sh: needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
cd "$(dirname "$0")/.."
galley=$(realpath "${1:-build/galley}")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
hyperfine -N --warmup 5 --runs 50 --export-markdown "$out/compile.md" \
  -n "galley --version (start-up)" "$galley --version" \
  -n "galley compile --check (example)" "$galley compile examples/credit-risk/galley.yml --check" \
  -n "galley compile (example, writing files)" "$galley compile examples/credit-risk/galley.yml --out $out/gen" >/dev/null
cat "$out/compile.md"
