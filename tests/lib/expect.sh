# shellcheck shell=bash
# The checks of galley's shell suites, sourced by each of them:
#
#   expect NAME STATUS COMMAND...  runs COMMAND and checks its exit status;
#                                  its stdout and stderr are kept in $out.
#                                  With expect_timeout=SECONDS set, a
#                                  command still running then is killed.
#   contains NAME TEXT             the last command's output holds TEXT
#   lacks NAME TEXT                ... does not hold TEXT
#   is NAME TEXT                   ... is exactly TEXT
#   check NAME COMMAND...          COMMAND (a test of what was left behind)
#                                  succeeds
#   summary LABEL                  prints the tally; fails when any check did
#
# A command that exits with the wrong status counts as one failure: the
# checks of its output that follow are skipped, not failed again.
passed=0
failed=0
last_ok=1
out=

pass() { passed=$((passed + 1)); }
fail() {
  failed=$((failed + 1))
  echo "FAIL: $*"
}

expect() {
  local name=$1 want=$2 got
  shift 2
  if [ -n "${expect_timeout:-}" ]; then
    out=$(timeout "$expect_timeout" "$@" 2>&1)
  else
    out=$("$@" 2>&1)
  fi
  got=$?
  if [ "$got" = "$want" ]; then
    last_ok=1
    pass
  else
    last_ok=0
    fail "$name: exit $got, wanted $want"
    echo "$out" | head -20
  fi
}

contains() {
  [ "$last_ok" = 1 ] || return 0
  if grep -qF -- "$2" <<<"$out"; then
    pass
  else
    fail "$1: output lacks: $2"
    echo "$out" | head -20
  fi
}

lacks() {
  [ "$last_ok" = 1 ] || return 0
  if ! grep -qF -- "$2" <<<"$out"; then pass; else fail "$1: output holds: $2"; fi
}

is() {
  [ "$last_ok" = 1 ] || return 0
  if [ "$out" = "$2" ]; then
    pass
  else
    fail "$1: output is not exactly the expected text"
    diff <(echo "$2") <(echo "$out") | head -20
  fi
}

check() {
  local name=$1
  shift
  if "$@"; then pass; else fail "$name"; fi
}

summary() {
  echo "$1: $passed passed, $failed failed"
  [ "$failed" = 0 ]
}
