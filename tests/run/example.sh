#!/usr/bin/env bash
# The bundled example's compiled `ci` and `train-and-deploy` pipelines run
# green through galley run,
# from galley.yml (the expanded pipeline, not the emitted file), offline,
# with the Python tools scripts/setup.sh installs from Debian.
#
#   tests/run/example.sh GALLEY
set -euo pipefail
galley="$(realpath "$1")"
cd "$(dirname "$0")/../../examples/credit-risk"
store="$(mktemp -d)"
# The endpoints the pipeline deploys outlive it: stopped in every outcome.
cleanup() {
  for e in credit-risk-staging credit-risk; do "$galley" endpoint delete "$e" >/dev/null 2>&1 || true; done
  rm -rf "$store"
}
trap cleanup EXIT
# Debian's interpreter first: a pyenv shim's Python does not see Debian's
# scikit-learn, and pip cannot reach PyPI here.
# pip cannot reach PyPI here: no retries for `pip install --upgrade pip`.
export PIP_RETRIES=0 PIP_DISABLE_PIP_VERSION_CHECK=1
export PATH="/usr/local/bin:/usr/bin:/bin" CI=true NO_COLOR=1
export GALLEY_RUNS_DIR="$store/runs" GALLEY_CACHE_DIR="$store/cache" GALLEY_REGISTRY="$store/registry"
if ! "$galley" run ci > "$store/out.log" 2>&1; then
  tail -60 "$store/out.log"
  echo "example.sh: galley run ci failed"
  exit 1
fi
grep -q "^Run 1 (CI, push): success" "$store/out.log" || { tail -20 "$store/out.log"; exit 1; }
# The plan, without running anything.
"$galley" run ci --plan | grep -q "^  tests" || { echo "example.sh: --plan lacks the tests job"; exit 1; }
# train-and-deploy: compare with the (absent) champion, register in staging,
# package, deploy to staging, smoke test, promote, deploy to production.
if ! "$galley" run train-and-deploy --approve auto > "$store/td.log" 2>&1; then
  tail -40 "$store/td.log"
  echo "example.sh: galley run train-and-deploy failed"; exit 1
fi
grep -q "no champion (no model named 'credit-risk' in the registry): promote" "$store/td.log" ||
  { grep -A3 "Compare\]" "$store/td.log"; echo "example.sh: the comparison did not promote"; exit 1; }
grep -q '^\[Smoke test endpoint/Invoke endpoint\] {"predictions": \[' "$store/td.log" ||
  { grep "Smoke test" "$store/td.log"; echo "example.sh: the smoke test had no predictions"; exit 1; }
for e in credit-risk-staging credit-risk; do
  "$galley" endpoint invoke --name "$e" --request deploy/sample-request.json | grep -q '^{"predictions": \[' ||
    { echo "example.sh: endpoint $e does not answer"; exit 1; }
done
"$galley" registry show credit-risk@production --format json > "$store/production.json"
python3 - "$store/production.json" <<'EOF'
import json, sys
v = json.load(open(sys.argv[1]))
assert v["version"] == 1 and v["stage"] == "production", v
assert "auc" in v["metrics"] and v["lineage"]["run_id"] == "2", v  # run 1 was ci
assert [f["path"] for f in v["files"]] == ["metrics.json", "model.pkl"], v["files"]
EOF
echo "1 passed, 0 failed"
