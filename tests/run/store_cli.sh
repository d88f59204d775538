#!/usr/bin/env bash
# The commands that read and answer stored runs: galley runs, runs show,
# runs prune, logs, approve; against stores that galley_store_fixture builds
# through the same RunStore the engine reports to.
# Usage: tests/run/store_cli.sh path/to/galley path/to/galley_store_fixture
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
galley=$(realpath "${1:-build/galley}")
fixture=$(realpath "${2:-build/galley_store_fixture}")
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -CONT "$p" 2>/dev/null; kill "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
export GALLEY_RUNS_DIR=$tmp/runs TZ=UTC NO_COLOR=1
unset GALLEY_ACTOR
# shellcheck source=tests/lib/expect.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/expect.sh"
# until_true COMMAND...: retries for up to 5 s.
until_true() {
  for _ in $(seq 50); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}

expect "no runs yet is said, not an error" 0 "$galley" runs
is "no runs yet is said, not an error" "galley: no runs in $tmp/runs"
expect "latest with no runs is an error" 2 "$galley" logs latest
is "latest with no runs is an error" "galley: error: no runs yet in $tmp/runs"

"$fixture" "$tmp/runs" finished || exit 2
"$fixture" "$tmp/runs" interrupted || exit 2

expect "runs lists newest first with status, workflow, event, start and duration" 0 "$galley" runs
is "runs lists newest first with status, workflow, event, start and duration" \
"ID  STATUS       WORKFLOW  EVENT         STARTED              DURATION
3   interrupted  Nightly   schedule      2027-01-15 10:00:00
2   failure      CI        pull_request  2027-01-15 09:00:00  5.0s
1   success      CI        push          2027-01-15 08:00:00  3.0s"

expect "runs --limit shows the newest" 0 "$galley" runs --limit 1
is "runs --limit shows the newest" \
"ID  STATUS       WORKFLOW  EVENT     STARTED              DURATION
3   interrupted  Nightly   schedule  2027-01-15 10:00:00"

expect "runs show prints the job and step tree" 0 "$galley" runs show 2
is "runs show prints the job and step tree" \
"Run 2 (CI, pull_request): failure in 5.0s
  file: .github/workflows/ci.yml
  started: 2027-01-15 09:00:00

build (3.11): success in 2.5s
  1 Lint: failure (exit code 1; continue-on-error) in 2.0s

test: failure in 3.7s
  1 Run pytest: failure (exit code 1) in 3.5s
  2 __upload_1: skipped: a previous step failed

deploy: skipped: needs a job that failed: test

Annotations:
  src/x.py:3:80: warning: line too long
  tests/test_x.py:12:5: error: assert 1 == 2"

expect "runs show lists job outputs" 0 "$galley" runs show 1
contains "runs show lists job outputs" "  output wheel: dist/x.whl"

expect "a run whose galley died shows as interrupted" 0 "$galley" runs show last
contains "a run whose galley died shows as interrupted" "Run 3 (Nightly, schedule): interrupted"
contains "a run whose galley died shows as interrupted" ") stopped before the run finished"
contains "a run whose galley died shows as interrupted" "  1 Fit the model: interrupted"

expect "an unknown run is a usage error" 2 "$galley" runs show 9
is "an unknown run is a usage error" "galley: error: unknown run '9'"
expect "a run name is not a path" 2 "$galley" runs show ../runs/1
is "a run name is not a path" "galley: error: unknown run '../runs/1'"

expect "logs prints every step's lines under its job and step, escapes made visible" 0 "$galley" logs 2
is "logs prints every step's lines under its job and step, escapes made visible" \
"[build (3.11)/Lint] E501 line ^[[31mtoo^[[0m long
[test/Run pytest] collected 3 items
[test/Run pytest] FAILED test_x.py::test_one"
expect "logs of one step are its bare lines" 0 "$galley" logs 2 --job test --step pytest --timestamps
is "logs of one step are its bare lines" \
"2027-01-15T09:00:01.000Z collected 3 items
2027-01-15T09:00:03.000Z FAILED test_x.py::test_one"
expect "a step is also named by its number" 0 "$galley" logs 2 --job test --step 1
is "a step is also named by its number" "collected 3 items
FAILED test_x.py::test_one"
expect "--job takes a job's id for all its matrix legs" 0 "$galley" logs 2 --job build
is "--job takes a job's id for all its matrix legs" "[build (3.11)/Lint] E501 line ^[[31mtoo^[[0m long"
expect "an unknown job is a usage error that lists the jobs" 2 "$galley" logs 2 --job nope
is "an unknown job is a usage error that lists the jobs" "galley: error: run 2 has no job 'nope' (jobs: build, test, deploy)"
expect "an unknown step is a usage error" 2 "$galley" logs 2 --job test --step 7
is "an unknown step is a usage error" "galley: error: no step '7' in job 'test' (steps are named by id, name or number)"
expect "a control character in a name is not echoed raw" 2 "$galley" logs 2 --job $'\033[2J'
is "a control character in a name is not echoed raw" "galley: error: run 2 has no job '\x1b[2J' (jobs: build, test, deploy)"

