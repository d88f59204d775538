#!/usr/bin/env bash
# galley run's command line end to end: --plan, rerun --failed, Ctrl-C
# (graceful, then always() steps, exit 130), no process outliving a run,
# and the errors for targets it cannot run.
#
#   tests/run/cli.sh GALLEY
set -uo pipefail
galley="$(realpath "$1")"
repo="$(mktemp -d)"
trap 'rm -rf "$repo"; pkill -f galley-orphan-sleep-4242 2>/dev/null' EXIT
cd "$repo" || exit 2
git init -q . && git config user.email t@galley && git config user.name t
mkdir -p .github/workflows
export CI=true NO_COLOR=1
pass=0 fail=0
check() {  # check NAME CONDITION-EXIT-CODE
  if [ "$2" = 0 ]; then pass=$((pass + 1)); echo "ok    $1"; else fail=$((fail + 1)); echo "FAIL  $1"; fi
}

cat > .github/workflows/flaky.yml <<'YML'
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    outputs:
      v: ${{ steps.s.outputs.v }}
    steps:
      - id: s
        run: |
          echo "v=built-$RANDOM$RANDOM" >> "$GITHUB_OUTPUT"
          echo built >> "$BUILD_COUNT"
          mkdir -p out && echo model > out/model.bin
      - uses: actions/upload-artifact@v4
        with: {name: model, path: out}
  test:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v4
        with: {name: model}
      - run: |
          echo "got ${{ needs.build.outputs.v }} $(cat model.bin)"
          test -f "$PASS_FILE"
YML
git add -A && git commit -qm flaky
# Steps see galley's environment: these say where the test's files are.
export PASS_FILE="$repo/pass" BUILD_COUNT="$repo/build-count"
"$galley" run flaky --plan > plan.txt
grep -q "^wave 2:" plan.txt && grep -q "^  test (needs build)" plan.txt; check "--plan shows waves and needs" $?
"$galley" run flaky --plan --output json | python3 -c '
import json, sys
plan = json.load(sys.stdin)
assert [(j["id"], j["wave"], j["needs"]) for j in plan["jobs"]] == [("build", 0, []), ("test", 1, ["build"])], plan["jobs"]
assert [j["id"] for j in plan["workflow"]["jobs"]] == ["build", "test"]
assert plan["workflow"]["jobs"][1]["steps"][1]["id"] == "__run"'
check "--plan --output json is the plan with the workflow in GitHub's reader form" $?
"$galley" run flaky > run1.log 2>&1
[ $? = 1 ]; check "a failing job fails the run with exit 1" $?
touch pass
"$galley" rerun latest --failed > run2.log 2>&1
code=$?
[ $code = 0 ] && grep -q "reused from the earlier run" run2.log && grep -q "got built-.* model" run2.log &&
  [ "$(wc -l < build-count)" = 1 ]
check "rerun --failed reuses the successful job's outputs and artifacts" $?
grep -q "^Run 2" run2.log; check "the rerun is a new run" $?
[ "$(tail -n 1 .galley/.gitignore)" = "*" ] && ! git status --porcelain | grep -q galley
check ".galley keeps itself out of git" $?
python3 -c 'import json, sys; assert json.load(open(sys.argv[1]))["jobs"][1]["id"] == "test"' .galley/runs/2/plan.json
check "each run keeps its plan in plan.json" $?

cat > .github/workflows/slow.yml <<'YML'
on: push
jobs:
  slow:
    runs-on: ubuntu-latest
    steps:
      - run: |
          (exec -a galley-orphan-sleep-4242 sleep 300) &
          echo started
          sleep 300
      - if: always()
        run: echo "cleanup ran"
  after:
    needs: slow
    runs-on: ubuntu-latest
    steps:
      - run: echo never
YML
git add -A && git commit -qm slow
"$galley" run slow > slow.log 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q started slow.log 2>/dev/null && break; sleep 0.1; done
kill -INT $pid
wait $pid
code=$?
[ $code = 130 ]; check "Ctrl-C ends the run with exit 130" $?
grep -q "cleanup ran" slow.log; check "always() steps still run after Ctrl-C" $?
grep -q "after.*skipped\|skipped.*after" slow.log; check "jobs after a cancelled one are skipped" $?
sleep 0.2
! pgrep -f galley-orphan-sleep-4242 >/dev/null; check "no process outlives the cancelled run" $?

