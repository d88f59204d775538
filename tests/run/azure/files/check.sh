# shellcheck shell=bash
# Sourced by the pipelines' scripts: check ACTUAL EXPECTED fails the step.
check() {
  if [ "$1" != "$2" ]; then
    echo "FAIL: '$1' != '$2'"
    exit 1
  fi
  echo "ok: $2"
}
