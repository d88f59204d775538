#!/usr/bin/env bash
# Times `galley expand` of every real pipeline in ../shared/corpus/ado (85
# files with a top-level trigger: or pr:, and the templates they include)
# in one process, beside galley's bare start-up, with hyperfine.
# Target (issue 19, with lint): under 100 ms for the whole process.
# The corpus is laid out as tests/azure_expand_realworld_test.cpp reads it:
# Azure/mlops-project-template's config-infra-*.yml beside each example, as
# its setup copies them, and Microsoft's starter pipelines with their
# {{ placeholders }} rendered. Five pipelines are broken upstream and end in
# errors, so the run exits 1 (hyperfine -i).
# Usage: bench/azure-expand.sh [path/to/galley]
set -euo pipefail
command -v hyperfine >/dev/null || { echo "bench/azure-expand.sh: needs hyperfine" >&2; exit 2; }
cd "$(dirname "$0")/.."
galley=$(realpath "${1:-build/galley}")
shared=$(realpath "${GALLEY_SHARED_DIR:-../shared}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$shared/corpus/ado/." "$work/"
chmod -R u+w "$work"
rm -rf "$work/runner.server" "$work/schema"
project="$work/Azure__mlops-project-template"
for d in "$project"/*/*/ "$project"/infrastructure/*/; do
  cp "$project"/config-infra-*.yml "$d"
done
for f in "$work"/microsoft__azure-pipelines-yaml/templates/*.yml; do
  perl -0pi -e 's/^[ \t]*\{\{[#\/][^}]*\}\}[ \t]*\n//mg; s/\{\{[#\/][^}]*\}\}//g; s/\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/$1/g' "$f"
done
mapfile -t files < <(grep -rlE --include='*.yml' '^(trigger|pr):' "$work" | grep -v -e node_modules -e github-actions | sort)
echo "${#files[@]} pipelines"
out=$(mktemp -d)
hyperfine -N -i --warmup 3 --runs 30 --export-markdown "$out/expand.md" \
  -n "galley --version (start-up)" "$galley --version" \
  -n "galley expand (${#files[@]} pipelines)" \
  "$galley expand --repo mlops-templates=$work/Azure__mlops-templates ${files[*]}" >/dev/null
cat "$out/expand.md"
rm -rf "$out"