expect "approve on a finished run has nothing pending" 1 "$galley" approve 2
is "approve on a finished run has nothing pending" "galley: error: nothing pending in run 2: it is finished"
expect "approve on an interrupted run has nothing pending" 1 "$galley" approve 3 train
is "approve on an interrupted run has nothing pending" "galley: error: nothing pending in run 3: it is interrupted"
expect "approve of an unknown run is a usage error" 2 "$galley" approve 42
is "approve of an unknown run is a usage error" "galley: error: unknown run '42'"

# A run that waits (galley run --approve wait), answered from here.
"$fixture" "$tmp/runs" wait >"$tmp/wait.out" 2>&1 &
waiter=$!
pids+=("$waiter")
until_true test -e "$tmp/runs/4/approvals/deploy.json" || echo "FAIL: the waiting run wrote no request"
expect "a waiting run says how to decide" 0 cat "$tmp/wait.out"
is "a waiting run says how to decide" "Job 'deploy' waits for approval of environment 'production'. Decide with:
  galley approve 4 deploy
  galley approve 4 deploy --reject --comment 'why'"
expect "a run with a pending approval lists as waiting" 0 "$galley" runs --limit 1
contains "a run with a pending approval lists as waiting" "4   waiting  Release"
expect "approving a job the run does not have is a usage error" 2 "$galley" approve 4 build
is "approving a job the run does not have is a usage error" "galley: error: run 4 has no job 'build'"
# Stopped, the run cannot take the decision yet: a second one must be refused.
kill -STOP "$waiter"
expect "approve decides the one pending job, as the actor, with a comment" 0 env GALLEY_ACTOR=zoe "$galley" approve latest --comment "ship it"
is "approve decides the one pending job, as the actor, with a comment" "Approved deploy (environment 'production') in run 4 as zoe."
expect "a second decision is refused" 1 env GALLEY_ACTOR=yan "$galley" approve 4 deploy --reject
contains "a second decision is refused" "galley: error: job 'deploy' of run 4 was already approved by zoe at "
kill -CONT "$waiter"
wait "$waiter"
expect "the run goes on with the decision" 0 cat "$tmp/wait.out"
contains "the run goes on with the decision" "decided: approved by zoe: ship it"
expect "the decision is kept with the run" 0 "$galley" runs show 4
contains "the decision is kept with the run" "  deploy: environment 'production' approved by zoe at "
contains "the decision is kept with the run" ": ship it"

# Following a run's log until it finishes.
"$fixture" "$tmp/runs" slow &
pids+=($!)
until_true test -e "$tmp/runs/5/run.json" || echo "FAIL: the slow run did not start"
expect "logs --follow prints lines as they come until the run finishes" 0 timeout 20 "$galley" logs 5 --follow
is "logs --follow prints lines as they come until the run finishes" "$(for i in $(seq 10); do echo "[job/Count] line $i"; done)"

expect "prune needs a rule" 2 "$galley" runs prune
is "prune needs a rule" "galley: error: runs prune needs --keep N or --older-than DAYS"
expect "prune keeps the newest finished runs" 0 "$galley" runs prune --keep 2
is "prune keeps the newest finished runs" "Removed 3 runs (1 to 3)."
expect "pruned runs are gone, the ids go on" 0 "$galley" runs
contains "pruned runs are gone, the ids go on" "5   success  Slow"
if grep -q "^[123] " <<<"$out"; then echo "FAIL: pruned runs still listed"; failed=$((failed + 1)); fi
expect "nothing left to prune is said" 0 "$galley" runs prune --keep 5
is "nothing left to prune is said" "No runs to remove."

summary store-cli
