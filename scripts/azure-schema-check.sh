#!/usr/bin/env bash
# Checks `galley expand` against the Azure Pipelines JSON schema: for every
# real pipeline of ../shared/corpus/ado (laid out as bench/azure-expand.sh
# lays it out), the source and its expansion go through ado-schema.mjs
# (ajv). Where the source passes, the expansion must pass too, except for
# the fields docs/azure.md lists where the schema is stricter than Azure.
# Prints one line per pipeline: SOURCE EXPANDED (0 pass, 1 fail) and path.
# Usage: scripts/azure-schema-check.sh ANCHORS_DIR [path/to/galley]
#   ANCHORS_DIR: a copy of ../shared/tools/anchors after `npm ci`, beside a
#   `corpus` link to ../shared/corpus (ado-schema.mjs finds the schema at
#   ANCHORS_DIR/../../corpus/ado/schema).
set -euo pipefail
anchors=${1:?usage: scripts/azure-schema-check.sh ANCHORS_DIR [GALLEY]}
cd "$(dirname "$0")/.."
galley=$(realpath "${2:-build/galley}")
shared=$(realpath "${GALLEY_SHARED_DIR:-../shared}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$shared/corpus/ado/." "$work/"
chmod -R u+w "$work"
rm -rf "$work/runner.server" "$work/schema"
project="$work/Azure__mlops-project-template"
for d in "$project"/*/*/ "$project"/infrastructure/; do cp "$project"/config-infra-*.yml "$d"; done
# (find, not a glob: .net-desktop.yml starts with a dot.)
find "$work/microsoft__azure-pipelines-yaml/templates" -name '*.yml' -print0 | while IFS= read -r -d '' f; do
  perl -0pi -e 's/^[ \t]*\{\{[#\/][^}]*\}\}[ \t]*\n//mg; s/\{\{[#\/][^}]*\}\}//g; s/\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/$1/g' "$f"
done
# The schema's over-strict fields (docs/azure.md): pipelines whose expansion
# fails only on them.
known="microsoft__dstoolkit-mlops-base/infra/PIPELINE-0-setup.yml"
status=0 both=0 regress=0
while IFS= read -r f; do
  rel=${f#"$work"/}
  out="$work/expanded.yml"
  if ! "$galley" expand --repo "mlops-templates=$work/Azure__mlops-templates" "$f" >"$out" 2>/dev/null; then
    echo "- - $rel (does not expand)"
    continue
  fi
  s=0 e=0
  node "$anchors/ado-schema.mjs" "$f" >/dev/null 2>&1 || s=1
  node "$anchors/ado-schema.mjs" "$out" >/dev/null 2>&1 || e=1
  echo "$s $e $rel"
  [ "$s$e" = 00 ] && both=$((both + 1))
  if [ "$s$e" = 01 ] && ! grep -qxF "$rel" <<<"$known"; then
    regress=$((regress + 1))
    status=1
  fi
done < <(grep -rlE --include='*.yml' '^(trigger|pr):' "$work" | grep -v -e node_modules -e github-actions | sort)
echo "schema: $both pass before and after; $regress pass before but not after (beyond the known over-strict fields)"
exit $status
