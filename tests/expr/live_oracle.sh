#!/usr/bin/env bash
# Differential test against GitHub's evaluator, live: generates fresh cases
# (seed from $1, default the time), runs them through gh-expr-oracle.mjs and
# `galley eval --jsonl`, and compares. Skips when node is absent.
# Usage: tests/expr/live_oracle.sh [SEED] [COUNT]   (GALLEY=path/to/galley)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
shared="${GALLEY_SHARED_DIR:-$here/../../../shared}"
oracle="$shared/tools/anchors/gh-expr-oracle.mjs"
galley="${GALLEY:-$here/../../build-expr/galley}"
seed="${1:-$(date +%s)}"
count="${2:-20000}"
if ! command -v node >/dev/null || [ ! -f "$oracle" ]; then
  echo "live_oracle: node or $oracle not found; skipped"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 "$here/generate.py" --seed "$seed" --count "$count" --contexts "$work/ctx.json" > "$work/in"
python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
ctx = json.load(open(w + "/ctx.json", encoding="utf-8"))
with open(w + "/feed", "w", encoding="utf-8") as f:
    for line in open(w + "/in", encoding="utf-8"):
        i = json.loads(line)
        f.write(json.dumps({"expr": i["expr"], "context": ctx[i["ctx"]], "status": i["status"]},
                           ensure_ascii=False) + "\n")
PY
node "$oracle" < "$work/feed" > "$work/theirs"
"$galley" eval --jsonl < "$work/feed" > "$work/ours"
echo "seed $seed"
python3 "$here/compare.py" "$work/in" "$work/ours" "$work/theirs"
