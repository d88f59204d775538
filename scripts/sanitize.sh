#!/usr/bin/env bash
# Builds galley with AddressSanitizer and UndefinedBehaviorSanitizer in
# build-asan/ and runs the unit tests and the command-line tests with it,
# then lints the realworld corpus (when ../shared is there) in every
# output format. Too slow for every CI run (a second full build); run it
# before a release or after changing how trees and strings are held.
#
#   scripts/sanitize.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
  >/dev/null
cmake --build build-asan -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1
build-asan/galley_test
bash tests/cli/run.sh build-asan/galley
corpus=../shared/corpus/github/realworld
if [ -d "$corpus" ]; then
  galley=$(realpath build-asan/galley)
  for format in text json sarif github azure; do
    # Findings exit 1; a sanitizer report aborts with another status.
    status=0
    (cd "$corpus" && "$galley" lint --shellcheck off --pyflakes off --format "$format" ./*.yml >/dev/null) || status=$?
    [ "$status" -le 1 ] || { echo "sanitize: lint --format $format exited $status" >&2; exit 1; }
  done
  echo "sanitize: the realworld corpus lints cleanly under the sanitizers in every format"
else
  echo "sanitize: $corpus is missing; corpus run skipped"
fi
