#!/usr/bin/env python3
"""Lints generated workflows shaped to find quadratic or worse paths: huge
matrices, jobs that need hundreds of jobs, deeply nested expression
indexes, pathological globs, thousands of inputs, anchors and outputs.
Each must finish within --timeout seconds with exit 0 or 1 (findings); a
timeout, a crash or another status fails the run. Prints each case's time.

    scripts/stress-lint.py [--galley build/galley] [--timeout 20]

Not part of CI (it is about time, and the suite asserts behaviour): run it
after changing a check that loops over what a file lists. Three cases did
not finish in 20 s before their fixes (the matrix, the nested index, the
glob) and the needs case took twice as long; the others guard loops of the
same kind that were always linear.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

HEADER = "on: push\npermissions: {}\njobs:\n"


def matrix(n=20000):
    rows = ["  a:", "    runs-on: ubuntu-latest", "    strategy:", "      matrix:",
            "        os: [" + ", ".join(f"o{i}" for i in range(n)) + "]",
            "        include:"]
    rows += [f"          - os: o{i}\n            extra: {i}" for i in range(n)]
    rows.append("        exclude:")
    rows += [f"          - os: x{i}" for i in range(n)]
    rows += ["    steps:", "      - run: echo ${{ matrix.os }}"]
    return HEADER + "\n".join(rows) + "\n"


def needs(n=1000):
    rows = []
    for i in range(n):
        rows += [f"  j{i}:", "    runs-on: ubuntu-latest"]
        if i:
            rows.append("    needs: [" + ", ".join(f"j{k}" for k in range(i)) + "]")
        rows += ["    steps:", "      - run: echo ${{ needs }}"]
    return HEADER + "\n".join(rows) + "\n"


def nested_index(depth=100000):
    expr = "a" + "[a" * depth + "]" * depth
    return HEADER + "  a:\n    runs-on: ubuntu-latest\n    steps:\n" \
        f"      - run: echo \"${{{{ {expr} }}}}\"\n"


def inputs(n=20000):
    rows = ["on:", "  workflow_dispatch:", "    inputs:"]
    rows += [f"      in{i}:\n        type: string" for i in range(n)]
    rows += ["permissions: {}", "jobs:", "  a:", "    runs-on: ubuntu-latest", "    env:"]
    rows += [f"      E{i}: ${{{{ inputs.in{i} }}}}" for i in range(n)]
    rows.append("    steps:")
    rows += [f"      - run: echo ${{{{ inputs.in{i} }}}} ${{{{ env.E{i} }}}}" for i in range(2000)]
    return "\n".join(rows) + "\n"


def anchors(n=20000):
    rows = ["on: push", "permissions: {}", "env:"]
    rows += [f"  A{i}: &a{i} v{i}" for i in range(n)]
    rows += [f"  B{i}: *a{i}" for i in range(n)]
    rows += ["jobs:", "  a:", "    runs-on: ubuntu-latest", "    steps:", "      - run: echo"]
    return "\n".join(rows) + "\n"


def with_inputs(n=30000):
    rows = ["  a:", "    runs-on: ubuntu-latest", "    steps:",
            "      - uses: actions/checkout@v4", "        with:"]
    rows += [f"          k{i}: v" for i in range(n)]
    return HEADER + "\n".join(rows) + "\n"


def long_label(n=3000000):
    return HEADER + "  a:\n    runs-on: " + "x" * n + "\n    steps:\n      - run: echo\n"


# (name, workflow text, .galley.yml text or None)
CASES = [
    ("matrix: 20,000 include and exclude rows", matrix, None),
    ("needs: 1,000 jobs, each needing every earlier one", needs, None),
    ("expression: an index nested 100,000 deep in a script", nested_index, None),
    ("inputs: 20,000 dispatch inputs read through env", inputs, None),
    ("anchors: 20,000 anchors and aliases", anchors, None),
    ("with: 30,000 unknown inputs of a popular action", with_inputs, None),
    ("runs-on: a 3 MB label", long_label, None),
    ("config: a glob of twelve ** against a long file name", lambda: HEADER +
     "  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n",
     "lint:\n  paths:\n    \"" + "**a" * 12 + "**b\":\n      rules: {unpinned-uses: off}\n"),
]


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--galley", default=os.path.join(root, "build", "galley"))
    ap.add_argument("--timeout", type=float, default=20)
    args = ap.parse_args()
    galley = os.path.abspath(args.galley)
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, make, config in CASES:
            repo = os.path.join(tmp, str(CASES.index((name, make, config))))
            wf_dir = os.path.join(repo, ".github", "workflows")
            os.makedirs(wf_dir)
            os.makedirs(os.path.join(repo, ".git"))
            # A long name gives the glob case something to chew on.
            with open(os.path.join(wf_dir, "a" * 120 + ".yml"), "w") as f:
                f.write(make())
            if config:
                with open(os.path.join(repo, ".galley.yml"), "w") as f:
                    f.write(config)
            start = time.monotonic()
            try:
                status = subprocess.run([galley, "lint", "--shellcheck", "off", "--pyflakes", "off"],
                                        cwd=repo, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, timeout=args.timeout).returncode
            except subprocess.TimeoutExpired:
                status = "timeout"
            took = time.monotonic() - start
            ok = status in (0, 1)
            failed += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {took:6.2f} s  {name}"
                  + ("" if ok else f" (status {status})"))
    print(f"stress-lint: {len(CASES) - failed} of {len(CASES)} cases within {args.timeout:g} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
