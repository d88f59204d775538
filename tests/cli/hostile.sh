#!/usr/bin/env bash
# The command line on hostile input: special files, symlinks, huge or
# endless input, names that are not names. Each case once crashed, hung or
# wrote where it must not; the answer is a message and exit 2 (or 1).
# Usage: tests/cli/hostile.sh path/to/galley
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
galley=$(realpath "${1:-build/galley}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/lib/expect.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/expect.sh"
expect_timeout=10

project() {  # project DIR: a small project in DIR
  mkdir -p "$1"
  printf 'name: demo\npipelines:\n  ci:\n    on:\n      push:\n        branches: [main]\n    recipes:\n      tests:\n        recipe: unit-tests\n' >"$1/galley.yml"
}

# --- special files are refused, not read ---
mkfifo "$tmp/fifo.yml"
expect "compile of a FIFO is refused at once" 2 "$galley" compile "$tmp/fifo.yml"
contains "compile of a FIFO is refused at once" "fifo.yml: is a FIFO, not a regular file"
expect "lint of a FIFO is refused at once" 1 "$galley" lint "$tmp/fifo.yml"
contains "lint of a FIFO is refused at once" "fifo.yml: is a FIFO, not a regular file"

mkdir -p "$tmp/zero/.github/workflows"
ln -s /dev/zero "$tmp/zero/.github/workflows/ci.yml"
expect "a workflow linked to /dev/zero is refused, not read" 1 "$galley" lint "$tmp/zero/.github/workflows/ci.yml"
contains "a workflow linked to /dev/zero is refused, not read" "ci.yml: is a character device, not a regular file"

head -c 40000000 /dev/zero >"$tmp/zeros"
expect "lint - stops reading standard input at the limit" 1 sh -c "'$galley' lint - <'$tmp/zeros'"
contains "lint - stops reading standard input at the limit" "<stdin>: holds more than 33554432 bytes"
expect "eval --jsonl refuses an endless line and stays within memory" 0 sh -c "'$galley' eval --jsonl <'$tmp/zeros'"
contains "eval --jsonl refuses an endless line and stays within memory" '{"ok":false,"error":"input line is longer than 33554432 bytes"}'
expect "eval --context of a device is a usage error" 2 "$galley" eval --context /dev/zero 1
contains "eval --context of a device is a usage error" "/dev/zero: is a character device, not a regular file"
rm -f "$tmp/zeros"

# Files named by run and registry options are read as sources are: a FIFO
# or a device is refused without waiting or reading.
mkdir -p "$tmp/opts" && git -C "$tmp/opts" init -q && mkdir -p "$tmp/opts/.github/workflows"
printf 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: [{run: "true"}]\n' \
  >"$tmp/opts/.github/workflows/ci.yml"
mkfifo "$tmp/opts/fifo"
for option in --event-file --secret-file --var-file; do
  expect "run $option of a FIFO is refused at once" 2 sh -c "cd '$tmp/opts' && '$galley' run ci $option fifo"
  contains "run $option of a FIFO is refused at once" "fifo: is a FIFO, not a regular file"
done
expect "run --event-file of a device is refused, not read" 2 sh -c "cd '$tmp/opts' && '$galley' run ci --event-file /dev/zero"
contains "run --event-file of a device is refused, not read" "/dev/zero: is a character device, not a regular file"
echo '{}' >"$tmp/opts/model.json"
for metrics in "$tmp/opts/fifo" /dev/zero; do
  expect "registry register --metrics $metrics is refused at once" 2 env GALLEY_REGISTRY="$tmp/opts/registry" \
    "$galley" registry register --name m --path "$tmp/opts/model.json" --metrics "$metrics"
  contains "registry register --metrics $metrics is refused at once" "$metrics: is a"
done
mkdir -p "$tmp/opts/device" "$tmp/opts/broken"
ln -s /dev/zero "$tmp/opts/device/zero"
ln -s "$tmp/opts/nothing" "$tmp/opts/broken/model.pkl"
expect "registry register of a folder with a link to a device" 2 env GALLEY_REGISTRY="$tmp/opts/registry" \
  "$galley" registry register --name m --path "$tmp/opts/device"
contains "registry register of a folder with a link to a device" \
  "device/zero is a link to something that is not a regular file; the registry stores regular files only"
expect "registry register of a folder with a broken link" 2 env GALLEY_REGISTRY="$tmp/opts/registry" \
  "$galley" registry register --name m --path "$tmp/opts/broken"
contains "registry register of a folder with a broken link" \
  "broken/model.pkl is a broken symbolic link; the registry stores regular files only"

# --- generated files are never written or read through symlinks ---
project "$tmp/p1"
mkdir -p "$tmp/outside"
echo keep >"$tmp/outside/ci.yml"
ln -s "$tmp/outside" "$tmp/p1/.github"
expect "compile refuses a symlinked .github" 2 "$galley" compile "$tmp/p1/galley.yml"
contains "compile refuses a symlinked .github" "galley: error: cannot write $tmp/p1/.github: is a symlink"
check "compile left the folder outside alone" [ ! -e "$tmp/outside/workflows" ]

project "$tmp/p2"
mkdir -p "$tmp/p2/out/.github/workflows"
ln -s "$tmp/outside/ci.yml" "$tmp/p2/out/.github/workflows/ci.yml"
expect "compile refuses a symlinked workflow under --out" 2 "$galley" compile "$tmp/p2/galley.yml" --out "$tmp/p2/out"
contains "compile refuses a symlinked workflow under --out" "galley: error: cannot write $tmp/p2/out/.github/workflows/ci.yml: is a symlink"
check "compile left the file outside alone" grep -qx keep "$tmp/outside/ci.yml"
expect "compile --check refuses a symlinked workflow" 2 "$galley" compile "$tmp/p2/galley.yml" --out "$tmp/p2/out" --check
contains "compile --check refuses a symlinked workflow" "galley: error: cannot check $tmp/p2/out/.github/workflows/ci.yml: is a symlink"

# A symlink in the workflows folder is never taken for an orphan, even one
# to a file with galley's header: neither it nor its target is removed.
project "$tmp/p2b"
printf '# Generated by galley from galley.yml (pipeline '"'"'old'"'"'). Do not edit:\n' >"$tmp/outside/old.yml"
mkdir -p "$tmp/p2b/.github/workflows"
ln -s "$tmp/outside/old.yml" "$tmp/p2b/.github/workflows/old.yml"
expect "compile leaves a symlink in the workflows folder alone" 0 "$galley" compile "$tmp/p2b/galley.yml"
check "the symlink is kept" [ -L "$tmp/p2b/.github/workflows/old.yml" ]
check "its target is kept" [ -e "$tmp/outside/old.yml" ]

project "$tmp/p3"
mkdir -p "$tmp/p3/.github/workflows"
mkfifo "$tmp/p3/.github/workflows/ci.yml"
expect "compile refuses a FIFO where a workflow goes" 2 "$galley" compile "$tmp/p3/galley.yml"
contains "compile refuses a FIFO where a workflow goes" "ci.yml: is a FIFO, not a regular file"
expect "compile --check refuses a FIFO where a workflow goes" 2 "$galley" compile "$tmp/p3/galley.yml" --check
contains "compile --check refuses a FIFO where a workflow goes" "ci.yml: is a FIFO, not a regular file"

# --- names that are not names ---
project "$tmp/p4"
mkdir -p "$tmp/p4/recipes"
long=$(printf 'a%.0s' $(seq 256))
expect "recipes show of a name too long for a file is a usage error" 2 sh -c "cd '$tmp/p4' && '$galley' recipes show $long"
contains "recipes show of a name too long for a file is a usage error" "galley: error: unknown recipe 'aaaa"
sed -i "s/recipe: unit-tests/recipe: $long/" "$tmp/p4/galley.yml"
expect "compile of a recipe name too long for a file is an unknown recipe" 1 "$galley" compile "$tmp/p4/galley.yml"
contains "compile of a recipe name too long for a file is an unknown recipe" "galley.yml:9:17: error: unknown recipe 'aaaa"

mkdir -p "$tmp/gone"
expect "lint in a working folder that was deleted still lints" 0 sh -c "cd '$tmp/gone' && rmdir '$tmp/gone' && '$galley' lint '$PWD/action.yml'"
contains "lint in a working folder that was deleted still lints" ""

# --- generated YAML that every reader takes ---
project "$tmp/p5"
printf 'variables:\n  V1: "x\\x7fy"\n  V2: "a\\u2028b"\n  V3: "\\x85\\x9f"\n  V4: "\\e[2J"\n' >>"$tmp/p5/galley.yml"
expect "control characters in values compile" 0 "$galley" compile "$tmp/p5/galley.yml"
contains "control characters in values compile" "wrote"
for f in "$tmp/p5/.github/workflows/ci.yml" "$tmp/p5/.azure-pipelines/ci.yml"; do
  check "PyYAML reads $(basename "$(dirname "$f")")/ci.yml back" python3 -c '
import sys, yaml
d = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
want = {"V1": "x\x7fy", "V2": "a\u2028b", "V3": "\x85\x9f", "V4": "\x1b[2J"}
env = d.get("env") or {v["name"]: v["value"] for v in d.get("variables", []) if "name" in v}
sys.exit(0 if all(env.get(k) == v for k, v in want.items()) else 1)' "$f"
done
expect "galley lint reads the compiled workflow back" 0 "$galley" lint --shellcheck off --pyflakes off "$tmp/p5/.github/workflows/ci.yml"
contains "galley lint reads the compiled workflow back" ""

mkdir -p "$tmp/p6"
name=$'x\non: [workflow_dispatch]\n#.yml'
printf 'name: demo\npipelines:\n  ci:\n    on:\n      push:\n        branches: [main]\n    recipes:\n      tests:\n        recipe: unit-tests\n' >"$tmp/p6/$name"
expect "a file name with newlines stays inside the header comment" 0 "$galley" compile "$tmp/p6/$name"
check "no top-level line comes from the file name" [ "$(grep -c '^on' "$tmp/p6/.github/workflows/ci.yml")" = 1 ]
check "the header names the file with its newline escaped" grep -qF '# Generated by galley from x\non: [workflow_dispatch]\n#.yml' "$tmp/p6/.github/workflows/ci.yml"

# --- lint does not follow a folder's symlinks out of the repository ---
mkdir -p "$tmp/leak/.github/workflows" "$tmp/secret"
python3 -c "print('root:x:0:0:' + 'A' * 300 + ':/root:/bin/bash'); print('daemon:x:1:1:SECRET-SECOND-LINE')" >"$tmp/secret/passwd"
ln -s "$tmp/secret/passwd" "$tmp/leak/.github/workflows/p.yml"
printf 'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n' >"$tmp/leak/.github/workflows/ok.yml"
for format in text github; do
  expect "a folder walk skips a symlink out of the repository ($format)" 0 sh -c "cd '$tmp/leak' && '$galley' lint --shellcheck off --format $format"
  contains "a folder walk skips a symlink out of the repository ($format)" "galley: note: skipped ./.github/workflows/p.yml -> $tmp/secret/passwd: it resolves outside the repository"
  lacks "nothing of the linked file is echoed ($format)" "root:x"
done
expect "an unparsable file named on the command line is quoted as an excerpt" 1 "$galley" lint --format github "$tmp/secret/passwd"
contains "an unparsable file named on the command line is quoted as an excerpt" "not a string 'root:x:0:0:AAAA"
lacks "the excerpt stops at 80 characters" "SECRET-SECOND-LINE"

# --- no raw control character from user text reaches the terminal ---
# no_escape NAME: the last command's output holds no ESC or BEL byte.
no_escape() {
  if [ "$last_ok" = 1 ] && ! grep -q $'[\x1b\x07]' <<<"$out"; then
    passed=$((passed + 1))
  else
    echo "FAIL: $1: raw control characters in the output"
    failed=$((failed + 1))
  fi
}
mkdir -p "$tmp/esc/.github/workflows"
printf '"\\e[2J\\e]0;x\\a": 1\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n' >"$tmp/esc/.github/workflows/ci.yml"
for format in text github azure; do
  expect "a workflow key with escapes in $format output" 1 "$galley" lint --shellcheck off --format "$format" "$tmp/esc/.github/workflows/ci.yml"
  no_escape "a workflow key with escapes in $format output"
  contains "a workflow key with escapes in $format output" '\x1b[2J\x1b]0;x\x07'
done
cp "$tmp/esc/.github/workflows/ci.yml" "$tmp/esc/.github/workflows/"$'\e[31mred.yml'
expect "a file name with escapes from a folder walk" 1 sh -c "cd '$tmp/esc' && '$galley' lint --shellcheck off"
no_escape "a file name with escapes from a folder walk"
contains "a file name with escapes from a folder walk" '.github/workflows/\x1b[31mred.yml:1:1'
expect "recipes show of a name with escapes" 2 "$galley" recipes show $'\e[2Jx'
no_escape "recipes show of a name with escapes"
contains "recipes show of a name with escapes" "unknown recipe '\x1b[2Jx'"
expect "an eval error echoing escapes" 1 "$galley" eval $'1 \e[2J'
no_escape "an eval error echoing escapes"
contains "an eval error echoing escapes" '\x1b[2J'

summary hostile
