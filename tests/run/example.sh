#!/usr/bin/env bash
# The bundled example's compiled `ci` and `train-and-deploy` pipelines run
# green through galley run,
# from galley.yml (the expanded pipeline, not the emitted file), offline,
# with the Python tools scripts/setup.sh installs from Debian. The whole
# lifecycle, with automatic approvals: the registry's stages and history and
# the live endpoints' answers; then the README's demo (scripts/demo.sh) on
# the same registry, whose unchanged model keeps the champion and skips the
# release. Every endpoint process is stopped in every outcome.
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
fail() {
  echo "example.sh: $*"
  exit 1
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
# The audit: registered in staging by run 2, then promoted by it.
"$galley" registry history credit-risk --format json >"$store/history.json"
python3 - "$store/history.json" <<'EOF'
import json, sys
h = [(e["event"], e["version"], e["from"], e["to"], e["run_id"]) for e in json.load(open(sys.argv[1]))]
assert h == [("register", 1, "", "staging", "2"), ("stage", 1, "staging", "production", "2")], h
EOF
# Both endpoints serve version 1 and give the same answers: one probability
# per row of the sample request, each in [0, 1].
for e in credit-risk-staging credit-risk; do
  "$galley" endpoint show "$e" --format json >"$store/$e.json" || fail "endpoint $e does not serve"
  "$galley" endpoint invoke --name "$e" --request deploy/sample-request.json >"$store/$e.answer" ||
    fail "endpoint $e does not answer"
done
python3 - "$store" deploy/sample-request.json <<'EOF'
import json, sys
store, request = sys.argv[1:3]
rows = len(json.load(open(request))["data"])
answers = []
for e in ("credit-risk-staging", "credit-risk"):
    shown = json.load(open(f"{store}/{e}.json"))
    assert (shown["model"], shown["version"], shown["status"]) == ("credit-risk", 1, "serving"), shown
    p = json.load(open(f"{store}/{e}.answer"))["predictions"]
    assert len(p) == rows and all(0 <= x <= 1 for x in p), p
    answers.append(p)
assert answers[0] == answers[1], answers
EOF
# The README's demo on the same registry: the same model again, so the
# comparison keeps the champion, says so, and the release is skipped.
if ! GALLEY="$galley" bash ../../scripts/demo.sh >"$store/demo.log" 2>&1; then
  tail -40 "$store/demo.log"
  fail "scripts/demo.sh failed"
fi
grep -q "delta +0.000000 < 0.005: keep the champion" "$store/demo.log" ||
  { grep -A2 "Compare\]" "$store/demo.log"; fail "the rerun's comparison did not keep the champion"; }
grep -q "^\[Register model in staging\] skipped: its if: condition is false" "$store/demo.log" || fail "registration was not skipped"
[ "$(grep -c "^  skipped .*a job it needs was skipped" "$store/demo.log")" = 7 ] ||
  { grep "^  " "$store/demo.log"; fail "the release jobs were not all skipped"; }
grep -q "^The retrained model does not beat the production model" "$store/demo.log" || fail "no message about the skip"
grep -qF "  $galley registry history credit-risk" "$store/demo.log" || fail "the demo does not say where to look"
versions=$("$galley" registry list credit-risk --format json | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
[ "$versions" = 1 ] || fail "the rerun registered a version ($versions versions)"
# Deleting the endpoints stops their processes.
pids=$(python3 -c 'import json, sys; print(" ".join(str(json.load(open(f))["pid"]) for f in sys.argv[1:]))' \
  "$store/credit-risk-staging.json" "$store/credit-risk.json")
for e in credit-risk-staging credit-risk; do "$galley" endpoint delete "$e" >/dev/null 2>&1; done
for pid in $pids; do
  # A zombie is dead: it only waits for init, its new parent, to reap it.
  if state=$(ps -o stat= -p "$pid") && [[ "$state" != Z* ]]; then
    fail "endpoint process $pid outlived its delete"
  fi
done
echo "1 passed, 0 failed"
