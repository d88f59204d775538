#!/usr/bin/env bash
# The Azure Pipelines schema check: galley lint --kind azure --schema-only
# against ../shared/tools/anchors/ado-schema.mjs (ajv over the same
# service-schema.json), as whole processes, side by side in the same run, on
# the same files: every Azure pipeline of ../shared/corpus/ado that is not a
# template (the schema describes pipelines) and that ajv reads.
#
#   bench/azure-schema.sh [GALLEY_BINARY]     (default: build/galley)
#
# The anchors folder is read-only and ships without node_modules: its
# script and lock file are copied to a cache folder (AZURE_BENCH_CACHE,
# default /tmp/galley-azure-bench), where `npm ci` installs ajv and yaml
# once; the copy finds the corpus through a symlink. Needs node, npm and
# hyperfine. ROUNDS=N sets hyperfine's runs (default 20).
set -euo pipefail
command -v hyperfine >/dev/null || { echo "bench/azure-schema.sh: needs hyperfine" >&2; exit 2; }
command -v node >/dev/null || { echo "bench/azure-schema.sh: needs node" >&2; exit 2; }
root="$(cd "$(dirname "$0")/.." && pwd)"
galley="$(realpath "${1:-$root/build/galley}")"
shared="$(realpath "$root/../shared")"
cache="${AZURE_BENCH_CACHE:-/tmp/galley-azure-bench}"
mkdir -p "$cache/tools/anchors"
ln -sfn "$shared/corpus" "$cache/corpus"
for f in ado-schema.mjs package.json package-lock.json; do
  cp "$shared/tools/anchors/$f" "$cache/tools/anchors/$f"
done
[ -d "$cache/tools/anchors/node_modules" ] ||
  (cd "$cache/tools/anchors" && npm ci --no-audit --no-fund >/dev/null)
anchor="$cache/tools/anchors/ado-schema.mjs"

# The pipelines: Azure files by galley's routing, with a trigger, pr,
# stages, jobs or extends at the top (templates of steps or jobs alone are
# not pipelines to the schema), runner.server's cases left out.
cd "$shared/corpus/ado"
mapfile -t files < <(find . -path ./runner.server -prune -o \( -name '*.yml' -o -name '*.yaml' \) -print |
  sort | while read -r f; do
    grep -qE '^(trigger|pr|stages|extends|schedules|resources):' "$f" && echo "$f"
  done)
echo "files: ${#files[@]}, cores: $(nproc), load: $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
hyperfine -N --warmup 2 --runs "${ROUNDS:-20}" -i --style none \
  --export-json "$out/schema.json" \
  -n "galley lint --schema-only" "$galley lint --kind azure --schema-only -j 1 ${files[*]}" \
  -n "ado-schema.mjs (ajv)" "node $anchor ${files[*]}"
python3 - "$out/schema.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
g, a = r["galley lint --schema-only"], r["ado-schema.mjs (ajv)"]
cpu = lambda x: x["user"] + x["system"]
print("galley: %.1f ms wall (median %.1f), %.1f ms CPU" % (g["mean"] * 1e3, g["median"] * 1e3, cpu(g) * 1e3))
print("ajv:    %.1f ms wall (median %.1f), %.1f ms CPU" % (a["mean"] * 1e3, a["median"] * 1e3, cpu(a) * 1e3))
print("galley is %.1fx faster in wall time (medians), %.1fx in CPU time" % (a["median"] / g["median"], cpu(a) / cpu(g)))
PY