cat > .github/workflows/orphan.yml <<'YML'
on: push
jobs:
  bg:
    runs-on: ubuntu-latest
    steps:
      - run: |
          (exec -a galley-orphan-sleep-4242 sleep 300) > /dev/null 2>&1 &
          echo left a sleep behind
YML
git add -A && git commit -qm orphan
"$galley" run orphan > orphan.log 2>&1
! pgrep -f galley-orphan-sleep-4242 >/dev/null; check "a step's background process ends with the step" $?

# concurrency groups across separate galley processes of one repository.
cat > .github/workflows/deploy.yml <<'YML'
on: push
concurrency:
  group: deploy-${{ vars.GROUP }}
  cancel-in-progress: ${{ vars.CANCEL == 'true' }}
jobs:
  work:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo "${{ vars.NAME }} start" >> "$CONC_LOG"
          sleep ${{ vars.SLEEP }}
          echo "${{ vars.NAME }} end" >> "$CONC_LOG"
YML
cat > .github/workflows/serial.yml <<'YML'
on: push
jobs:
  leg:
    runs-on: ubuntu-latest
    concurrency: serial-${{ github.workflow }}
    strategy:
      matrix:
        n: [1, 2, 3]
    steps:
      - run: |
          echo "start" >> "$CONC_LOG"
          sleep 0.5
          echo "end" >> "$CONC_LOG"
YML
git add -A && git commit -qm concurrency
export CONC_LOG="$repo/conc.log"
until_grep() {  # until_grep FILE PATTERN: wait up to 10 s for PATTERN in FILE
  for _ in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}
deploy() {  # deploy NAME SLEEP [CANCEL]: a run of deploy.yml in group deploy-x, in the background
  "$galley" run deploy --var GROUP=x --var NAME="$1" --var SLEEP="$2" --var CANCEL="${3:-false}" \
    > "$1.log" 2>&1 &
}

: > conc.log
deploy A 2; a=$!
until_grep conc.log "A start"
deploy B 0; b=$!
wait $a; ca=$?
wait $b; cb=$?
[ $ca = 0 ] && [ $cb = 0 ] && [ "$(tr '\n' ' ' < conc.log)" = "A start A end B start B end " ] &&
  grep -q "waits for concurrency group 'deploy-x', held by run [0-9]*" B.log
check "a run in a concurrency group waits for the run that holds it" $?

: > conc.log
deploy A 3; a=$!
until_grep conc.log "A start"
deploy B 0; b=$!
until_grep B.log "waits for concurrency group"
deploy C 0; c=$!
wait $a; ca=$?
wait $b; cb=$?
wait $c; cc=$?
[ $ca = 0 ] && [ $cb = 1 ] && [ $cc = 0 ] && [ "$(tr '\n' ' ' < conc.log)" = "A start A end C start C end " ] &&
  grep -q "Canceling since a higher priority waiting request for 'deploy-x' exists" B.log
check "a newer pending run replaces the pending one, which ends cancelled" $?

: > conc.log
deploy A 60; a=$!
until_grep conc.log "A start"
deploy B 0 true; b=$!
wait $a; ca=$?
wait $b; cb=$?
[ $ca = 1 ] && [ $cb = 0 ] && [ "$(tr '\n' ' ' < conc.log)" = "A start B start B end " ] &&
  grep -q "Canceling since a higher priority waiting request for 'deploy-x' exists" A.log
check "cancel-in-progress cancels the run that holds the group" $?

: > conc.log
deploy A 4; a=$!
until_grep conc.log "A start"
kill -9 $a
wait $a 2>/dev/null
start=$(date +%s)
deploy B 0; b=$!
wait $b; cb=$?
[ $cb = 0 ] && [ $(($(date +%s) - start)) -lt 3 ] && ! grep -q "waits for" B.log
check "a group held by a killed galley is free for the next run" $?
sleep 4  # A's step, orphaned by the kill -9, ends

