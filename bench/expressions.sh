#!/usr/bin/env bash
# Parses and type-checks the 1,858 real-world expressions collected by
# actionlint (one per line), in process, 30 rounds; prints best and median.
# Usage: bench/expressions.sh [path/to/galley]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
galley="${1:-$root/build-expr/galley}"
corpus="${GALLEY_SHARED_DIR:-$root/../shared}/corpus/github/actionlint/bench/expressions.txt"
"$galley" eval --bench-parse "$corpus"
