#!/usr/bin/env bash
# Behaviour of `galley eval`: output and exit codes.
# Usage: tests/expr/cli_eval.sh [path/to/galley]
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
galley="${1:-$root/build-expr/galley}"
pass=0 fail=0
expect() {  # name, want-status, want-stdout, command...
  local name="$1" status="$2" want="$3"
  shift 3
  local got rc
  got="$("$@" 2>/dev/null)"
  rc=$?
  if [ "$rc" = "$status" ] && [ "$got" = "$want" ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: $name: exit $rc (want $status), output: $got (want $want)"
  fi
}
ctx="$(mktemp)"
trap 'rm -f "$ctx"' EXIT
echo '{"github": {"ref": "refs/heads/main"}, "matrix": {"n": [1, 2]}}' > "$ctx"

expect "a value prints as JSON" 0 '"x"' "$galley" eval "1 == 1.0 && 'x'"
expect "contexts come from --context" 0 'true' "$galley" eval --context "$ctx" "startsWith(github.ref, 'refs/')"
expect "arrays print as JSON" 0 $'[\n  1,\n  2\n]' "$galley" eval --context "$ctx" "matrix.n"
expect "status functions read --status" 0 'true' "$galley" eval --status failure "failure()"
expect "--if adds the implicit success()" 0 'false' "$galley" eval --status failure --if "true"
# shellcheck disable=SC2016  # ${{ }} is galley's, not the shell's
expect "--template interpolates" 0 '"ref: refs/heads/main!"' "$galley" eval --context "$ctx" --template 'ref: ${{ github.ref }}!'
expect "an expression error exits 1" 1 '' "$galley" eval "1 <"
expect "a missing EXPR is a usage error" 2 '' "$galley" eval
expect "an unreadable context is a usage error" 2 '' "$galley" eval --context /nonexistent "1"
expect "an unknown dialect is a usage error" 2 '' "$galley" eval --dialect cobol "1"
expect "azure dialect" 0 '"True"' "$galley" eval --dialect azure "format('{0}', lt(False, True))"
lines="$(mktemp)"
cat > "$lines" <<'JSONL'
{"expr":"a.b","context":{"a":{"b":2}}}
{"expr":"1 <"}
{"expr":"fromJSON(x)","context":{"x":"{\"a\":1}"}}
JSONL
expect "jsonl answers each line in order" 0 \
  '{"ok":true,"kind":"Number","value":2,"string":"2","truthy":true}
{"ok":false,"error":"Unexpected end of expression: '"'"'<'"'"'. Located at position 3 within expression: 1 <"}
{"ok":true,"kind":"Object","value":{"a":1},"string":"Object","truthy":true}' \
  bash -c "'$galley' eval --jsonl < '$lines'"
rm -f "$lines"
deep="$(mktemp)"
python3 -c "d=30000;print('{\"expr\":\"1\",\"context\":{\"a\":'+'['*d+']'*d+'}}')" > "$deep"
echo '{"expr":"1","context":[]}' >> "$deep"
expect "jsonl refuses a context nested 30,000 deep and goes on" 0 \
  '{"ok":false,"error":"\"context\": JSON nested deeper than 500 levels"}
{"ok":false,"error":"\"context\" must be an object of named values"}' \
  bash -c "'$galley' eval --jsonl < '$deep'"
python3 -c "d=30000;print('{\"a\":'+'['*d+']'*d+'}')" > "$deep"
expect "a context file nested 30,000 deep is a usage error" 2 '' "$galley" eval --context "$deep" "1"
rm -f "$deep"
echo "cli eval: $pass passed, $fail failed"
[ "$fail" = 0 ]
