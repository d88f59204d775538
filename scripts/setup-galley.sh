#!/usr/bin/env bash
# Puts galley on the PATH of a CI job, as the compiled "Set up galley
# VERSION" step does (compiler/setup_galley.cpp), for action.yml and
# azure-pipelines/galley-steps.yml, which run from galley's own source:
#
#   bash scripts/setup-galley.sh      (from anywhere; the source is this script's repository)
#
# - The agent's galley when `galley --version` is this source's version.
# - Else this source built once per agent into the agent's tool cache
#   ($RUNNER_TOOL_CACHE, $AGENT_TOOLSDIRECTORY, else ~/.cache), keyed by the
#   source's commit (`git rev-parse HEAD`; an action downloaded by the GitHub
#   runner has no .git, so there the key is a sha256 of the source's files),
#   under a lock, so that parallel jobs build it once and later jobs build
#   nothing.
# - Then on the PATH the host's way: $GITHUB_PATH, or
#   ##vso[task.prependpath], for the job's later steps.
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
version=$(sed -n 's/^project(galley VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
if [ -z "$version" ]; then
  echo "setup-galley: no 'project(galley VERSION ...)' in $src/CMakeLists.txt" >&2
  exit 2
fi
want="galley $version"

put_on_path() {
  if [ -n "${GITHUB_PATH:-}" ]; then
    echo "$1" >>"$GITHUB_PATH"
  elif [ -n "${TF_BUILD:-}" ]; then
    echo "##vso[task.prependpath]$1"
  fi
}

if command -v galley >/dev/null 2>&1 && [ "$(galley --version 2>/dev/null)" = "$want" ]; then
  echo "Using $want at $(command -v galley)"
  exit 0
fi

if key=$(git -C "$src" rev-parse --verify -q HEAD 2>/dev/null) && [ -z "$(git -C "$src" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  :
else
  # No commit describes this source (a downloaded action, or local changes):
  # its files do. build/ is what a previous build here left.
  key="src-$(cd "$src" && find . \( -path ./build -o -path ./.git \) -prune -o -type f -print0 | LC_ALL=C sort -z |
    xargs -0 sha256sum | sha256sum | cut -c1-40)"
fi
cache="${RUNNER_TOOL_CACHE:-${AGENT_TOOLSDIRECTORY:-$HOME/.cache}}/galley/$key"
mkdir -p "$(dirname "$cache")"
(
  flock 9
  if [ ! -x "$cache/build/galley" ]; then
    echo "Building $want from $src into $cache"
    rm -rf "$cache.partial"
    mkdir -p "$cache.partial"
    (cd "$src" && find . -mindepth 1 -maxdepth 1 ! -name build ! -name .git -exec cp -a {} "$cache.partial/" \;)
    bash "$cache.partial/scripts/setup.sh"
    rm -rf "$cache"
    mv "$cache.partial" "$cache"
  fi
) 9>"$cache.lock"
got=$("$cache/build/galley" --version)
if [ "$got" != "$want" ]; then
  echo "setup-galley: $cache/build/galley is $got, not $want" >&2
  exit 1
fi
put_on_path "$cache/build"
echo "Using $want built at $cache"
