#!/usr/bin/env bash
# Prints the folder of usable reference tools (../shared/tools/anchors with
# its node_modules): the shared folder itself when its packages are
# installed, else a copy in a cache folder (GALLEY_ANCHORS_CACHE, default
# ~/.cache/galley/anchors) where `npm ci` installs them once, since the
# shared folder may be read-only. The copy finds the corpora through a
# symlink, as the scripts look for them beside tools/. Exits 1, saying why,
# when node or npm is missing or the install fails.
set -euo pipefail
shared="$(cd "$(dirname "$0")/../.." && pwd)/shared"
anchors="$shared/tools/anchors"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "anchors: node and npm are needed" >&2
  exit 1
fi
if [ -d "$anchors/node_modules" ]; then
  echo "$anchors"
  exit 0
fi
cache="${GALLEY_ANCHORS_CACHE:-$HOME/.cache/galley/anchors}"
mkdir -p "$cache/tools/anchors"
ln -sfn "$shared/corpus" "$cache/corpus"
cp "$anchors"/*.mjs "$anchors"/package.json "$anchors"/package-lock.json "$cache/tools/anchors/"
if [ ! -d "$cache/tools/anchors/node_modules" ]; then
  (cd "$cache/tools/anchors" && (npm ci --no-audit --no-fund || npm install --no-audit --no-fund)) >&2 ||
    { echo "anchors: npm could not install the reference tools in $cache" >&2; exit 1; }
fi
echo "$cache/tools/anchors"
