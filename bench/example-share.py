#!/usr/bin/env python3
"""galley's own share of the example's end-to-end run.

    python3 bench/example-share.py [GALLEY] [ROUNDS]     (default build/galley, 3)

Runs examples/credit-risk's train-and-deploy (the whole lifecycle, with
--approve auto, a fresh registry each round, its endpoints deleted after) and
measures, per round:

- the run's wall time;
- galley's CPU: the `galley run` process's own user + system time, all its
  threads, without its children (read from /proc when it has exited but is
  not yet reaped: the exact final figure);
- the gaps: the part of the wall time in which no step was running, from the
  run store's step start and end times. That is what galley adds between
  the steps' own processes (planning, starting jobs, setting up workspaces,
  moving artifacts, recording); steps that galley runs in-process (checkout,
  artifacts) are inside step time, and their cost is in galley's CPU.

Prints each round and the medians; target: galley's share < 2% of the wall.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TICK = os.sysconf("SC_CLK_TCK")


def parse_time(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def own_cpu(pid):
    """user + system seconds of an exited, unreaped process (all threads)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def step_intervals(record):
    for job in record["jobs"]:
        for step in job.get("steps", []):
            if step.get("started") and step.get("finished"):
                yield parse_time(step["started"]), parse_time(step["finished"])


def covered(intervals):
    total, end = 0.0, None
    for a, b in sorted(intervals):
        if end is None or a > end:
            total += b - a
            end = b
        elif b > end:
            total += b - end
            end = b
    return total


def one_round(galley, env):
    example = os.path.join(ROOT, "examples", "credit-risk")
    start = time.monotonic()
    proc = subprocess.Popen([galley, "run", "train-and-deploy", "--approve", "auto"], cwd=example,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
    wall = time.monotonic() - start
    cpu = own_cpu(proc.pid)
    if proc.wait() != 0:
        sys.exit("example-share: galley run train-and-deploy failed")
    shown = subprocess.run([galley, "runs", "show", "latest", "--output", "json"], cwd=example, env=env,
                           capture_output=True, text=True, check=True)
    record = json.loads(shown.stdout)
    run_wall = parse_time(record["finished"]) - parse_time(record["started"])
    gaps = run_wall - covered(step_intervals(record))
    for endpoint in ("credit-risk-staging", "credit-risk"):
        subprocess.run([galley, "endpoint", "delete", endpoint], env=env, capture_output=True)
    return wall, cpu, gaps


def main():
    galley = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "galley"))
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    env = dict(os.environ, PATH="/usr/local/bin:/usr/bin:/bin", CI="true", NO_COLOR="1",
               PIP_RETRIES="0", PIP_DISABLE_PIP_VERSION_CHECK="1")
    for k in ("GITHUB_ACTIONS", "GITHUB_OUTPUT", "TF_BUILD"):
        env.pop(k, None)
    with open("/proc/loadavg") as f:
        print(f"cores: {os.cpu_count()}, load: {' '.join(f.read().split()[:3])}, "
              f"{datetime.utcnow():%Y-%m-%dT%H:%M:%SZ}")
    results = []
    for i in range(rounds):
        work = tempfile.mkdtemp()
        try:
            env.update(GALLEY_RUNS_DIR=f"{work}/runs", GALLEY_CACHE_DIR=f"{work}/cache",
                       GALLEY_REGISTRY=f"{work}/registry")
            wall, cpu, gaps = one_round(galley, env)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        results.append((wall, cpu, gaps))
        print(f"round {i + 1}: wall {wall:.1f} s, galley's CPU {cpu:.2f} s ({100 * cpu / wall:.2f}%), "
              f"gaps between steps {gaps:.2f} s ({100 * gaps / wall:.2f}%)")
    wall = statistics.median(r[0] for r in results)
    cpu = statistics.median(r[1] / r[0] for r in results)
    gaps = statistics.median(r[2] / r[0] for r in results)
    print(f"median: wall {wall:.1f} s, galley's CPU {100 * cpu:.2f}% of it, "
          f"gaps {100 * gaps:.2f}% (target < 2%)")


if __name__ == "__main__":
    main()
