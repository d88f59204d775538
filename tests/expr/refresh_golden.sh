#!/usr/bin/env bash
# Regenerates the differential golden file from GitHub's own evaluator.
# Review the diff before committing: every change is a change in the oracle
# or in the generator.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
shared="${GALLEY_SHARED_DIR:-$here/../../../shared}"
oracle="$shared/tools/anchors/gh-expr-oracle.mjs"
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
python3 "$here/generate.py" --seed 20260123 --count 20000 \
  --contexts "$here/differential_contexts.json" > "$tmp"
python3 "$here/make_golden.py" "$tmp" "$here/differential_contexts.json" "$oracle" \
  > "$here/differential.golden.jsonl"
wc -l -c "$here/differential.golden.jsonl"
