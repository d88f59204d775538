#!/usr/bin/env bash
# Recompiles every golden fixture (tests/golden/recipes/*/galley.yml) and the
# bundled example, rewriting their expected outputs. Review `git diff` before
# committing: the diff is the behaviour change.
# Usage: scripts/refresh-golden.sh [path/to/galley]
set -euo pipefail
cd "$(dirname "$0")/.."
galley=${1:-build/galley}
for fixture in tests/golden/recipes/*/galley.yml examples/*/galley.yml; do
  "$galley" compile "$fixture" >/dev/null
done
echo "refreshed $(find tests/golden/recipes -mindepth 1 -maxdepth 1 -type d | wc -l) recipe fixtures and the examples"
"$galley" recipes show train-model > tests/cli/recipes-show-train-model.txt
