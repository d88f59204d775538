#!/usr/bin/env bash
# README command 2: install, build, and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests
# Verbose, so the conformance suites' pass/skip summaries show in the log.
ctest --test-dir build --output-on-failure --verbose