: > conc.log
"$galley" run serial -j 3 > serial.log 2>&1
# As on GitHub: leg 1 holds the group, leg 2 waits, leg 3 replaces it.
[ $? = 1 ] && [ "$(tr '\n' ' ' < conc.log)" = "start end start end " ] &&
  grep -q "success     leg (1)" serial.log && grep -q "success     leg (3)" serial.log &&
  grep -q "cancelled   leg (2)  .*Canceling since a higher priority waiting request for 'serial-.github/workflows/serial.yml' exists" serial.log
check "matrix legs in one concurrency group: one runs, one waits, a newer one replaces it" $?

# A job-level concurrency group on a job that calls a reusable workflow.
cat > .github/workflows/ship-call.yml <<'YML'
on: push
jobs:
  deploy:
    concurrency:
      group: call-${{ vars.GROUP }}
      cancel-in-progress: ${{ vars.CANCEL == 'true' }}
    uses: ./.github/workflows/deploy-steps.yml
    with:
      name: ${{ vars.NAME }}
      sleep: ${{ vars.SLEEP }}
YML
cat > .github/workflows/deploy-steps.yml <<'YML'
on:
  workflow_call:
    inputs:
      name: {type: string, required: true}
      sleep: {type: string, required: true}
jobs:
  work:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo "${{ inputs.name }} start" >> "$CONC_LOG"
          sleep ${{ inputs.sleep }}
          echo "${{ inputs.name }} end" >> "$CONC_LOG"
YML
git add -A && git commit -qm ship-call
ship_call() {  # ship_call NAME SLEEP [CANCEL]: a run of ship-call.yml in group call-x, in the background
  "$galley" run ship-call --var GROUP=x --var NAME="$1" --var SLEEP="$2" --var CANCEL="${3:-false}" \
    > "$1.log" 2>&1 &
}

: > conc.log
ship_call A 2; a=$!
until_grep conc.log "A start"
ship_call B 0; b=$!
wait $a; ca=$?
wait $b; cb=$?
[ $ca = 0 ] && [ $cb = 0 ] && [ "$(tr '\n' ' ' < conc.log)" = "A start A end B start B end " ] &&
  grep -q "job deploy waits for concurrency group 'call-x', held by run [0-9]*, job deploy" B.log
check "a job calling a reusable workflow waits for its concurrency group" $?

: > conc.log
ship_call A 60; a=$!
until_grep conc.log "A start"
ship_call B 0 true; b=$!
wait $a; ca=$?
wait $b; cb=$?
[ $ca = 1 ] && [ $cb = 0 ] && [ "$(tr '\n' ' ' < conc.log)" = "A start B start B end " ] &&
  grep -q "cancelled   deploy/work" A.log &&
  grep -q "Canceling since a higher priority waiting request for 'call-x' exists" A.log
check "cancel-in-progress cancels the called workflow of the job that holds the group" $?

# Approvers of a GitHub workflow's environments, from .galley.yml.
cat > .github/workflows/ship.yml <<'YML'
on: push
jobs:
  ship:
    runs-on: ubuntu-latest
    environment: prod
    steps:
      - run: echo shipped
  try:
    runs-on: ubuntu-latest
    environment: dev
    steps:
      - run: echo tried
YML
printf 'environments:\n  prod:\n    approvers: [ann, bob]\n    description: Production.\n  dev:\n' > .galley.yml
git add -A && git commit -qm ship
"$galley" run ship > ship.log 2>&1 &
ship=$!
until_grep ship.log "waiting for approval of environment 'prod' (approvers: ann, bob)"
GALLEY_ACTOR=ann "$galley" approve latest ship --comment "go" > approve.log 2>&1
wait $ship; code=$?
[ $code = 0 ] && grep -q "shipped" ship.log && ! grep -q "environment 'dev'" ship.log &&
  "$galley" runs show latest | grep -q "ship: environment 'prod' approved by ann"
