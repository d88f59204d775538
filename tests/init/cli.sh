#!/usr/bin/env bash
# `galley init`'s refusals and guarantees: unknown templates, bad names and
# targets, non-empty folders, --force that never overwrites.
#   tests/init/cli.sh GALLEY
set -uo pipefail
# shellcheck source=tests/lib/expect.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/expect.sh"
galley=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2

expect "an unknown template is a usage error with the nearest name" 2 "$galley" init p --template nlpp
contains "an unknown template is a usage error with the nearest name" \
  "galley: error: unknown template 'nlpp'; did you mean 'nlp'? (templates: classical, cv, nlp)"
check "nothing is written for an unknown template" test ! -e p

expect "the template is required" 2 "$galley" init p
contains "the template is required" "galley: error: init: --template is required"

expect "a name must start with a letter" 2 "$galley" init p --template nlp --name 9lives
contains "a name must start with a letter" "galley: error: --name '9lives': a project name starts with a letter"
expect "a name cannot carry shell or YAML" 2 "$galley" init p --template nlp --name 'x"; rm -rf ~; #'
contains "a name cannot carry shell or YAML" \
  "galley: error: --name 'x\"; rm -rf ~; #': a project name has letters, digits, '-' and '_' only"
expect "a name cannot carry a placeholder" 2 "$galley" init p --template nlp --name '{{name}}'
contains "a name cannot carry a placeholder" "a project name starts with a letter"
expect "a name has at most 48 characters" 2 "$galley" init p --template nlp --name "a$(printf 'b%.0s' {1..48})"
contains "a name has at most 48 characters" "a project name has at most 48 characters (its endpoints are named after it)"
check "nothing is written for a bad name" test ! -e p

expect "a folder name that cannot name the project asks for --name" 2 "$galley" init "My Project" --template cv
contains "a folder name that cannot name the project asks for --name" \
  "galley: error: the folder name 'My Project' cannot name the project (a project name has letters, digits, '-' and '_' only); give a name with --name"

expect "an unknown target is a usage error" 2 "$galley" init p --template classical --targets github,gitlab
contains "an unknown target is a usage error" "galley: error: --targets: unknown target 'gitlab': use github, ado or both (github,ado)"

touch a-file
expect "a file is not a folder" 2 "$galley" init a-file --template classical --name x
contains "a file is not a folder" "galley: error: a-file exists and is not a folder"

mkdir full && echo "mine" > full/notes.txt
expect "a folder with files is refused" 2 "$galley" init full --template classical
contains "a folder with files is refused" \
  "galley: error: full is not empty; galley init starts a project in an empty folder (--force adds the template's files and keeps every file already there)"
check "a refused folder is left as it was" test "$(ls -A full)" = notes.txt

expect "a fresh project names itself after its folder" 0 "$galley" init fresh-proj --template classical --targets github
contains "a fresh project names itself after its folder" "Created the classical project 'fresh-proj' in fresh-proj"
check "the name reaches galley.yml" grep -qx "name: fresh-proj" fresh-proj/galley.yml
check "the targets reach galley.yml" grep -qx "targets: \[github\]" fresh-proj/galley.yml
check "the name reaches the endpoints" grep -qx "          production-endpoint: fresh-proj" fresh-proj/galley.yml
check "the name titles the README" grep -qx "# fresh-proj" fresh-proj/README.md
check "no placeholder is left" bash -c '! grep -rqE "\{\{(name|targets)\}\}" fresh-proj'
check "dotfiles come too" test -f fresh-proj/.gitignore -a -f fresh-proj/.pylintrc

mkdir -p cloned/.git
expect "a folder holding only .git counts as empty" 0 "$galley" init cloned --template nlp --name tickets
contains "a folder holding only .git counts as empty" "Created the nlp project 'tickets' in cloned"

mkdir forced && echo "my readme" > forced/README.md && mkdir forced/src && echo "# mine" > forced/src/train.py
expect "--force keeps the files already there" 0 "$galley" init forced --template nlp --force
contains "--force keeps the files already there" \
  "kept forced/README.md (already there; the template's version was not written)"
contains "--force keeps the files already there" "kept forced/src/train.py"
check "--force did not overwrite README.md" test "$(cat forced/README.md)" = "my readme"
check "--force did not overwrite src/train.py" test "$(cat forced/src/train.py)" = "# mine"
check "--force wrote the missing files" test -f forced/galley.yml -a -f forced/src/score.py

before=$(cd fresh-proj && find . -type f -exec sha256sum {} + | sort)
expect "--force over a whole project writes nothing" 0 "$galley" init fresh-proj --template classical --force
contains "--force over a whole project writes nothing" "(0 files)"
check "--force over a whole project changed nothing" \
  test "$(cd fresh-proj && find . -type f -exec sha256sum {} + | sort)" = "$before"

mkdir linked && ln -s /nonexistent-target linked/galley.yml
expect "--force keeps a symlink in a template file's place" 0 "$galley" init linked --template cv --force
contains "--force keeps a symlink in a template file's place" "kept linked/galley.yml"
check "the symlink is untouched" test "$(readlink linked/galley.yml)" = /nonexistent-target

summary init-cli
