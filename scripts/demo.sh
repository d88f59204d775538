#!/usr/bin/env bash
# README command 1: install, build, and compile the bundled example.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
echo
build/galley compile examples/credit-risk/galley.yml
echo
echo "The example's pipelines are in examples/credit-risk/.github/workflows/ and"
echo "examples/credit-risk/.azure-pipelines/. Now its ci pipeline runs here, offline:"
echo
(cd examples/credit-risk && ../../build/galley run ci)
echo
echo "Try: (cd examples/credit-risk && ../../build/galley runs show latest)"
echo "     build/galley recipes show deploy-after-approval"
