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
"$galley" run flaky > run1.log 2>&1
[ $? = 1 ]; check "a failing job fails the run with exit 1" $?
touch pass
"$galley" rerun latest --failed > run2.log 2>&1
code=$?
[ $code = 0 ] && grep -q "reused from the earlier run" run2.log && grep -q "got built-.* model" run2.log &&
  [ "$(wc -l < build-count)" = 1 ]
check "rerun --failed reuses the successful job's outputs and artifacts" $?
grep -q "^Run 2" run2.log; check "the rerun is a new run" $?

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

printf 'trigger: [main]\npool: {vmImage: ubuntu-latest}\nsteps:\n  - script: echo hi\n' > azure-pipelines.yml
"$galley" run azure-pipelines.yml > az.log 2>&1
[ $? = 1 ] && grep -q "azure-pipelines.yml:1:1: error: this is an Azure Pipelines file" az.log
check "an Azure Pipelines file is refused with a positioned error" $?
"$galley" run nope > nope.log 2>&1
[ $? = 2 ] && grep -q "no workflow 'nope'" nope.log; check "an unknown target is a usage error" $?

echo "$pass passed, $fail failed"
[ $fail = 0 ]
