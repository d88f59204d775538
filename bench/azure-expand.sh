#!/usr/bin/env bash
# Times `galley expand`, and `galley lint` (which expands each pipeline with
# its templates too, then checks it), of every real pipeline in
# ../shared/corpus/ado (85 files with a top-level trigger: or pr:, and the
# templates they include) in one process, beside galley's bare start-up,
# with hyperfine. Lint runs as users run it (with shellcheck, batched, one
# process of it per core) and with the script linters off, which is
# galley's own process alone. Target (issue 19): expanding and linting them
# all under 100 ms in one process.
# The corpus is laid out as tests/azure_expand_realworld_test.cpp reads it:
# Azure/mlops-project-template's config-infra-*.yml beside each example, as
# its setup copies them, and Microsoft's starter pipelines with their
# {{ placeholders }} rendered. Five pipelines are broken upstream and end in
# errors, and lint has findings, so the runs exit 1 (hyperfine -i).
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
for d in "$project"/*/*/ "$project"/infrastructure/; do
  cp "$project"/config-infra-*.yml "$d"
done
# (find, not a glob: .net-desktop.yml starts with a dot.)
find "$work/microsoft__azure-pipelines-yaml/templates" -name '*.yml' -print0 | while IFS= read -r -d '' f; do
  perl -0pi -e 's/^[ \t]*\{\{[#\/][^}]*\}\}[ \t]*\n//mg; s/\{\{[#\/][^}]*\}\}//g; s/\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/$1/g' "$f"
done
mapfile -t files < <(grep -rlE --include='*.yml' '^(trigger|pr):' "$work" | grep -v -e node_modules -e github-actions | sort)
echo "${#files[@]} pipelines"
out=$(mktemp -d)
hyperfine -N -i --warmup 3 --runs 30 --export-markdown "$out/expand.md" \
  -n "galley --version (start-up)" "$galley --version" \
  -n "galley expand (${#files[@]} pipelines)" \
  "$galley expand --repo mlops-templates=$work/Azure__mlops-templates ${files[*]}" \
  -n "galley lint, scripts off (${#files[@]} pipelines)" \
  "$galley lint --kind azure --shellcheck off --pyflakes off --repo mlops-templates=$work/Azure__mlops-templates ${files[*]}" \
  -n "galley lint, default (${#files[@]} pipelines)" \
  "$galley lint --kind azure --repo mlops-templates=$work/Azure__mlops-templates ${files[*]}" >/dev/null
cat "$out/expand.md"
rm -rf "$out"
