#!/usr/bin/env bash
# Masks 200 MB of synthetic step output with 100 secrets (10 multi-line), line
# by line, 5 rounds; prints the best throughput in CPU and in wall time.
# Usage: bench/mask.sh [build directory]   (default: build; builds the target)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
cmake --build "$build" --target galley_bench_mask -j2 >/dev/null
"$build/galley_bench_mask"
