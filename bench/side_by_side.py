#!/usr/bin/env python3
"""Runs commands side by side, interleaved, and prints medians and ratios.

    python3 bench/side_by_side.py [--rounds N] [--prepare CMD] [--anchor NAME] NAME=CMD...

Each round runs every command once, in an order rotated from round to round
(so that no command always follows the same one), each after --prepare (a
shell command, not timed). Per command: the median and the best wall time,
and the median CPU time (user + system of the command and its children).
Ratios are of medians, against --anchor (default the last command), and the
median of the per-round ratios, which a machine whose load drifts during the
run disturbs least. On a shared, loaded machine, only these ratios mean
much: the anchors run under the same load, in the same seconds.
"""
import argparse
import os
import resource
import shlex
import statistics
import subprocess
import time


def run_once(argv):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--prepare", default="")
    parser.add_argument("--anchor", default="")
    parser.add_argument("commands", nargs="+", help="NAME=CMD")
    args = parser.parse_args()
    names, argvs = [], []
    for item in args.commands:
        name, _, cmd = item.partition("=")
        names.append(name)
        argvs.append(shlex.split(cmd))
    anchor = names.index(args.anchor) if args.anchor else len(names) - 1
    walls = {n: [] for n in names}
    cpus = {n: [] for n in names}
    for r in range(args.rounds):
        order = list(range(len(names)))
        order = order[r % len(order):] + order[:r % len(order)]
        for i in order:
            if args.prepare:
                subprocess.run(["sh", "-c", args.prepare], check=True)
            wall, cpu = run_once(argvs[i])
            walls[names[i]].append(wall)
            cpus[names[i]].append(cpu)
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    print(f"{args.rounds} rounds, interleaved; load average at the end: {load}")
    a = names[anchor]
    width = max(len(n) for n in names)
    for n in names:
        med, best, cpu = statistics.median(walls[n]), min(walls[n]), statistics.median(cpus[n])
        line = f"  {n:<{width}}  wall median {1000 * med:8.2f} ms, best {1000 * best:8.2f} ms, CPU median {1000 * cpu:7.2f} ms"
        if n != a:
            per_round = statistics.median(x / y for x, y in zip(walls[n], walls[a]))
            cpu_ratio = cpu / statistics.median(cpus[a]) if statistics.median(cpus[a]) else float("nan")
            line += (f"  | vs {a}: wall {med / statistics.median(walls[a]):.2f}x of medians, "
                     f"{per_round:.2f}x per round, best {best / min(walls[a]):.2f}x, CPU {cpu_ratio:.2f}x")
        print(line)


if __name__ == "__main__":
    os.environ.setdefault("LC_ALL", "C")
    main()
