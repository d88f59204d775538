#!/usr/bin/env python3
"""Builds compiler/data/azure_tasks.json, the table galley lint checks Azure
Pipelines `task:` steps against: every built-in task's versions, inputs
(with their aliases), required inputs (with the visibility rule that makes
them required only when shown) and deprecation messages.

    scripts/azure_tasks.py TASKS_REPO SERVICE_SCHEMA > compiler/data/azure_tasks.json

TASKS_REPO is a clone of github.com/microsoft/azure-pipelines-tasks (a
working tree, or a bare repository read at HEAD); each Tasks/*/task.json is
read. SERVICE_SCHEMA is service-schema.json of
github.com/microsoft/azure-pipelines-vscode: it names the task versions
Azure DevOps still serves that the tasks repository no longer holds
(PowerShell@1, ...), which are known versions without an inputs table.
Facts only (names, versions, flags); no descriptions are copied.
"""
import json
import os
import re
import subprocess
import sys


def task_files(repo):
    """(path, text) of every Tasks/*/task.json."""
    tasks = os.path.join(repo, "Tasks")
    if os.path.isdir(tasks):
        for d in sorted(os.listdir(tasks)):
            p = os.path.join(tasks, d, "task.json")
            if os.path.isfile(p):
                with open(p, encoding="utf-8-sig") as f:
                    yield p, f.read()
        return
    names = subprocess.run(["git", "-C", repo, "ls-tree", "-r", "--name-only", "HEAD", "Tasks"],
                           check=True, capture_output=True, text=True).stdout.split()
    for p in sorted(n for n in names if re.fullmatch(r"Tasks/[^/]+/task\.json", n)):
        text = subprocess.run(["git", "-C", repo, "show", "HEAD:" + p], check=True,
                              capture_output=True).stdout.decode("utf-8-sig")
        yield p, text


def version_entry(task):
    inputs, aliases, required = [], {}, []
    # An input in a group is shown only when the group is (HelmDeploy's ACR
    # inputs): both rules must hold.
    group_rules = {g["name"]: g["visibleRule"] for g in task.get("groups", [])
                   if g.get("name") and g.get("visibleRule")}
    for i in task.get("inputs", []):
        name = i.get("name")
        if not name:
            continue
        inputs.append(name)
        for a in i.get("aliases", []):
            aliases[a] = name
        if i.get("required") is True or str(i.get("required")).lower() == "true":
            r = {"name": name}
            rules = [x for x in (i.get("visibleRule"), group_rules.get(i.get("groupName"))) if x]
            if rules:
                r["visibleRules"] = rules
            if i.get("defaultValue") not in (None, ""):
                r["default"] = str(i["defaultValue"])
            required.append(r)
    entry = {"inputs": inputs, "required": required}
    if aliases:
        entry["aliases"] = aliases
    for i in task.get("inputs", []):
        if i.get("name") and i.get("defaultValue") not in (None, ""):
            entry.setdefault("defaults", {})[i["name"]] = str(i["defaultValue"])
    if task.get("deprecated"):
        entry["deprecated"] = task.get("deprecationMessage") or "deprecated"
    return entry


def main():
    repo, schema_path = sys.argv[1], sys.argv[2]
    tasks = {}
    for path, text in task_files(repo):
        try:
            t = json.loads(text)
        except json.JSONDecodeError as e:
            sys.exit("azure_tasks.py: %s: %s" % (path, e))
        name, major = t.get("name"), str(t.get("version", {}).get("Major", ""))
        if not name or not major:
            continue
        e = tasks.setdefault(name.lower(), {"name": name, "versions": {}})
        e["versions"][major] = version_entry(t)
    with open(schema_path, encoding="utf-8-sig") as f:
        schema = json.load(f)
    for v in schema["definitions"]["task"]["properties"]["task"]["anyOf"]:
        for spec in v.get("enum", []):
            name, _, major = spec.partition("@")
            e = tasks.setdefault(name.lower(), {"name": name, "versions": {}})
            known = e["versions"].setdefault(major, {"unlisted": "true"})
            if v.get("deprecationMessage") and "deprecated" not in known:
                known["deprecated"] = v["deprecationMessage"]
    head = subprocess.run(["git", "-C", repo, "rev-parse", "HEAD"], capture_output=True,
                          text=True).stdout.strip()
    json.dump({"source": "Tasks/*/task.json of github.com/microsoft/azure-pipelines-tasks at "
                         "commit %s, and the task versions service-schema.json names" % head,
               "tasks": tasks}, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


main()
