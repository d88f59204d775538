#!/usr/bin/env bash
# A time model of lint against bare YAML loading that machine load cannot
# move: cachegrind simulates this machine's caches (32 KB first level, 1 MB
# second) and branch predictor on one thread, for `galley lint -j1
# --parse-only` and for `galley lint -j1` on the 998 real-world workflows,
# and estimated cycles are
#   instructions / 3 + 14 x first-level misses + 50 x second-level misses
#   + 17 x mispredicted branches.
# Prints the lint/parse ratio of estimated cycles, then what lint adds by
# kind of stall and by group of functions, and the functions that add most.
#
#   bench/lint-cycles.sh [GALLEY_BINARY] [TOP]    (default: build/galley, 25)
#
# The model leaves out page faults, which cost about 10 us each on this kind
# of machine: bench/lint.sh counts them.
#
# Code layout alone moves the loader's estimate by a few percent from one
# build to the next: compare builds by the lint-only cycles, not by one ratio.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
galley="$(realpath "${1:-$root/build/galley}")"
top="${2:-25}"
corpus="$root/../shared/corpus/github/realworld"
command -v valgrind >/dev/null || { echo "bench/lint-cycles.sh: needs valgrind (apt-get install valgrind)" >&2; exit 2; }
[ -d "$corpus" ] || { echo "bench/lint-cycles.sh: $corpus is missing" >&2; exit 2; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cd "$corpus"
simulate() {  # simulate NAME ARGS...
  local name=$1
  shift
  valgrind --tool=cachegrind --cache-sim=yes --branch-sim=yes --I1=32768,8,64 \
    --D1=32768,8,64 --LL=1048576,16,64 --cachegrind-out-file="$out/$name" \
    "$galley" lint -j1 "$@" -- * >/dev/null 2>&1 || true  # lint exits 1 on findings
}
simulate parse --parse-only
simulate lint --shellcheck off --pyflakes off
python3 - "$out/parse" "$out/lint" "$top" <<'EOF'
import collections, re, sys

def load(path):
    events, fn, costs = None, None, collections.defaultdict(lambda: collections.Counter())
    for line in open(path):
        if line.startswith("events:"):
            events = line.split()[1:]
        elif line.startswith("fn="):
            fn = line[3:].strip()
        elif line[:1].isdigit() and fn:
            for e, v in zip(events, line.split()[1:]):
                costs[fn][e] += int(v)
    return costs

def cycles(c):
    return (c["Ir"] / 3 + 14 * (c["I1mr"] + c["D1mr"] + c["D1mw"])
            + 50 * (c["ILmr"] + c["DLmr"] + c["DLmw"]) + 17 * (c["Bcm"] + c["Bim"]))

parse, lint, top = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
# Per function, what lint runs beyond loading (signed: Counter's own
# subtraction would drop what lint does less of).
added = {}
for f in set(lint) | set(parse):
    mine, base = lint.get(f, {}), parse.get(f, {})
    added[f] = collections.Counter({e: mine.get(e, 0) - base.get(e, 0) for e in set(mine) | set(base)})
p = sum(cycles(c) for c in parse.values())
a = sum(cycles(c) for c in added.values())
print(f"estimated cycles: parse-only {p / 1e6:.0f}M, lint {(p + a) / 1e6:.0f}M, "
      f"ratio {(p + a) / p:.2f} (lint adds {a / 1e6:.0f}M)")
total = collections.Counter()
for c in added.values():
    total.update(c)
kinds = [("issuing instructions", total["Ir"] / 3),
         ("mispredicted branches", 17 * (total["Bcm"] + total["Bim"])),
         ("first-level data misses", 14 * (total["D1mr"] + total["D1mw"])),
         ("instruction misses", 14 * total["I1mr"]),
         ("second-level misses", 50 * (total["ILmr"] + total["DLmr"] + total["DLmw"]))]
print("\nwhat lint adds, by kind:")
for name, v in kinds:
    print(f"  {name:24s} {v / 1e6:6.1f}M  {100 * v / a:4.1f}%")
groups = [("schema walk", r"Walker::|Schema::"),
          ("expressions", r"galley::expr::|checkExpressions|JobScopes::(fill|regionOf|scopeAt|checkWhole)"),
          ("scopes", r"JobScopes"),
          ("workflow checks", r"WorkflowChecker|checkWorkflow|scalarsOf|StepKeys|stepsOf|contextPaths|"
                              r"nextExpression|findExpressions|actionSpec|majorSpec|Cron|glob"),
          ("security audits", r"Security|checkSecurity|mayHoldToken|findToken|untrusted"),
          ("findings, rendering", r"Diagnostic|render|Render|OutputFormat|filterInto|findRule|"
                                  r"severityOf|appendNumber|quoteList|didYouMean|editDistance"),
          ("allocator", r"malloc|free|_int_|operator new|operator delete|unlink_chunk|consolidate"),
          ("string functions", r"__mem|__str|_Hash_bytes|basic_string|std::operator\+")]
by = collections.Counter()
for f, c in added.items():
    by[next((g for g, pat in groups if re.search(pat, f)), "other")] += cycles(c)
print("\nwhat lint adds, by group (self cost):")
for g, v in by.most_common():
    print(f"  {g:24s} {v / 1e6:6.1f}M  {100 * v / a:4.1f}%")
print(f"\nthe {top} functions that add most (estimated cycles; mispredicts, first-level misses):")
for f, c in sorted(added.items(), key=lambda kv: -cycles(kv[1]))[:top]:
    print(f"  {cycles(c) / 1e6:5.1f}M  {(c['Bcm'] + c['Bim']) / 1e3:5.0f}K  "
          f"{(c['D1mr'] + c['D1mw'] + c['I1mr']) / 1e3:5.0f}K  {f[:90]}")
EOF
