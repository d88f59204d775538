#!/usr/bin/env bash
# README command 1: installs what is missing and builds, compiles the bundled
# example, then runs its train-and-deploy pipeline here with `galley run`,
# offline, on Debian's scikit-learn: prepare and validate the data, train,
# evaluate, compare with the champion (the registry's production version),
# register the winner in staging, then, with approvals that a second process
# grants with `galley approve`, package, deploy to a staging endpoint,
# smoke-test it, promote to production and deploy the production endpoint.
#
# Run it again with the model unchanged: the comparison keeps the champion
# and the release jobs are skipped. The registry and the run store stay in
# examples/credit-risk/.galley/ (GALLEY_REGISTRY and GALLEY_RUNS_DIR choose
# others); the endpoints keep serving after the demo, as agent services do.
#
# GALLEY=PATH uses that galley and installs and builds nothing (the test,
# tests/run/example.sh, runs the demo so).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${GALLEY:-}" ]; then
  galley="$(realpath "$GALLEY")"
  g="$galley"
else
  scripts/setup.sh
  galley="$PWD/build/galley"
  g="../../build/galley"
fi
echo
"$galley" compile examples/credit-risk/galley.yml
echo
echo "The example's pipelines are in examples/credit-risk/.github/workflows/ and"
echo "examples/credit-risk/.azure-pipelines/. Now its train-and-deploy pipeline runs here, offline:"
echo
cd examples/credit-risk
export GALLEY_REGISTRY="${GALLEY_REGISTRY:-$PWD/.galley/registry}"
# Debian's interpreter first (a pyenv shim's Python does not see Debian's
# scikit-learn), and no waiting on PyPI, which the demo does not need.
export PATH="/usr/bin:$PATH" PIP_RETRIES=0 PIP_DISABLE_PIP_VERSION_CHECK=1
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

# The run waits for each approval (--approve wait) and says how to give it;
# this second process reads that and answers with `galley approve`, as an
# approver would from another terminal.
approver() {
  tail -n +1 -f --pid="$1" "$log" | while IFS= read -r line; do
    if [[ "$line" =~ ^\ +galley\ approve\ ([0-9]+)\ ([^ ]+)$ ]]; then
      run="${BASH_REMATCH[1]}" job="${BASH_REMATCH[2]}"
      sleep 2 # time to read the request
      echo ">>> demo: a second process approves: galley approve $run $job --comment 'checked by the demo'"
      "$galley" approve "$run" "$job" --comment "checked by the demo" | sed 's/^/>>> /'
    fi
  done
}
"$galley" run train-and-deploy --approve wait >"$log" 2>&1 &
run_pid=$!
approver "$run_pid" &
approver_pid=$!
tail -n +1 -f --pid="$run_pid" "$log" || true
status=0
wait "$run_pid" || status=$?
wait "$approver_pid" 2>/dev/null || true
if [ "$status" != 0 ]; then
  echo "demo: galley run train-and-deploy failed (exit $status); see above"
  exit "$status"
fi
run_id=$(sed -n 's/^galley run \([0-9]*\):.*/\1/p' "$log" | head -n 1)
echo
if grep -q "keep the champion" "$log"; then
  echo "The retrained model does not beat the production model by the minimum delta (the"
  echo "comparison above): no promotion, so registration, the approvals and the deployments were skipped."
else
  echo "The production endpoint answers the sample request:"
  "$galley" endpoint invoke --name credit-risk --request deploy/sample-request.json
fi
here="examples/credit-risk"
echo
echo "Where to look (from $here, with GALLEY_REGISTRY=$GALLEY_REGISTRY):"
echo "  $g runs show $run_id"
echo "  $g registry history credit-risk"
echo "  $g registry list credit-risk"
echo "  $g endpoint list"
echo "  $g endpoint invoke --name credit-risk --request deploy/sample-request.json"
echo "The endpoints keep serving; stop them with"
echo "  $g endpoint delete credit-risk && $g endpoint delete credit-risk-staging"
echo "Run bash scripts/demo.sh again: with the model unchanged, the comparison keeps the champion."