check "a workflow's environment waits for the approvers .galley.yml names" $?
"$galley" runs --output json -n 2 | python3 -c '
import json, sys
runs = json.load(sys.stdin)
assert len(runs) == 2 and int(runs[0]["id"]) > int(runs[1]["id"]), runs
assert runs[0]["file"] == ".github/workflows/ship.yml" and runs[0]["result"] == "success"
assert sorted(j["key"] for j in runs[0]["jobs"]) == ["ship", "try"] and "steps" not in runs[0]["jobs"][0]'
check "runs --output json lists the newest runs first, without their steps" $?
"$galley" runs show latest --output json | python3 -c '
import json, sys
run = json.load(sys.stdin)
assert [(a["environment"], a["by"], a["comment"]) for a in run["approvals"]] == [("prod", "ann", "go")], run
assert [s["name"] for j in run["jobs"] if j["key"] == "ship" for s in j["steps"]] == ["Run echo shipped"]'
check "runs show --output json is the stored record with steps and approvals" $?
printf 'environments:\n  prod:\n    aprovers: [ann]\n' > .galley.yml
"$galley" run ship --approve auto > ship-bad.log 2>&1
[ $? = 2 ] && grep -q "^.galley.yml:3:5: error: unknown key 'aprovers' in environment 'prod': only 'approvers' and 'description' \[config\]" ship-bad.log
check "a malformed environments section in .galley.yml stops the run at its position" $?
rm .galley.yml

# A galley.yml pipeline's run context (run.commit, ...): the github context
# galley run fills from git and the run, as the compiled workflow reads it.
mkdir -p recipes
printf 'name: facts\npipelines:\n  facts:\n    on:\n      push:\n        branches: [main]\n    recipes:\n      stamp: {}\n' > galley.yml
cat > recipes/stamp.yml <<'YML'
recipe: stamp
description: Print the run's facts.
steps:
  - run: echo "facts ${{ run.commit }} ${{ run.branch }} ${{ run.ref }} ${{ run.id }} ${{ run.event }} ${{ run.attempt }} ${{ run.actor }}"
YML
git add -A && git commit -qm facts
GALLEY_ACTOR=ann "$galley" run facts > facts.log 2>&1
branch=$(git symbolic-ref --short HEAD)
grep -q "facts $(git rev-parse HEAD) $branch refs/heads/$branch [0-9][0-9]* push 1 ann\$" facts.log
check "galley run fills a galley.yml pipeline's run context from git and the run" $?
git rm -rq galley.yml recipes && git commit -qm "no facts"

printf 'trigger: [main]\npool: {vmImage: ubuntu-latest}\nsteps:\n  - script: echo hi\n' > azure-pipelines.yml
"$galley" run azure-pipelines.yml > az.log 2>&1 && grep -q "^\[Job/CmdLine: echo hi\] hi$" az.log
check "an Azure Pipelines file runs as the Azure agent runs it (tests/run/azure.sh has the rest)" $?
# Programs a step needs that this host lacks: a PATH holding everything but
# az and pwsh (links to the rest), whatever this host has installed.
mkdir -p "$repo/noaz" "$repo/fakeaz" "$repo/fakepwsh"
IFS=: read -ra dirs <<<"$PATH"
for d in "${dirs[@]}"; do
  for f in "$d"/*; do
    n="${f##*/}"
    case "$n" in az | pwsh) continue ;; esac
    [ -x "$f" ] && [ ! -e "$repo/noaz/$n" ] && ln -s "$f" "$repo/noaz/$n"
  done
