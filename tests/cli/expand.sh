#!/usr/bin/env bash
# Behaviour of `galley expand`: exit codes, the expanded YAML, positioned
# errors with the include chain, --explain, --parameters, --var, --repo.
# Usage: tests/cli/expand.sh path/to/galley
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
galley=$(realpath "${1:-build/galley}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/lib/expect.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/expect.sh"

mkdir -p "$tmp/p/templates" "$tmp/shared/steps"
cat >"$tmp/p/azure-pipelines.yml" <<'YML'
parameters:
- name: env
  type: string
  default: dev
  values: [dev, prod]
resources:
  repositories:
  - repository: shared
    type: git
    name: org/shared
variables:
- group: secrets
- name: region
  value: westus
stages:
- template: templates/stage.yml
  parameters:
    name: deploy_${{ parameters.env }}
YML
cat >"$tmp/p/templates/stage.yml" <<'YML'
parameters:
- name: name
  type: string
stages:
- stage: ${{ parameters.name }}
  jobs:
  - job: run
    steps:
    - script: echo ${{ variables.region }} ${{ variables.extra }}
    - template: steps/common.yml@shared
YML
cat >"$tmp/shared/steps/common.yml" <<'YML'
steps:
- script: echo shared
YML

expect "expand prints the expanded pipeline" 0 "$galley" expand "$tmp/p/azure-pipelines.yml" --repo "shared=$tmp/shared" --var extra=queued
contains "expand prints the expanded pipeline" "  - stage: deploy_dev"
contains "expand sees variables and --var" "script: echo westus queued"
contains "expand includes templates from a mapped repository" "script: echo shared"
contains "a variable group is kept and reported" "azure-pipelines.yml:12:10: note: variable group 'secrets' lives on the server"

expect "--parameters sets a runtime parameter" 0 "$galley" expand "$tmp/p/azure-pipelines.yml" --parameters env=prod --repo "shared=$tmp/shared"
contains "--parameters sets a runtime parameter" "  - stage: deploy_prod"

expect "a value outside values: exits 1" 1 "$galley" expand "$tmp/p/azure-pipelines.yml" --parameters env=qa --repo "shared=$tmp/shared"
contains "a value outside values: exits 1" "error: The 'env' parameter value 'qa' is not a valid value; allowed: 'dev' or 'prod' [azure-parameter-value]"

expect "an unmapped repository is an error naming it" 1 "$galley" expand "$tmp/p/azure-pipelines.yml"
contains "an unmapped repository is an error naming it" "templates/stage.yml:10:17: error: repository 'shared' is not mapped to a local folder; give --repo shared=PATH [azure-repository]"
contains "the error's include chain is a note" "azure-pipelines.yml:16:13: note: in template 'templates/stage.yml', included here"

expect "--explain names each node's origin" 0 "$galley" expand --explain "$tmp/p/azure-pipelines.yml" --repo "shared=$tmp/shared"
contains "--explain names each node's origin" "- script: echo shared  # "
contains "--explain names template files" "templates/stage.yml:"

expect "--explain=json prints positions" 0 "$galley" expand --explain=json "$tmp/p/azure-pipelines.yml" --repo "shared=$tmp/shared"
contains "--explain=json prints positions" '"line": 5,'

expect "a malformed --repo is a usage error" 2 "$galley" expand "$tmp/p/azure-pipelines.yml" --repo shared
contains "a malformed --repo is a usage error" "galley: error: --repo 'shared' must be KEY=VALUE"

expect "a missing file is a usage error" 2 "$galley" expand "$tmp/nope.yml"
contains "a missing file is a usage error" "nope.yml: no such file"

printf 'steps:\n- template: loop.yml\n' >"$tmp/p/loop.yml"
expect "a template including itself stops at Azure's nesting limit" 1 "$galley" expand "$tmp/p/loop.yml"
contains "a template including itself stops at Azure's nesting limit" "error: templates nest more than 20 levels deep (Azure's limit) [azure-limit]"

expect "galley's compiled Azure pipeline expands" 0 "$galley" expand examples/credit-risk/.azure-pipelines/ci.yml
contains "galley's compiled Azure pipeline expands" "- stage: quality"

# --- lint reads templates from mapped repositories too ---
mkdir -p "$tmp/lint/p" "$tmp/lint/shared/steps"
cat >"$tmp/lint/p/azure-pipelines.yml" <<'YML'
resources:
  repositories:
  - repository: shared
    type: git
    name: org/shared
    ref: refs/tags/v1
steps:
- template: steps/typed.yml@shared
  parameters:
    count: many
- template: steps/broken.yml@shared
YML
cat >"$tmp/lint/shared/steps/typed.yml" <<'YML'
parameters:
- name: count
  type: number
steps:
- script: echo ${{ parameters.count }}
YML
printf 'steps:\n- template: missing.yml\n' >"$tmp/lint/shared/steps/broken.yml"
cd "$tmp/lint" || exit 2
expect "lint --repo checks what templates from the repository declare" 1 \
  "$galley" lint --shellcheck off --repo shared=shared p/azure-pipelines.yml
contains "a parameter of the wrong type for a mapped repository's template" \
  "p/azure-pipelines.yml:10:12: error: The 'count' parameter value 'many' is not a valid number [template-parameter]"
contains "a finding inside a mapped repository's template, at the include" \
  "p/azure-pipelines.yml:11:13: error: in shared/steps/broken.yml:2:13: template 'missing.yml' cannot be read: shared/steps/missing.yml: no such file [template-file]"
expect "lint without --repo notes the repository once and passes" 0 \
  "$galley" lint --shellcheck off --notes p/azure-pipelines.yml
is "lint without --repo notes the repository once and passes" \
"p/azure-pipelines.yml:8:13: note: templates from repository 'shared' are not checked [template-repository]
- template: steps/typed.yml@shared
            ^~~~~~~~~~~~~~~~~~~~~~
  hint: give its local folder with --repo shared=PATH
0 errors, 0 warnings, 1 note in 1 file"
expect "lint: a malformed --repo is a usage error" 2 "$galley" lint --repo shared p/azure-pipelines.yml
contains "lint: a malformed --repo is a usage error" "galley: error: --repo 'shared' must be KEY=VALUE"
cd "$OLDPWD" || exit 2

summary expand-cli
