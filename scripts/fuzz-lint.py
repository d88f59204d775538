#!/usr/bin/env python3
"""Mutation fuzzing for galley lint: real workflows, damaged at random.

    scripts/fuzz-lint.py [--galley build/galley] [--seed N] [--batches N]

Each batch takes 20 workflows of ../shared/corpus/github/realworld, applies a
few random edits to each (flipped bytes, cut or copied runs, YAML and
expression fragments such as `${{`, `&a`, `<<: *a`, NUL and non-UTF-8
bytes, truncation), and lints them as text and as SARIF. Any exit status but
0 or 1, or a sanitizer report (run it with build-asan/galley from
scripts/sanitize.sh), is a failure: the batch is kept in a folder it names,
and the script exits 1. The same seed gives the same batches.
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile

FRAGMENTS = [b"${{", b"}}", b"\n  ", b": ", b"- ", b"&a ", b"*a", b'"', b"'", b"[", b"{",
             b"\t", b"${{ github.event.issue.title }}", b"<<: *a\n", b"\xff", b"\x00"]


def mutate(data, rng):
    for _ in range(rng.randint(1, 8)):
        if not data:
            break
        i = rng.randrange(len(data))
        op = rng.random()
        if op < 0.3:
            data[i] = rng.randrange(256)
        elif op < 0.5:
            del data[i:i + rng.randint(1, 40)]
        elif op < 0.7:
            j = rng.randrange(len(data))
            data[i:i] = data[j:j + rng.randint(1, 60)]
        elif op < 0.8:
            data[i:i] = rng.choice(FRAGMENTS)
        else:
            del data[i:]
    return data


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--galley", default=os.path.join(root, "build", "galley"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batches", type=int, default=100)
    args = ap.parse_args()
    corpus = os.path.join(root, "..", "shared", "corpus", "github", "realworld")
    if not os.path.isdir(corpus):
        sys.exit(f"fuzz-lint: {corpus} is missing")
    files = sorted(os.listdir(corpus))
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="galley-fuzz-")
    for batch in range(args.batches):
        paths = []
        for k in range(20):
            with open(os.path.join(corpus, rng.choice(files)), "rb") as f:
                data = mutate(bytearray(f.read()), rng)
            paths.append(os.path.join(work, f"f{k}.yml"))
            with open(paths[-1], "wb") as f:
                f.write(data)
        for fmt in ("text", "sarif"):
            run = subprocess.run([args.galley, "lint", "--shellcheck", "off", "--pyflakes", "off",
                                  "--format", fmt] + paths,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)
            reported = b"ERROR: AddressSanitizer" in run.stderr or b"runtime error" in run.stderr
            if run.returncode not in (0, 1) or reported:
                kept = tempfile.mkdtemp(prefix=f"galley-fuzz-fail-{args.seed}-{batch}-")
                for p in paths:
                    shutil.copy(p, kept)
                print(f"fuzz-lint: batch {batch}, --format {fmt}: exit {run.returncode}; "
                      f"inputs kept in {kept}")
                print(run.stderr.decode(errors="replace")[-2000:])
                sys.exit(1)
    shutil.rmtree(work)
    print(f"fuzz-lint: {args.batches} batches of 20 files (seed {args.seed}), no crash")


main()
