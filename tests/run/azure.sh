#!/usr/bin/env bash
# Self-checking Azure pipelines for `galley run` (tests/run/azure/*.yml).
# Each pipeline asserts its own behaviour in its scripts: a failed check
# exits non-zero, which fails its step and so the run. Its header comments
# say what galley must answer:
#
#   # args: --var K=V ...   extra arguments to `galley run`
#   # exit: N               the exit code (default 0)
#   # out: TEXT             a line of galley's output (stdout and stderr) contains TEXT
#   # no-out: TEXT          no line does
#   # summary: TEXT         a step summary in the run store contains TEXT
#   # galley-yml: LINE      a line of the repository's .galley.yml
#
# Each case runs in a fresh git repository holding the pipeline as
# azure-pipelines.yml and the files of tests/run/azure/files/.
#
#   tests/run/azure.sh GALLEY [NAME...]
set -uo pipefail
galley="$(realpath "$1")"
shift
here="$(cd "$(dirname "$0")" && pwd)"
cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
  for f in "$here"/azure/*.yml; do cases+=("$(basename "$f" .yml)"); done
fi
export NO_COLOR=1 CI=true PIP_RETRIES=0 PIP_DISABLE_PIP_VERSION_CHECK=1
passed=0 failed=0
for name in "${cases[@]}"; do
  src="$here/azure/$name.yml"
  repo="$(mktemp -d)"
  cp -r "$here/azure/files/." "$repo/"
  cp "$src" "$repo/azure-pipelines.yml"
  grep '^# galley-yml: ' "$src" | sed 's/^# galley-yml: //' >"$repo/.galley.yml"
  [ -s "$repo/.galley.yml" ] || rm "$repo/.galley.yml"
  git -C "$repo" init -q && git -C "$repo" add -A &&
    git -C "$repo" -c user.email=t@galley -c user.name=t commit -qm case
  read -r -a args <<<"$(grep '^# args: ' "$src" | sed 's/^# args: //')"
  want="$(grep '^# exit: ' "$src" | sed 's/^# exit: //')"
  want="${want:-0}"
  out="$(cd "$repo" && GALLEY_RUNS_DIR="$repo/.runs" GALLEY_CACHE_DIR="$repo/.cache" \
    "$galley" run azure-pipelines.yml "${args[@]}" 2>&1)"
  got=$?
  problems=()
  [ "$got" = "$want" ] || problems+=("exit $got, expected $want")
  while IFS= read -r text; do
    grep -qF -- "$text" <<<"$out" || problems+=("no line contains: $text")
  done < <(grep '^# out: ' "$src" | sed 's/^# out: //')
  while IFS= read -r text; do
    if grep -qF -- "$text" <<<"$out"; then problems+=("a line contains: $text"); fi
  done < <(grep '^# no-out: ' "$src" | sed 's/^# no-out: //')
  summaries="$(find "$repo/.runs" -name '*.summary.md' -exec cat {} + 2>/dev/null)"
  while IFS= read -r text; do
    grep -qF -- "$text" <<<"$summaries" || problems+=("no step summary contains: $text")
  done < <(grep '^# summary: ' "$src" | sed 's/^# summary: //')
  if [ ${#problems[@]} -eq 0 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $name"
    printf '  %s\n' "${problems[@]}"
    echo "$out" | tail -40 | sed 's/^/  | /'
  fi
  rm -rf "$repo"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
