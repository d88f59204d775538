#!/usr/bin/env python3
"""Compares galley's `eval --jsonl` answers with the oracle's, line by line,
with the rules of compiler/expr/differential_test.cpp: ok must agree; for
successes kind, value, string and truthy must agree, except that numbers may
be spelled differently (runner "G15" vs JavaScript). Usage:
compare.py INPUTS OURS THEIRS"""
import json
import re
import sys

NUM = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def same_text(a, b):
    if a == b:
        return True
    sa, sb = NUM.split(a), NUM.split(b)
    na, nb = NUM.findall(a), NUM.findall(b)
    if sa != sb or len(na) != len(nb):
        return False
    for x, y in zip(na, nb):
        fx, fy = float(x), float(y)
        if fx != fy and abs(fx - fy) > 1e-14 * max(abs(fx), abs(fy)):
            return False
    return True


def same(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        fa, fb = float(a), float(b)
        return fa == fb or abs(fa - fb) <= 1e-14 * max(abs(fa), abs(fb))
    if isinstance(a, str) and isinstance(b, str):
        return same_text(a, b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return a == b


def main():
    inputs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
    ours = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8") if l.strip()]
    theirs = [json.loads(l) for l in open(sys.argv[3], encoding="utf-8") if l.strip()]
    assert len(inputs) == len(ours) == len(theirs), "line counts differ"
    bad = 0
    for i, o, t in zip(inputs, ours, theirs):
        if t.get("kind") == "Dictionary":
            t["kind"] = "Object"
        ok = o["ok"] == t["ok"] and (not o["ok"] or (
            o["kind"] == t["kind"] and same(o["value"], t["value"])
            and same(o["string"], t["string"]) and o["truthy"] == t["truthy"]))
        if not ok:
            bad += 1
            if bad <= 20:
                print("MISMATCH", json.dumps(i["expr"]), "ours:", json.dumps(o)[:200],
                      "theirs:", json.dumps(t)[:200])
    print(f"live differential: {len(inputs)} cases, {bad} mismatches")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