done
printf '#!/bin/sh\necho "{\\"id\\": \\"1\\", \\"name\\": \\"Sub\\"}"\n' > "$repo/fakeaz/az"
printf '#!/bin/sh\necho "pwsh-called: $*"\n' > "$repo/fakepwsh/pwsh"
chmod +x "$repo/fakeaz/az" "$repo/fakepwsh/pwsh"
cli() {  # cli SCRIPT-TYPE: an AzureCLI@2 pipeline
  printf 'steps:\n  - checkout: none\n  - task: AzureCLI@2\n    inputs:\n      azureSubscription: conn\n      scriptType: %s\n      scriptLocation: inlineScript\n      inlineScript: az group list\n' "$1" > azure-pipelines.yml
}
cli bash
PATH="$repo/noaz" "$galley" run azure-pipelines.yml > az.log 2>&1
[ $? = 1 ] && grep -q "  azure-pipelines.yml:3:5: error: AzureCLI@2 runs the Azure CLI (az), which is not installed on this host$" az.log
check "AzureCLI@2 without az installed fails the step at its place" $?
cli pscore
PATH="$repo/fakeaz:$repo/noaz" "$galley" run azure-pipelines.yml > az.log 2>&1
[ $? = 1 ] && grep -q "  azure-pipelines.yml:3:5: error: AzureCLI@2 with scriptType 'pscore' runs PowerShell (pwsh), which is not installed on this host$" az.log
check "AzureCLI@2 with scriptType pscore without pwsh names the missing shell at the step" $?
printf 'steps:\n  - checkout: none\n  - pwsh: Write-Output hi\n' > azure-pipelines.yml
PATH="$repo/noaz" "$galley" run azure-pipelines.yml > az.log 2>&1
[ $? = 1 ] && grep -q "^azure-pipelines.yml:3:11: error: pwsh steps run PowerShell (pwsh), which is not installed on this host \[unsupported\]$" az.log && ! grep -q "started" az.log
check "a pwsh step without pwsh is an error at the step before the run" $?
PATH="$repo/fakepwsh:$repo/noaz" "$galley" run azure-pipelines.yml > az.log 2>&1 &&
  grep -q "pwsh-called: -NoLogo -NoProfile -NonInteractive -Command \. '.*\.ps1'$" az.log
check "a pwsh step runs pwsh with the agent's command line" $?
rm azure-pipelines.yml

"$galley" run nope > nope.log 2>&1
[ $? = 2 ] && grep -q "no workflow 'nope'" nope.log; check "an unknown target is a usage error" $?

"$galley" run flaky --parameters x=1 > params.log 2>&1
[ $? = 2 ] && grep -qx "galley: error: --parameters and --parameters-file apply to Azure Pipelines files only" params.log && ! grep -q "started" params.log
check "--parameters for a GitHub workflow is a usage error" $?

cat > .github/workflows/typed.yml <<'YML'
on:
  workflow_dispatch:
    inputs:
      n: {type: number}
jobs:
  show:
    runs-on: ubuntu-latest
    steps:
      - run: echo "n=${{ inputs.n }}"
YML
git add -A && git commit -qm typed
"$galley" run typed --event workflow_dispatch --input n=abc > typed.log 2>&1
[ $? = 2 ] && grep -qx "galley: error: input 'n' is a number, not 'abc'" typed.log
check "a --input that is not a number for a number input is a usage error" $?
"$galley" run typed --job nojob > typed.log 2>&1
[ $? = 2 ] && grep -qx "galley: error: --job 'nojob' names no job of this workflow" typed.log
check "a --job naming no job is a usage error" $?

# A checkout needs a commit to copy: a repository without one, and a ref
# that names none, are errors at the step, not git's own words.
empty="$(mktemp -d)"
mkdir -p "$empty/.github/workflows"
cat > "$empty/.github/workflows/co.yml" <<'YML'
on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
YML
git -C "$empty" init -q
(cd "$empty" && "$galley" run co) > co.log 2>&1
[ $? = 1 ] && grep -q "^  .github/workflows/co.yml:6:15: error: $empty has no commit yet: actions/checkout copies the committed tree at HEAD (commit first, or run with --workdir . to use the folder as it is)$" co.log
check "a checkout in a repository without a commit is an error at the step" $?
printf '        with: {ref: nosuchref}\n' >> "$empty/.github/workflows/co.yml"
git -C "$empty" add -A && git -C "$empty" -c user.email=t@t -c user.name=t commit -qm co
(cd "$empty" && "$galley" run co) > co.log 2>&1
[ $? = 1 ] && grep -q "error: 'nosuchref' names no commit of $empty$" co.log
check "a checkout of a ref that names no commit is an error at the step" $?
rm -rf "$empty"

echo "$pass passed, $fail failed"
[ $fail = 0 ]
