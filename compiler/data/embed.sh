#!/usr/bin/env bash
# Regenerates the files that compile lint data into the binary, so an
# installed galley needs no data files at run time: data_tables.inc (the
# JSON files here as constant tables) and schema_tables.inc (GitHub's
# workflow and action schemas as constant tables).
#
#   compiler/data/embed.sh [--check] [SCHEMA_DIR]
#
# --check regenerates into a temporary folder and fails (exit 1) if the
# committed files differ: the test suite's guard against stale tables.
#
# SCHEMA_DIR defaults to ../shared/corpus/github/languageservices/schema: GitHub's
# workflow and action schemas from actions/languageservices (MIT, see
# compiler/data/LICENSE.languageservices), commit named in SOURCES.md.
# popular_actions.json is generated from actionlint's data set,
# ../shared/corpus/github/actionlint/data/popular_actions.go (MIT, see
# compiler/data/LICENSE.actionlint), and actions.json (popular_actions.py).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
check=0
if [ "${1:-}" = "--check" ]; then
  check=1
  shift
fi
schema_dir="${1:-$here/../../../shared/corpus/github/languageservices/schema}"
actionlint_data="$here/../../../shared/corpus/github/actionlint/data/popular_actions.go"
dest="$here"
if [ $check = 1 ]; then
  if [ ! -d "$schema_dir" ]; then
    echo "embed.sh --check: $schema_dir is missing; skipped"
    exit 0
  fi
  dest="$(mktemp -d)"
  trap 'rm -rf "$dest"' EXIT
fi

# actionlint's popular actions and ours become one table (popular_actions.py
# says how); without actionlint's data the committed table is used as it is.
popular="$here/popular_actions.json"
if [ -f "$actionlint_data" ]; then
  popular="$dest/popular_actions.json"
  python3 "$here/popular_actions.py" "$actionlint_data" "$here/actions.json" >"$popular.tmp"
  mv "$popular.tmp" "$popular"
elif [ $check = 1 ]; then
  echo "embed.sh --check: $actionlint_data is missing; popular_actions.json not regenerated"
fi

# The Azure Pipelines schema, reduced to its structure (azure_schema.py says
# how); without the schema the committed reduction is used as it is.
azure_schema="$here/azure_schema.json"
azure_source="$here/../../../shared/corpus/ado/schema/service-schema.json"
if [ -f "$azure_source" ]; then
  azure_schema="$dest/azure_schema.json"
  python3 "$here/azure_schema.py" "$azure_source" >"$azure_schema.tmp"
  mv "$azure_schema.tmp" "$azure_schema"
fi

# The JSON data files become constant tables (data_tables.py says how).
# azure_tasks.json comes from scripts/azure_tasks.py (a clone of the tasks
# repository), so it is embedded as committed.
out="$dest/data_tables.inc"
python3 "$here/data_tables.py" actions.json="$here/actions.json" lint.json="$here/lint.json" \
  popular_actions.json="$popular" timezones.json="$here/timezones.json" \
  azure_schema.json="$azure_schema" azure_tasks.json="$here/azure_tasks.json" >"$out.tmp"
mv "$out.tmp" "$out"

# GitHub's schemas become constant tables (schema_tables.py says how).
tables="$dest/schema_tables.inc"
python3 "$here/schema_tables.py" "$schema_dir/workflow-v1.0.json" \
  "$schema_dir/action-v1.0.json" "$here/schema_fixes.json" >"$tables.tmp"
mv "$tables.tmp" "$tables"
if [ $check = 1 ]; then
  for f in popular_actions.json azure_schema.json data_tables.inc schema_tables.inc; do
    [ -f "$dest/$f" ] || continue
    if ! cmp -s "$dest/$f" "$here/$f"; then
      echo "embed.sh --check: compiler/data/$f is stale; run compiler/data/embed.sh" >&2
      exit 1
    fi
  done
  echo "embed.sh --check: popular_actions.json, azure_schema.json, data_tables.inc and schema_tables.inc match their sources"
  exit 0
fi
if [ -f "$actionlint_data" ]; then echo "wrote $popular"; fi
if [ -f "$azure_source" ]; then echo "wrote $azure_schema"; fi
echo "wrote $out"
echo "wrote $tables"
