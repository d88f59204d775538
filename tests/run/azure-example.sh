#!/usr/bin/env bash
# The bundled example's compiled Azure ci pipeline (.azure-pipelines/ci.yml,
# galley's own output) runs green through galley run, offline, with the
# Python tools scripts/setup.sh installs from Debian.
#
#   tests/run/azure-example.sh GALLEY
set -euo pipefail
galley="$(realpath "$1")"
cd "$(dirname "$0")/../../examples/credit-risk"
store="$(mktemp -d)"
trap 'rm -rf "$store"' EXIT
# Debian's interpreter first: a pyenv shim's Python does not see Debian's
# scikit-learn, and pip cannot reach PyPI here (no retries).
export PIP_RETRIES=0 PIP_DISABLE_PIP_VERSION_CHECK=1
export PATH="/usr/local/bin:/usr/bin:/bin" CI=true NO_COLOR=1
export GALLEY_RUNS_DIR="$store/runs" GALLEY_CACHE_DIR="$store/cache" GALLEY_REGISTRY="$store/registry"
if ! "$galley" run .azure-pipelines/ci.yml >"$store/out.log" 2>&1; then
  tail -60 "$store/out.log"
  echo "azure-example.sh: galley run .azure-pipelines/ci.yml failed"
  exit 1
fi
for line in "^Run 1 (.azure-pipelines/ci.yml, push): success" "^  success     Code quality" \
  "^  success     Unit tests" "Published .* as artifact 'test-results'"; do
  grep -q "$line" "$store/out.log" || { tail -20 "$store/out.log"; echo "azure-example.sh: no '$line'"; exit 1; }
done
# Stages with dependsOn: [] are independent: both jobs are in the first wave.
"$galley" run .azure-pipelines/ci.yml --plan >"$store/plan.txt"
if ! grep -q "^  quality.lint$" "$store/plan.txt" || ! grep -q "^  tests.test$" "$store/plan.txt" ||
  [ "$(grep -c '^wave' "$store/plan.txt")" != 1 ]; then
  cat "$store/plan.txt"
  exit 1
fi
echo "1 passed, 0 failed"
