#!/usr/bin/env bash
# A project made by `galley init --template TEMPLATE` compiles, and its `ci`
# pipeline (code quality and unit tests) runs green through `galley run`,
# offline, with Debian's Python tools (as tests/run/example.sh runs the
# example's). Prints how long `galley run ci` took.
#   tests/init/template.sh GALLEY TEMPLATE
# Exits 77 (skipped) for cv only when Debian's python3-torch or
# python3-torchvision is not installed (scripts/setup.sh --tests installs them).
set -euo pipefail
galley="$(realpath "$1")"
template="$2"
# Debian's interpreter first: a pyenv shim's Python does not see Debian's
# packages, and pip cannot reach PyPI here.
export PATH="/usr/local/bin:/usr/bin:/bin" CI=true NO_COLOR=1
export PIP_RETRIES=0 PIP_DISABLE_PIP_VERSION_CHECK=1
if [ "$template" = cv ] && ! python3 -c "import torch, torchvision" 2>/dev/null; then
  echo "template.sh: skipped: python3-torch and python3-torchvision are not installed"
  exit 77
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export GALLEY_RUNS_DIR="$tmp/runs" GALLEY_CACHE_DIR="$tmp/cache"
cd "$tmp"
"$galley" init "my-$template" --template "$template" > init.log
cd "my-$template"
"$galley" compile > ../compile.log || { cat ../compile.log; echo "template.sh: compile failed"; exit 1; }
for f in .github/workflows/ci.yml .github/workflows/train-and-deploy.yml \
  .azure-pipelines/ci.yml .azure-pipelines/train-and-deploy.yml; do
  [ -f "$f" ] || { echo "template.sh: compile did not write $f"; exit 1; }
done
"$galley" compile --check > /dev/null 2>&1 || { echo "template.sh: a second compile is not stable"; exit 1; }
# As docs/init.md goes on: commit the project (the pipeline's checkout
# copies the committed tree), then run ci.
git init -q . && git add . &&
  git -c user.name=galley -c user.email=galley@example.com commit -q -m "galley init"
start=$(date +%s%N)
if ! "$galley" run ci > ../ci.log 2>&1; then
  tail -60 ../ci.log
  echo "template.sh: galley run ci failed for $template"
  exit 1
fi
ms=$((($(date +%s%N) - start) / 1000000))
grep -q "^Run 1 (CI, push): success" ../ci.log || { tail -20 ../ci.log; exit 1; }
echo "template.sh: $template: galley run ci passed in $((ms / 1000)).$(printf %03d $((ms % 1000)))s"
echo "1 passed, 0 failed"
