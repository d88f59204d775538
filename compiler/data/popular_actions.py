#!/usr/bin/env python3
"""Writes popular_actions.json, the table of popular actions lint checks
`uses:` steps against, from actionlint's data set and galley's own entries:

    popular_actions.py POPULAR_ACTIONS_GO ACTIONS_JSON > popular_actions.json

POPULAR_ACTIONS_GO is actionlint's generated data/popular_actions.go (MIT,
github.com/rhysd/actionlint; read from ../shared/corpus/github/actionlint):
for each action version (owner/repo@ref) its inputs (required, deprecated
with the message), its outputs, whether it takes inputs or sets outputs
not listed (SkipInputs, SkipOutputs); and OutdatedPopularActionSpecs, the
versions whose runtime (node12, node16) no runner has. Facts only: the Go
file's text is not copied.

ACTIONS_JSON (galley's actions.json, read by hand from each tag's
action.yml) adds versions actionlint's set lacks, and to those it has, the
inputs, outputs and deprecations actionlint's entry lacks (a newer tag's). Written in actions.json's shape: an input list with '!' before
a required input without a default, "deprecated" (name: message),
"outputs"; an action without "inputs" takes any input, one without
"outputs" may set any output. Owner and repository are lower-cased, as
lint looks them up.
"""
import json
import re
import sys

SPEC = re.compile(r'^\t"((?:[^"\\]|\\.)*)": \{$')
GO_STRING = r'"((?:[^"\\]|\\.)*)"'
INPUT = re.compile(r'^\t\t\t' + GO_STRING + r':\s*\{' + GO_STRING +
                   r', (true|false), (true|false), ' + GO_STRING + r'\},$')
OUTPUT = re.compile(r'^\t\t\t' + GO_STRING + r':\s*\{' + GO_STRING + r'\},$')
OUTDATED = re.compile(r'^\t' + GO_STRING + r':\s*\{\},$')


def go_string(s):
    """The value of a Go interpreted string literal's body (JSON's escapes
    are a subset of Go's, and actionlint's data uses only those)."""
    return json.loads('"' + s + '"')


def spec_key(spec):
    name, _, ref = spec.partition("@")
    return name.lower() + "@" + ref


def parse(text):
    actions, outdated = {}, []
    current, section, in_outdated = None, None, False
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("var OutdatedPopularActionSpecs"):
            in_outdated, current = True, None
            continue
        if in_outdated:
            m = OUTDATED.match(line)
            if m:
                outdated.append(spec_key(go_string(m.group(1))))
            continue
        m = SPEC.match(line)
        if m:
            current = {"inputs": [], "deprecated": {}, "outputs": []}
            actions[spec_key(go_string(m.group(1)))] = current
            section = None
            continue
        if current is None:
            continue
        stripped = line.strip()
        if stripped.startswith("Inputs:"):
            section = "inputs"
        elif stripped.startswith("Outputs:"):
            section = "outputs"
        elif stripped == "SkipInputs: true,":
            current["skipInputs"] = True
        elif stripped == "SkipOutputs: true,":
            current["skipOutputs"] = True
        elif section == "inputs" and INPUT.match(line):
            m = INPUT.match(line)
            name, required, deprecated = go_string(m.group(2)), m.group(3), m.group(4)
            current["inputs"].append(("!" if required == "true" else "") + name)
            if deprecated == "true":
                current["deprecated"][name] = go_string(m.group(5))
        elif section == "outputs" and OUTPUT.match(line):
            current["outputs"].append(go_string(OUTPUT.match(line).group(2)))
        elif stripped.startswith('"'):
            raise SystemExit("popular_actions.py: line %d is no input or output: %s" %
                             (number, line))
    if not actions or not outdated:
        raise SystemExit("popular_actions.py: no actions or no outdated specs found")
    return actions, outdated


def entry(a):
    """One action in actions.json's shape."""
    out = {}
    if not a.get("skipInputs"):
        out["inputs"] = sorted(a["inputs"], key=lambda i: i.lstrip("!").lower())
    if a["deprecated"]:
        out["deprecated"] = a["deprecated"]
    if not a.get("skipOutputs"):
        out["outputs"] = sorted(a["outputs"], key=str.lower)
    return out


def merge(base, own):
    """actionlint's entry (or None) with galley's own added: each input,
    output and deprecation either names. A required mark is actionlint's
    when it lists the input. Where galley's entry lists no inputs or no
    outputs, the action takes any (github-script's outputs are whatever
    its script sets), and so does the merged entry."""
    own = {k: v for k, v in own.items() if k != "ref"}
    if base is None:
        return own
    out = {k: v for k, v in base.items() if k not in ("inputs", "outputs") or k in own}
    if "inputs" in out and "inputs" in own:
        names = {i.lstrip("!").lower() for i in out["inputs"]}
        extra = [i for i in own["inputs"] if i.lstrip("!").lower() not in names]
        out["inputs"] = sorted(out["inputs"] + extra, key=lambda i: i.lstrip("!").lower())
    if "outputs" in out and "outputs" in own:
        names = {o.lower() for o in out["outputs"]}
        extra = [o for o in own["outputs"] if o.lower() not in names]
        out["outputs"] = sorted(out["outputs"] + extra, key=str.lower)
    deprecated = dict(own.get("deprecated", {}))
    deprecated.update(base.get("deprecated", {}))
    if deprecated:
        out["deprecated"] = deprecated
    return out


def main(args):
    if len(args) != 2:
        raise SystemExit(__doc__)
    with open(args[0], encoding="utf-8") as f:
        actions, outdated = parse(f.read())
    with open(args[1], encoding="utf-8") as f:
        own = json.load(f)
    table = {spec: entry(a) for spec, a in actions.items()}
    for spec, a in own["actions"].items():
        table[spec_key(spec)] = merge(table.get(spec_key(spec)), a)
    print(json.dumps({
        "source": "generated by compiler/data/popular_actions.py from actionlint's "
                  "data/popular_actions.go (%d action versions, %d outdated) and "
                  "actions.json (%d versions read from their action.yml); do not edit" %
                  (len(actions), len(outdated), len(own["actions"])),
        "actions": dict(sorted(table.items())),
        "outdated": sorted(set(outdated)),
    }, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
