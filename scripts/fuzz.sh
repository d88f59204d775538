#!/usr/bin/env bash
# Builds one libFuzzer target (tests/fuzz/targets.h) with AddressSanitizer,
# UndefinedBehaviorSanitizer and LeakSanitizer in build-fuzz/ and runs it
# for SECONDS, or until RUNS executions when given. Seeds come from the
# repository and ../shared at run time (copied into build-fuzz/corpus/TARGET,
# which also keeps what the fuzzer finds); a failing input lands in
# build-fuzz/artifacts/TARGET/. Needs clang (Debian: clang-14 and
# libclang-rt-14-dev).
#
#   scripts/fuzz.sh TARGET SECONDS [RUNS]
#     FUZZ_TIMEOUT=S (default 10): an input still running after S seconds of
#     wall time is a hang. On a loaded machine, where `all` runs at the
#     lowest priority, inputs that take milliseconds can wait that long for
#     a core: raise it there.
#     TARGET: yaml expr compile lint shell quoting commands masker azure, or all:
#     every target at once, at the lowest priority, each logging to
#     build-fuzz/logs/TARGET.log, then a table of what each did.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(yaml expr compile lint shell quoting commands masker azure)
target=${1:?usage: scripts/fuzz.sh TARGET SECONDS [RUNS]}
seconds=${2:?usage: scripts/fuzz.sh TARGET SECONDS [RUNS]}
runs=${3:-0}
case " ${targets[*]} all " in *" $target "*) ;; *)
  echo "fuzz.sh: unknown target '$target' (${targets[*]} or all)" >&2
  exit 2
  ;;
esac
cxx=$(command -v clang++ || command -v clang++-14 || true)
[ -n "$cxx" ] || { echo "fuzz.sh: clang++ is needed (apt-get install clang-14 libclang-rt-14-dev)" >&2; exit 2; }
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$cxx" \
  -DGALLEY_FUZZ=ON \
  -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined,fuzzer-no-link -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
  >/dev/null
if [ "$target" = all ]; then
  cmake --build build-fuzz -j2 --target "${targets[@]/#/fuzz_}"
  mkdir -p build-fuzz/logs
  for t in "${targets[@]}"; do
    GALLEY_FUZZ_BUILT=1 nice -n 19 "$0" "$t" "$seconds" "$runs" >"build-fuzz/logs/$t.log" 2>&1 &
  done
  wait || true
  printf '%-9s %12s %8s %s\n' target executions seconds result
  for t in "${targets[@]}"; do
    log=build-fuzz/logs/$t.log
    n=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    secs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o 'in [0-9]*' | grep -o '[0-9]*' || echo '?')
    if grep -q '^Done [0-9]* runs' "$log" && ! grep -q 'ERROR: \|SUMMARY: ' "$log"; then result=clean; else result="FAILED, see $log"; fi
    printf '%-9s %12s %8s %s\n' "$t" "$n" "$secs" "$result"
  done
  exit 0
fi
[ -n "${GALLEY_FUZZ_BUILT:-}" ] || cmake --build build-fuzz -j2 --target "fuzz_$target"

corpus=build-fuzz/corpus/$target
artifacts=build-fuzz/artifacts/$target
mkdir -p "$corpus" "$artifacts"
# seed PREFIX FILES...: copies files into the corpus, the first byte of
# each set to PREFIX when given (the targets read it as a switch).
seed() {
  local prefix=$1 f n=0
  shift
  for f in "$@"; do
    [ -f "$f" ] || continue
    { [ -z "$prefix" ] || printf '%b' "$prefix"; head -c 65536 "$f"; } >"$corpus/seed-$(basename "$(dirname "$f")")-$(basename "$f")"
    n=$((n + 1))
    [ "$n" -lt 400 ] || break
  done
}
shared=../shared
cp tests/fuzz/seeds/"$target"/* "$corpus"/ 2>/dev/null || true
case "$target" in
  yaml) seed "" tests/golden/recipes/*/.github/workflows/*.yml recipes/*.yml "$shared"/corpus/github/realworld/*.yml ;;
  lint) seed '\x00' "$shared"/corpus/github/realworld/*.yml tests/golden/recipes/*/.github/workflows/*.yml ;;
  compile) seed "" tests/golden/recipes/*/galley.yml examples/*/galley.yml ;;
  shell) seed "" recipes/*.yml ;;
  commands) seed '\x02' tests/run/workflows/*.yml ;;
  azure) seed "" "$shared"/corpus/ado/runner.server/testworkflows/azpipelines/*/pipeline.yml ;;
  expr)
    # One expression per seed, from the differential suite's cases.
    python3 - "$corpus" <<'PY'
import json, sys, os
out = sys.argv[1]
with open("tests/expr/differential.golden.jsonl") as f:
    for i, line in enumerate(f):
        if i >= 500:
            break
        with open(os.path.join(out, f"seed-diff-{i}"), "wb") as o:
            o.write(b"\x00" + json.loads(line)["expr"].encode())
PY
    ;;
esac
limit=-1  # libFuzzer: no limit
[ "$runs" -gt 0 ] && limit=$runs
export ASAN_OPTIONS=allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1
"build-fuzz/fuzz_$target" "$corpus" -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2560 \
  -max_len=65536 -artifact_prefix="$artifacts/" -print_final_stats=1 -runs="$limit"
