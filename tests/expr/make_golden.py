#!/usr/bin/env python3
"""Runs generated inputs through GitHub's evaluator (gh-expr-oracle.mjs) and
writes the golden file the differential doctest reads:
one JSON line {"expr", "ctx", "status", "want"} per input, want being the
oracle's answer. Usage: make_golden.py INPUTS CONTEXTS ORACLE > GOLDEN
"""
import json
import subprocess
import sys


def main():
    inputs_path, contexts_path, oracle = sys.argv[1:4]
    contexts = json.load(open(contexts_path, encoding="utf-8"))
    inputs = [json.loads(line) for line in open(inputs_path, encoding="utf-8") if line.strip()]
    feed = "".join(json.dumps({"expr": i["expr"], "context": contexts[i["ctx"]],
                               "status": i["status"]}, ensure_ascii=False) + "\n"
                   for i in inputs)
    out = subprocess.run(["node", oracle], input=feed.encode(), capture_output=True, check=True)
    answers = [json.loads(line) for line in out.stdout.decode().splitlines() if line.strip()]
    if len(answers) != len(inputs):
        sys.exit(f"oracle answered {len(answers)} of {len(inputs)} lines")
    for i, a in zip(inputs, answers):
        if a.get("kind") == "Dictionary":
            a["kind"] = "Object"
        if not a["ok"]:
            a["error"] = a["error"][:200]
        i["want"] = a
        print(json.dumps(i, ensure_ascii=False))


if __name__ == "__main__":
    main()
