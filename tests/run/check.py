#!/usr/bin/env python3
"""Self-checking workflows for `galley run`.

Each tests/run/workflows/NAME.yml carries its expectations in header comments:

  # args: --secret K=V ...          extra arguments to `galley run`
  # exit: N                         the exit code
  # job: KEY RESULT                 a job's result (KEY: the job key, e.g. build-2)
  # step: KEY/STEP OUTCOME CONCLUSION
  # output: KEY NAME=VALUE          a job output
  # log: KEY/STEP TEXT              a line of the step's log contains TEXT
  # no-log: TEXT                    nothing galley wrote (logs, records, console) contains TEXT
  # annotation: LEVEL TEXT          an annotation of that level contains TEXT
  # annotations: LEVEL N            exactly N annotations of that level
  # stdout: TEXT                    galley's stdout (the view and summary) contains TEXT
  # stderr: TEXT                    galley's stderr contains TEXT
  # summary: KEY/STEP TEXT          the step's summary contains TEXT

Each case runs in a fresh git repository holding tests/run/repo-files, the
workflow under .github/workflows/, and the workflow folder's other files.

  tests/run/check.py GALLEY [NAME...]
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def file_name_of(key):
    out = []
    for i, ch in enumerate(key):
        if ch.isascii() and (ch.isalnum() or ch in "_-") and not (i == 0 and ch == "."):
            out.append(ch)
        else:
            out.extend("%%%02X" % b for b in ch.encode())
    return "".join(out)


def expectations(path):
    exp = []
    with open(path) as f:
        for line in f:
            if not line.startswith("#"):
                break
            body = line[1:].strip()
            key, sep, rest = body.partition(":")
            if sep and key in ("args", "exit", "job", "step", "output", "log", "no-log",
                               "annotation", "stdout", "stderr", "summary"):
                exp.append((key, rest.strip()))
    return exp


def step_of(job, step_id):
    for s in job["steps"]:
        if s["id"] == step_id or s["name"] == step_id:
            return s
    return None


def run_case(galley, name):
    src = os.path.join(HERE, "workflows", name + ".yml")
    exp = expectations(src)
    args = []
    for k, v in exp:
        if k == "args":
            args += v.split()
    repo = tempfile.mkdtemp(prefix="galley-run-test-")
    try:
        shutil.copytree(os.path.join(HERE, "repo-files"), repo, dirs_exist_ok=True)
        wfdir = os.path.join(repo, ".github", "workflows")
        os.makedirs(wfdir, exist_ok=True)
        shutil.copy(src, wfdir)
        for f in os.listdir(os.path.join(HERE, "workflows")):
            if not f.endswith(".yml"):
                shutil.copy(os.path.join(HERE, "workflows", f), repo)
        git = ["git", "-c", "user.email=t@galley", "-c", "user.name=t"]
        subprocess.run(["git", "init", "-q", repo], check=True)
        subprocess.run(git + ["-C", repo, "add", "-A"], check=True)
        subprocess.run(git + ["-C", repo, "commit", "-qm", "test"], check=True)
        env = dict(os.environ, CI="true", NO_COLOR="1")
        p = subprocess.run([galley, "run", ".github/workflows/" + name + ".yml"] + args,
                           cwd=repo, env=env, capture_output=True, text=True, timeout=120)
        problems = []
        runs = os.path.join(repo, ".galley", "runs")
        record = None
        rundir = None
        ids = sorted((d for d in os.listdir(runs) if d.isdigit()), key=int) if os.path.isdir(runs) else []
        if ids:
            rundir = os.path.join(runs, ids[-1])
            with open(os.path.join(rundir, "run.json")) as f:
                record = json.load(f)
        jobs = {j["key"]: j for j in record["jobs"]} if record else {}

        def log_text(key, step):
            # Every step with that id (an action's post step shares it) or name.
            j = jobs.get(key)
            steps = [s for s in (j["steps"] if j else []) if s["id"] == step or s["name"] == step]
            if not steps:
                return None
            text = []
            for s in steps:
                path = os.path.join(rundir, "logs", file_name_of(key), "%d.log" % s["index"])
                if os.path.exists(path):
                    with open(path, errors="replace") as f:
                        text += [l.split(" ", 2)[2] if l.count(" ") >= 2 else l for l in f.read().splitlines()]
            return "\n".join(text)

        for k, v in exp:
            if k == "exit" and p.returncode != int(v):
                problems.append(f"exit {p.returncode}, expected {v}")
            elif k == "job":
                key, want = v.split()
                got = jobs.get(key, {}).get("result")
                if got != want:
                    problems.append(f"job {key}: {got}, expected {want} (jobs: {sorted(jobs)})")
            elif k == "step":
                ks, outcome, conclusion = v.split()
                key, step = ks.rsplit("/", 1)
                s = step_of(jobs[key], step) if key in jobs else None
                got = (s.get("outcome"), s.get("conclusion")) if s else None
                if got != (outcome, conclusion):
                    problems.append(f"step {ks}: {got}, expected {(outcome, conclusion)}")
            elif k == "output":
                key, kv = v.split(" ", 1)
                oname, oval = kv.split("=", 1)
                got = jobs.get(key, {}).get("outputs", {}).get(oname)
                if got != oval:
                    problems.append(f"output {key}.{oname}: {got!r}, expected {oval!r}")
            elif k in ("log", "summary"):
                ks, text = v.split(" ", 1)
                key, step = ks.rsplit("/", 1)
                if k == "log":
                    body = log_text(key, step)
                else:
                    s = step_of(jobs[key], step) if key in jobs else None
                    path = os.path.join(rundir, "logs", file_name_of(key), "%d.summary.md" % s["index"]) if s else ""
                    body = open(path).read() if s and os.path.exists(path) else None
                if body is None or text not in body:
                    problems.append(f"{k} {ks} lacks {text!r}; it has:\n{body}")
            elif k == "no-log":
                leaks = [w for w, t in (("stdout", p.stdout), ("stderr", p.stderr)) if v in t]
                if rundir:
                    for d, _, files in os.walk(rundir):
                        for f in files:
                            if "artifacts" in d or "jobs" in os.path.relpath(d, rundir).split(os.sep)[:1]:
                                continue
                            with open(os.path.join(d, f), errors="replace") as fh:
                                if v in fh.read():
                                    leaks.append(os.path.relpath(os.path.join(d, f), rundir))
                if leaks:
                    problems.append(f"{v!r} leaked into {leaks}")
            elif k == "annotation":
                level, text = v.split(" ", 1)
                anns = record["annotations"] if record else []
                if not any(a["level"] == level and text in a["message"] for a in anns):
                    problems.append(f"no {level} annotation with {text!r}; got {[(a['level'], a['message']) for a in anns]}")
            elif k == "annotations":
                level, want = v.split()
                got = sum(1 for a in (record["annotations"] if record else []) if a["level"] == level)
                if got != int(want):
                    problems.append(f"{got} {level} annotations, expected {want}")
            elif k == "stdout" and v not in p.stdout:
                problems.append(f"stdout lacks {v!r}")
            elif k == "stderr" and v not in p.stderr:
                problems.append(f"stderr lacks {v!r}; it is:\n{p.stderr}")
        if problems:
            problems.append("--- stdout:\n" + p.stdout[-3000:] + "\n--- stderr:\n" + p.stderr[-2000:])
        return problems
    finally:
        shutil.rmtree(repo, ignore_errors=True)


def main():
    galley = os.path.abspath(sys.argv[1])
    names = sys.argv[2:] or sorted(f[:-4] for f in os.listdir(os.path.join(HERE, "workflows")) if f.endswith(".yml"))
    failed = 0
    for name in names:
        problems = run_case(galley, name)
        print(("ok    " if not problems else "FAIL  ") + name)
        for pr in problems:
            print("      " + pr.replace("\n", "\n      "))
        failed += bool(problems)
    print(f"{len(names) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
