#!/usr/bin/env bash
# The project's own shell scripts pass shellcheck (installed by
# scripts/setup.sh); skips, saying so, where it is missing.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
if ! command -v shellcheck >/dev/null; then
  echo "scripts: shellcheck is not installed; skipped"
  exit 0
fi
# The tracked scripts; in a tree without git, every script outside build/.
list=$(git ls-files '*.sh' .ci/run 2>/dev/null) ||
  list=$(find . -path ./build -prune -o \( -name '*.sh' -o -path ./.ci/run \) -type f -print)
mapfile -t scripts <<<"$list"
shellcheck -x "${scripts[@]}" || exit 1
echo "scripts: ${#scripts[@]} scripts pass shellcheck"
