#!/usr/bin/env bash
# Behaviour of the galley command line: exit codes, messages, files written.
# Usage: tests/cli/run.sh path/to/galley
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
galley=$(realpath "${1:-build/galley}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/lib/expect.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/expect.sh"

expect "version prints the version" 0 "$galley" --version
contains "version prints the version" "galley 0.1.0"

expect "no subcommand is a usage error" 2 "$galley"
contains "no subcommand is a usage error" "Subcommands:"

expect "an unknown option is a usage error" 2 "$galley" compile --frobnicate
contains "an unknown option is a usage error" "--frobnicate"
if [ "$(wc -l <<<"$out")" = 1 ]; then passed=$((passed + 1)); else echo "FAIL: an unknown option takes more than one line"; failed=$((failed + 1)); fi
contains "an unknown option points at --help" "galley: error: compile: the following argument was not expected: --frobnicate (see 'galley compile --help')"

expect "an unknown command is a usage error with the nearest command" 2 "$galley" compiel
contains "an unknown command is a usage error with the nearest command" "galley: error: unknown command 'compiel'; did you mean 'compile'? (see 'galley --help')"

expect "a count of jobs must be one or more" 2 "$galley" lint -j 0 "$tmp/nope.yml"
contains "a count of jobs must be one or more" "galley: error: lint: --jobs: '0' is not a whole number of at least 1 (see 'galley lint --help')"
expect "a negative count is not read as a huge one" 2 "$galley" runs prune --keep -1
contains "a negative count is not read as a huge one" "galley: error: runs: --keep: '-1' is not a whole number"

expect "eval --dialect azure reads --status" 0 "$galley" eval --dialect azure --status failure 'succeeded()'
contains "eval --dialect azure reads --status" "false"
expect "eval --dialect azure: failed() under --status failure" 0 "$galley" eval --dialect azure --status failure 'failed()'
contains "eval --dialect azure: failed() under --status failure" "true"

printf 'on: push\njobs:\n  a:\n\truns-on: x\n' >"$tmp/tab.yml"
expect "a tab in indentation is named as a tab" 1 "$galley" lint "$tmp/tab.yml"
contains "a tab in indentation is named as a tab" "tab.yml:4:1: error: a tab indents this line; YAML indents with spaces only [yaml-syntax]"

expect "a missing galley.yml is a usage error" 2 "$galley" compile "$tmp/nope.yml"
contains "a missing galley.yml is a usage error" "galley: error: $tmp/nope.yml: no such file [io]"

mkdir -p "$tmp/broken"
cat >"$tmp/broken/galley.yml" <<'YML'
name: broken
pipelines:
  ci:
    recipes:
      tests:
        recipe: unit-test
YML
expect "an unknown recipe exits 1 with a positioned error" 1 "$galley" compile "$tmp/broken/galley.yml"
contains "an unknown recipe exits 1 with a positioned error" "broken/galley.yml:6:17: error: unknown recipe 'unit-test' [unknown-recipe]"

# script(1) gives galley a terminal, where colour is on unless NO_COLOR is set.
if command -v script >/dev/null; then
  expect "a terminal gets colour" 0 script -qec "env -u NO_COLOR TERM=xterm '$galley' compile '$tmp/broken/galley.yml'; exit 0" /dev/null
  contains "a terminal gets colour" $'\033[1;31merror:'
  expect "NO_COLOR turns colour off on a terminal" 0 script -qec "NO_COLOR=1 TERM=xterm '$galley' compile '$tmp/broken/galley.yml'; exit 0" /dev/null
  if grep -q $'\033\\[' <<<"$out"; then echo "FAIL: NO_COLOR output has escapes"; failed=$((failed + 1)); else contains "NO_COLOR turns colour off on a terminal" "error: unknown recipe"; fi
else
  echo "skip: colour tests need script(1)"
fi
if grep -q $'\033\\[' <<<"$("$galley" compile "$tmp/broken/galley.yml" 2>&1)"; then
  echo "FAIL: colour written to a pipe"; failed=$((failed + 1))
else
  passed=$((passed + 1))
fi

expect "diagnostics render as JSON on request" 1 "$galley" compile --format json "$tmp/broken/galley.yml"
contains "diagnostics render as JSON on request" '"rule": "unknown-recipe"'

printf 'name: x\n\0\1\2binary' >"$tmp/binary.yml"
expect "a binary file is rejected, not parsed" 1 "$galley" compile "$tmp/binary.yml"
contains "a binary file is rejected, not parsed" "binary.yml:2:1: error: file holds NUL bytes"

python3 -c "print('a: ' + '[' * 50000)" >"$tmp/deep.yml"
expect "deep nesting stops at the limit" 1 "$galley" compile "$tmp/deep.yml"
contains "deep nesting stops at the limit" "nesting is deeper than 256 levels [yaml-limit]"

truncate -s 40M "$tmp/huge.yml"
expect "a huge file is refused before reading it" 2 "$galley" compile "$tmp/huge.yml"
contains "a huge file is refused before reading it" "galley reads at most 33554432 bytes"

: >"$tmp/empty.yml"
expect "an empty galley.yml is an error" 1 "$galley" compile "$tmp/empty.yml"
contains "an empty galley.yml is an error" "empty.yml:1:1: error: galley.yml is empty"

cp -r examples/credit-risk "$tmp/example"
expect "compile writes both targets' files" 0 "$galley" compile "$tmp/example/galley.yml" --out "$tmp/gen"
contains "compile writes both targets' files" "wrote $tmp/gen/.github/workflows/ci.yml"
contains "compile writes both targets' files" "wrote $tmp/gen/.azure-pipelines/train-and-deploy.yml"

expect "a second compile leaves unchanged files alone" 0 "$galley" compile "$tmp/example/galley.yml" --out "$tmp/gen"
contains "a second compile leaves unchanged files alone" "unchanged $tmp/gen/.github/workflows/ci.yml"

expect "a folder stands for the galley.yml in it; azure names ado" 0 "$galley" compile "$tmp/example" --target azure --out "$tmp/az"
if [ -e "$tmp/az/.azure-pipelines" ] && [ ! -e "$tmp/az/.github" ]; then passed=$((passed + 1)); else echo "FAIL: compile FOLDER --target azure wrote the wrong files"; failed=$((failed + 1)); fi

mkdir -p "$tmp/hosted"
cat >"$tmp/hosted/galley.yml" <<'YML'
name: hosted
pipelines:
  release:
    recipes:
      register:
        recipe: register-in-production
        with:
          model-name: m
          model-version: 1
YML
expect "backend local on hosted agents is an error at the use" 1 "$galley" compile "$tmp/hosted/galley.yml"
contains "backend local on hosted agents is an error at the use" "galley.yml:5:7: error: 'register' runs galley on its agent (backend: local keeps the model registry and endpoints there), but pipeline 'release' runs on GitHub-hosted runners and Microsoft-hosted agents, which start empty for every job: what one job registers is gone in the next [hosted-agents]"
contains "backend local on hosted agents: the hint" "hint: give the pipeline self-hosted agents (agents: {github: [self-hosted, linux], ado: {pool: NAME}}), or use backend: azureml"
cat >>"$tmp/hosted/galley.yml" <<'YML'
agents:
  github: [self-hosted, linux]
  ado: {pool: ml}
galley:
  source: https://example.com/galley.git
YML
expect "self-hosted agents compile, with galley set up first" 0 "$galley" compile "$tmp/hosted/galley.yml" --target github
contains "self-hosted agents compile, with galley set up first" "wrote $tmp/hosted/.github/workflows/release.yml"
if grep -A3 "steps:" "$tmp/hosted/.github/workflows/release.yml" | grep -q "name: Set up galley 0.1.0" && grep -q "GALLEY_REF: v0.1.0" "$tmp/hosted/.github/workflows/release.yml"; then passed=$((passed + 1)); else echo "FAIL: the job does not set up galley first"; failed=$((failed + 1)); fi

expect "--target github writes only GitHub workflows" 0 "$galley" compile "$tmp/example/galley.yml" --target github --out "$tmp/gh"
if [ -e "$tmp/gh/.azure-pipelines" ]; then echo "FAIL: --target github wrote Azure files"; failed=$((failed + 1)); else passed=$((passed + 1)); fi

sed 's/^targets: .*$/targets: [github]/' "$tmp/example/galley.yml" >"$tmp/example/github-only.yml"
expect "a --target the project leaves out is an error, not an empty success" 1 "$galley" compile "$tmp/example/github-only.yml" --target ado --out "$tmp/none"
contains "a --target the project leaves out is an error, not an empty success" "nothing to compile: --target ado"

expect "--check passes on fresh files" 0 "$galley" compile "$tmp/example/galley.yml" --check
contains "--check passes on fresh files" "generated files are up to date"

sed -i 's/name: CI/name: Stale/' "$tmp/example/.github/workflows/ci.yml"
expect "--check fails with a diff on stale files" 1 "$galley" compile "$tmp/example/galley.yml" --check
contains "--check fails with a diff on stale files" "-name: Stale"
contains "--check fails with a diff on stale files" "+name: CI"
contains "--check fails with a diff on stale files" "1 generated file is stale"

# Generated files are owned: compile never overwrites a file without
# galley's header, and removes (or --check reports) the files of a pipeline
# that was renamed or removed.
mkdir -p "$tmp/own"
printf 'name: own\npipelines:\n  ci:\n    recipes:\n      quality:\n        recipe: code-quality\n' >"$tmp/own/galley.yml"
expect "a first compile writes the pipeline" 0 "$galley" compile "$tmp/own/galley.yml"
contains "a first compile writes the pipeline" "wrote $tmp/own/.github/workflows/ci.yml"
sed -i 's/^  ci:/  build:/' "$tmp/own/galley.yml"
expect "--check reports a renamed pipeline's old files as stale" 1 "$galley" compile "$tmp/own/galley.yml" --check
contains "--check reports a renamed pipeline's old files as stale" "galley: $tmp/own/.github/workflows/ci.yml is stale: galley generated it, but no pipeline generates it any more; \`galley compile\` removes it"
contains "--check counts the orphans" "4 generated files are stale"
expect "compile removes a renamed pipeline's old files" 0 "$galley" compile "$tmp/own/galley.yml"
contains "compile removes a renamed pipeline's old files" "removed $tmp/own/.azure-pipelines/ci.yml (no pipeline generates it any more)"
check "the old workflow is gone" [ ! -e "$tmp/own/.github/workflows/ci.yml" ]
expect "--check after the rename is up to date" 0 "$galley" compile "$tmp/own/galley.yml" --check
contains "--check after the rename is up to date" "2 generated files are up to date"
printf 'name: mine\n' >"$tmp/own/.github/workflows/build.yml"
expect "compile refuses to overwrite a file galley did not generate" 1 "$galley" compile "$tmp/own/galley.yml"
contains "compile refuses to overwrite a file galley did not generate" "galley: error: $tmp/own/.github/workflows/build.yml exists and was not generated by galley (it lacks galley's header); move it away, or run \`galley compile --force\` to replace it"
check "the user's file is kept" grep -qx "name: mine" "$tmp/own/.github/workflows/build.yml"
expect "--check names a file galley did not generate" 1 "$galley" compile "$tmp/own/galley.yml" --check
contains "--check names a file galley did not generate" "galley: $tmp/own/.github/workflows/build.yml was not generated by galley; \`galley compile --force\` replaces it"
expect "--force takes the file over" 0 "$galley" compile "$tmp/own/galley.yml" --force
contains "--force takes the file over" "wrote $tmp/own/.github/workflows/build.yml"
printf 'name: other\n' >"$tmp/own/.github/workflows/other.yml"
expect "a file galley did not generate is never removed" 0 "$galley" compile "$tmp/own/galley.yml"
check "the user's other workflow is kept" [ -e "$tmp/own/.github/workflows/other.yml" ]

# Compile checks what it emits: what lint would reject is an error at the
# user's text; the project's self-hosted labels go into actionlint.yaml,
# which galley lint reads, merged with what is there.
mkdir -p "$tmp/emit"
printf 'name: emit\nagents:\n  github: [self-hosted, gpu]\n  ado: {pool: ml}\npipelines:\n  nightly:\n    on:\n      schedule:\n        - cron: "0 3 * * 8"\n    recipes:\n      quality:\n        recipe: code-quality\n' >"$tmp/emit/galley.yml"
expect "a cron lint rejects fails compile at galley.yml's line" 1 "$galley" compile "$tmp/emit/galley.yml"
contains "a cron lint rejects fails compile at galley.yml's line" "emit/galley.yml:9:17: error: invalid cron '0 3 * * 8': day of week must be between 0 and 6 [cron]"
check "nothing is written when the output fails lint" [ ! -e "$tmp/emit/.github" ]
sed -i 's/\* \* 8/* * 1/' "$tmp/emit/galley.yml"
mkdir -p "$tmp/emit/.github"
printf '# ours\nconfig-variables: [DEPLOY_ENV]\n' >"$tmp/emit/.github/actionlint.yaml"
expect "compile lists the self-hosted labels in actionlint.yaml" 0 "$galley" compile "$tmp/emit/galley.yml"
contains "compile lists the self-hosted labels in actionlint.yaml" "wrote $tmp/emit/.github/actionlint.yaml"
check "actionlint.yaml keeps its own content" grep -q "config-variables: \[DEPLOY_ENV\]" "$tmp/emit/.github/actionlint.yaml"
check "actionlint.yaml lists gpu" grep -qx "    - gpu" "$tmp/emit/.github/actionlint.yaml"
expect "galley lint accepts the compiled workflow's custom label" 0 "$galley" lint --shellcheck off "$tmp/emit/.github/workflows/nightly.yml"
contains "galley lint accepts the compiled workflow's custom label" ""
expect "--check is up to date once the labels are listed" 0 "$galley" compile "$tmp/emit/galley.yml" --check
contains "--check is up to date once the labels are listed" "generated files are up to date"

expect "recipes lists the library" 0 "$galley" recipes
contains "recipes lists the library" "deploy-after-approval"

expect "recipes show prints parameters with types and defaults" 0 "$galley" recipes show train-model
if diff -u tests/cli/recipes-show-train-model.txt <(echo "$out") >/dev/null; then
  passed=$((passed + 1))
else
  echo "FAIL: recipes show train-model differs from tests/cli/recipes-show-train-model.txt:"
  diff -u tests/cli/recipes-show-train-model.txt <(echo "$out") | head -20
  failed=$((failed + 1))
fi

expect "recipes show of an unknown recipe is a usage error" 2 "$galley" recipes show trian-model
contains "recipes show of an unknown recipe is a usage error" "did you mean 'train-model'?"

expect "recipes show lists every secret a recipe reads" 0 "$galley" recipes show azure-login
contains "recipes show lists every secret a recipe reads" "secrets (list them under 'secrets' in galley.yml, unless the steps that read them are skipped):
  AZURE_CLIENT_ID
  AZURE_CLIENT_SECRET
  AZURE_SUBSCRIPTION_ID
  AZURE_TENANT_ID"
expect "recipes show lists the secrets of the recipes a recipe uses" 0 "$galley" recipes show deploy-after-approval
contains "recipes show lists the secrets of the recipes a recipe uses" "  AZURE_TENANT_ID (read by recipe 'azure-login')"

expect "recipes show gives a number's range and when a parameter is required" 0 "$galley" recipes show deploy-online-endpoint
contains "recipes show gives a number's range and when a parameter is required" "  workspace: string = \"\", required when params.backend == 'azureml'"
expect "recipes show gives a number's range" 0 "$galley" recipes show unit-tests
contains "recipes show gives a number's range" "  coverage-threshold: number (0 to 100) = 80"

expect "recipes show --source prints a built-in recipe's YAML" 0 "$galley" recipes show --source unit-tests
is "recipes show --source prints a built-in recipe's YAML" "$(cat recipes/unit-tests.yml)"

mkdir -p "$tmp/export"
printf 'name: e\npipelines:\n  ci:\n    recipes:\n      tests:\n        recipe: unit-tests\n' >"$tmp/export/galley.yml"
expect "recipes export copies a built-in recipe into the project" 0 bash -c "cd '$tmp/export' && '$galley' recipes export unit-tests"
contains "recipes export copies a built-in recipe into the project" "wrote recipes/unit-tests.yml, a copy of the built-in recipe 'unit-tests'"
contains "recipes export says the copy shadows the built-in" "a project's recipes shadow built-in recipes of the same name"
check "the exported recipe is the built-in one" cmp -s recipes/unit-tests.yml "$tmp/export/recipes/unit-tests.yml"
echo "# mine" >>"$tmp/export/recipes/unit-tests.yml"
expect "recipes export never overwrites a project recipe" 2 bash -c "cd '$tmp/export' && '$galley' recipes export unit-tests"
contains "recipes export never overwrites a project recipe" "galley: error: recipes/unit-tests.yml: already exists; galley never overwrites a project recipe"
check "recipes export leaves the project recipe as it was" grep -q "^# mine$" "$tmp/export/recipes/unit-tests.yml"
expect "recipes then marks the project's copy" 0 bash -c "cd '$tmp/export' && '$galley' recipes"
contains "recipes then marks the project's copy" "results. [recipes/unit-tests.yml, in place of the built-in recipe]"
expect "recipes show then names the project's copy" 0 bash -c "cd '$tmp/export' && '$galley' recipes show unit-tests"
contains "recipes show then names the project's copy" "unit-tests (recipes, in place of the built-in recipe)"
mkdir -p "$tmp/export-dir"
printf 'name: e\nrecipes-dir: ci/recipes\npipelines:\n  ci:\n    recipes:\n      tests:\n        recipe: unit-tests\n' >"$tmp/export-dir/galley.yml"
expect "recipes export writes into galley.yml's recipes-dir" 0 bash -c "cd '$tmp/export-dir' && '$galley' recipes export unit-tests"
contains "recipes export writes into galley.yml's recipes-dir" "wrote ci/recipes/unit-tests.yml"
expect "recipes export of an unknown recipe is a usage error" 2 bash -c "cd '$tmp/export' && '$galley' recipes export unit-test"
contains "recipes export of an unknown recipe is a usage error" "galley: error: no built-in recipe 'unit-test'; did you mean 'unit-tests'?"

# galley lint on a galley.yml: compile's checks, lint's formats.
mkdir -p "$tmp/lintproj"
printf 'name: l\npipelines:\n  ci:\n    recipes:\n      tests:\n        recipe: unit-tests\n        with:\n          coverage-threshold: 180\n' >"$tmp/lintproj/galley.yml"
expect "lint galley.yml runs compile's checks" 1 "$galley" lint "$tmp/lintproj/galley.yml"
contains "lint galley.yml runs compile's checks" "galley.yml:8:31: error: parameter 'coverage-threshold' must be at most 100, not 180 [parameter-range]"
contains "lint galley.yml ends with lint's summary" "1 error, 0 warnings"
expect "lint galley.yml speaks lint's formats" 1 "$galley" lint --format github "$tmp/lintproj/galley.yml"
contains "lint galley.yml speaks lint's formats" "::error file=$tmp/lintproj/galley.yml,line=8,col=31"
expect "lint --kind galley takes a project's folder for its galley.yml" 1 "$galley" lint --kind galley "$tmp/lintproj"
contains "lint --kind galley takes a project's folder for its galley.yml" "lintproj/galley.yml:8:31: error: parameter 'coverage-threshold' must be at most 100"
cp "$tmp/lintproj/galley.yml" "$tmp/lintproj/pipelines.yml"
expect "lint --kind galley checks any file as a galley.yml" 1 "$galley" lint --kind galley "$tmp/lintproj/pipelines.yml"
contains "lint --kind galley checks any file as a galley.yml" "pipelines.yml:8:31: error: parameter 'coverage-threshold' must be at most 100"

expect "galley's own action.yml lints clean" 0 "$galley" lint action.yml
contains "galley's own action.yml lints clean" ""

# With shellcheck on: the compiler's scripts must satisfy it too.
expect "every compiled workflow lints clean with galley lint" 0 "$galley" lint tests/golden/recipes/*/.github/workflows/*.yml examples/credit-risk/.github/workflows/*.yml
contains "every compiled workflow lints clean with galley lint" ""
# docs/pipeline.md's example is a real project: it compiles and lints clean.
mkdir -p "$tmp/docs-example"
awk '/^```yaml$/{on=1; next} /^```$/{if (on) exit} on' docs/pipeline.md >"$tmp/docs-example/galley.yml"
expect "docs/pipeline.md's example compiles" 0 "$galley" compile "$tmp/docs-example/galley.yml"
contains "docs/pipeline.md's example compiles" "ci.yml"
expect "docs/pipeline.md's example lints clean" 0 "$galley" lint "$tmp/docs-example/.github/workflows/ci.yml"
contains "docs/pipeline.md's example lints clean" ""

expect "a path that names nothing is a usage error, and nothing is linted" 2 "$galley" lint action.yml "$tmp/nope.yml"
contains "a path that names nothing is a usage error, and nothing is linted" "galley: error: $tmp/nope.yml: no such file or directory"

# The walk finds the compiled Azure pipelines too, and they lint clean of
# errors (the approval gate is ManualValidation@1, which takes approvers:).
expect "a folder given to lint is a repository root, its Azure pipelines included" 0 "$galley" lint --shellcheck off examples/credit-risk
contains "a folder given to lint is a repository root, its Azure pipelines included" "0 errors, 0 warnings"
mkdir -p "$tmp/repo/.github/workflows"
printf 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n        shel: bash\n' >"$tmp/repo/.github/workflows/bad.yml"
expect "a workflows folder given to lint is linted" 1 "$galley" lint "$tmp/repo/.github/workflows/"
contains "a workflows folder given to lint is linted" "bad.yml:7:9: error: unexpected key 'shel'"
# A repository's actionlint.yaml ignores are not applied, and lint says so
# where they are written, named from the working directory.
mkdir -p "$tmp/alrepo/.git" "$tmp/alrepo/.github/workflows"
printf 'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n' >"$tmp/alrepo/.github/workflows/ci.yml"
printf 'paths:\n  .github/workflows/*.yml:\n    ignore: [SC2086]\n' >"$tmp/alrepo/.github/actionlint.yaml"
expect "actionlint.yaml ignores get a note, not silence" 0 sh -c "cd '$tmp/alrepo' && '$galley' lint --shellcheck off --notes"
contains "actionlint.yaml ignores get a note, not silence" ".github/actionlint.yaml:2:3: note: the ignore patterns actionlint.yaml sets for '.github/workflows/*.yml' are not applied to"
expect "notes are counted per rule unless --notes" 0 sh -c "cd '$tmp/alrepo' && '$galley' lint --shellcheck off"
contains "notes are counted per rule unless --notes" "note: 1 actionlint-paths note (use --notes to show)
0 errors, 0 warnings, 1 note in 1 file"
# Azure Pipelines files are linted as Azure files (issue 19): by name, by
# content, or as --kind says; galley-ignore and the formats work the same.
mkdir -p "$tmp/az"
printf 'trigger:\n  - main\npool:\n  vmImage: ubuntu-latest\nsteps:\n  - script: echo hi\n    dispalyName: Hi\n' >"$tmp/az/azure-pipelines.yml"
expect "azure-pipelines.yml is linted as an Azure pipeline" 1 "$galley" lint --shellcheck off "$tmp/az/azure-pipelines.yml"
contains "azure-pipelines.yml is linted as an Azure pipeline" "azure-pipelines.yml:7:5: error: unexpected key 'dispalyName' in 'steps' [unknown-key]"
printf 'trigger: none\nsteps:\n  - bash: echo hi\n    conditon: always()  # galley-ignore: unknown-key\n' >"$tmp/az/build.yml"
expect "a file with Azure keys at the top is an Azure file, and galley-ignore works there" 0 "$galley" lint --shellcheck off "$tmp/az/build.yml"
contains "a file with Azure keys at the top is an Azure file, and galley-ignore works there" ""
printf 'trigger: none\nsteps:\n  - bash: echo hi\n    conditon: always()\n' >"$tmp/az/build2.yml"
expect "without galley-ignore the Azure file's finding is shown" 1 "$galley" lint --shellcheck off "$tmp/az/build2.yml"
contains "without galley-ignore the Azure file's finding is shown" "build2.yml:4:5: error: unexpected key 'conditon' in 'steps' [unknown-key]"
printf 'steps:\n  - bash: echo hi\n' >"$tmp/az/plain.yml"
expect "--kind azure forces the kind" 0 "$galley" lint --kind azure --shellcheck off --format json "$tmp/az/plain.yml"
contains "--kind azure forces the kind" "[]"
expect "--kind galley gets compile's checks, whatever the file holds" 1 "$galley" lint --kind galley "$tmp/az/plain.yml"
contains "--kind galley gets compile's checks, whatever the file holds" "plain.yml:1:1: error: galley.yml is missing 'pipelines' [missing-key]"
# The summary counts what is shown; --min-severity decides that and the exit status.
printf 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/upload-artifact@v3\n        with: {path: .}\n      - uses: actions/cache@v4\n        with: {key: k}\n' >"$tmp/summary.yml"
expect "a summary closes the text report" 1 "$galley" lint --shellcheck off "$tmp/summary.yml"
contains "a summary closes the text report" "note: 1 missing-permissions note (use --notes to show)
2 errors, 1 warning, 1 note in 1 file"
expect "--min-severity error leaves warnings out" 1 "$galley" lint --shellcheck off --min-severity error "$tmp/summary.yml"
contains "--min-severity error leaves warnings out" "2 errors, 0 warnings, 0 notes in 1 file"
expect "azure has no notes: a note is a plain line there" 1 "$galley" lint --shellcheck off --notes --format azure "$tmp/summary.yml"
contains "azure has no notes: a note is a plain line there" "note: $tmp/summary.yml:3:3: job 'a' sets no permissions"
# JSON and SARIF stay valid JSON when a file's name is not UTF-8 (the
# name is written with U+FFFD; it used to abort the run).
printf 'on: pus\n' >"$tmp/bad"$'\xff'".yml"
for format in json sarif; do
  expect "a name that is not UTF-8 in $format output" 1 "$galley" lint --format "$format" "$tmp/bad"$'\xff'".yml"
  if python3 -c 'import json, sys; json.loads(sys.argv[1])' "$out" 2>/dev/null; then
    contains "a name that is not UTF-8 in $format output" $'bad\xef\xbf\xbd.yml'
  else
    echo "FAIL: a name that is not UTF-8 in $format output: not JSON"
    failed=$((failed + 1))
  fi
done

# galley lint .galley.yml checks the settings, not a workflow.
mkdir -p "$tmp/settings"
printf 'lint:\n  rules:\n    unpined-uses: error\n' >"$tmp/settings/.galley.yml"
expect "lint checks a .galley.yml as lint's settings" 1 "$galley" lint "$tmp/settings/.galley.yml"
contains "lint checks a .galley.yml as lint's settings" "$tmp/settings/.galley.yml:3:5: error: unknown rule 'unpined-uses' [config]"
if grep -q "unknown-key\|missing-key" <<<"$out"; then echo "FAIL: .galley.yml linted as a workflow"; failed=$((failed + 1)); else passed=$((passed + 1)); fi
printf 'lint:\n  rules:\n    unpinned-uses: error\n' >"$tmp/settings/.galley.yml"
expect "a sound .galley.yml has no findings" 0 "$galley" lint "$tmp/settings/.galley.yml"
# A required-if that only the run can decide fails the run's job, with the
# message compile would give, when the input makes it hold.
mkdir -p "$tmp/runtime/recipes"
cat >"$tmp/runtime/recipes/deploy.yml" <<'YML'
recipe: deploy
description: Deploy.
parameters:
  backend:
    type: string
    description: Where.
  workspace:
    type: string
    default: ""
    required-if: ${{ params.backend == 'azureml' }}
    description: Workspace.
steps:
  - run: echo deploying
YML
cat >"$tmp/runtime/galley.yml" <<'YML'
name: runtime
pipelines:
  ci:
    on:
      manual:
        inputs:
          backend: {type: string, default: local}
    recipes:
      d:
        recipe: deploy
        with:
          backend: ${{ inputs.backend }}
YML
(cd "$tmp/runtime" && git init -q . && git add -A && git -c user.name=t -c user.email=t@t commit -qm init)
expect "a run-time required-if passes when its condition does not hold" 0 \
  env -C "$tmp/runtime" "$galley" run ci --event workflow_dispatch --input backend=local
expect "a run-time required-if fails the job when it holds and the value is empty" 1 \
  env -C "$tmp/runtime" "$galley" run ci --event workflow_dispatch --input backend=azureml
contains "a run-time required-if fails the job when it holds and the value is empty" \
  "galley: recipe 'deploy' needs parameter 'workspace' (string) when params.backend == 'azureml'"

summary cli
