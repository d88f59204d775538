#!/usr/bin/env python3
"""Reduces the Azure Pipelines JSON schema (service-schema.json, from
microsoft/azure-pipelines-vscode) to its structure: which keys exist where,
which are required, which key picks a mapping's shape, value types and the
values a string allows. No descriptions are kept. The result is JSON that
data_tables.py embeds like lint's other data (compiler/lint/azure/schema.h
walks it).

    azure_schema.py service-schema.json > azure_schema.json

Each definition is an object of strings and lists of strings only:
  kind        "string", "sequence", "mapping", "anyOf" or "any"
  values      a string's allowed values (a pattern "^word$", or an enum)
  ignoreCase  "true" when values compare without case
  pattern     a string's other pattern (kept as written)
  items       a sequence's item definition
  properties  a mapping's keys -> definitions
  required    keys a mapping must have
  first       the key that picks this shape among a one-of's mappings
  loose       "true" when a mapping takes keys it does not list
  variants    an anyOf's definitions
  deprecated  a deprecation message
Inline schemas get names "PARENT/KEY" or "PARENT#N". A task's `task:` is a
plain string and its `inputs:` a free mapping: galley checks tasks against
their task.json tables instead (azure_tasks.json), which cover inputs the
schema's per-task variants cannot (visibility rules, aliases).
"""
import json
import re
import sys

LITERAL = re.compile(r"^\^([A-Za-z0-9_]+)\$$")


class Reducer:
    def __init__(self, schema):
        self.src = schema["definitions"]
        self.out = {}

    def ref(self, node):
        r = node.get("$ref", "")
        return r.rsplit("/", 1)[-1] if r else None

    def reduce(self, name, node):
        """Stores node's reduction as `name`; returns the name to refer to it."""
        r = self.ref(node)
        extra = {k for k in node if k not in ("$ref", "description", "doNotSuggest", "type")}
        if r and not extra:
            return r
        if r and extra == {"enum"} or r and extra == {"enum", "ignoreCase"}:
            node = {"type": "string", "enum": node["enum"]}
        self.out[name] = {}  # reserve (recursive definitions)
        self.out[name] = self.shape(name, node)
        return name

    def shape(self, name, node):
        out = {}
        if name == "task":
            # The per-task variants of inputs: azure_tasks.json's job.
            node = {k: v for k, v in node.items() if k != "anyOf"}
        if "deprecationMessage" in node:
            out["deprecated"] = node["deprecationMessage"]
        if "anyOf" in node:
            variants = [self.reduce("%s#%d" % (name, i), v) for i, v in enumerate(node["anyOf"])]
            merged = self.merge_literals(variants)
            if merged:
                out.update(merged)
                return out
            out["kind"] = "anyOf"
            out["variants"] = variants
            return out
        if "$ref" in node:
            # `{"type": "object", "$ref": ...}`: the referenced shape.
            target = self.ref(node)
            out.update(self.out.get(target) or self.shape(target, self.src[target]))
            return out
        t = node.get("type")
        if t == "string" or "enum" in node or "pattern" in node:
            out["kind"] = "string"
            values = list(node.get("enum", []))
            m = LITERAL.match(node.get("pattern", ""))
            if m:
                values.append(m.group(1))
            elif "pattern" in node and name != "branchFilter":
                # branchFilter's pattern is applied to path filters too, where
                # Azure takes `docs/`: too strict to report.
                out["pattern"] = node["pattern"]
            if values:
                out["values"] = values
            if node.get("ignoreCase") in ("value", "all"):
                out["ignoreCase"] = "true"
            return out
        if t == "array":
            out["kind"] = "sequence"
            out["items"] = self.reduce(name + "/items", node.get("items", {}))
            return out
        if t == "object":
            out["kind"] = "mapping"
            props = {}
            for key, value in node.get("properties", {}).items():
                if name == "task" and key in ("task", "inputs"):
                    props[key] = "string" if key == "task" else "mapping"
                    continue
                props[key] = self.reduce("%s/%s" % (name, key), value)
            if props:
                out["properties"] = props
            if node.get("required"):
                out["required"] = list(node["required"])
            if node.get("firstProperty"):
                out["first"] = list(node["firstProperty"])
            if node.get("additionalProperties", True) is not False or node.get("patternProperties"):
                out["loose"] = "true"
            return out
        out["kind"] = "any"
        return out

    def merge_literals(self, variants):
        """An anyOf of literal strings only (boolean's true/y/yes/...): one
        string with those values."""
        shapes = [self.out.get(v) for v in variants]
        if not all(s and s.get("kind") == "string" and s.get("values") for s in shapes):
            return None
        values = [x for s in shapes for x in s["values"]]
        out = {"kind": "string", "values": values}
        if any(s.get("ignoreCase") for s in shapes):
            out["ignoreCase"] = "true"
        return out


def main():
    with open(sys.argv[1], encoding="utf-8-sig") as f:
        schema = json.load(f)
    red = Reducer(schema)
    for name, node in schema["definitions"].items():
        if name not in red.out:
            red.out[name] = {}
            red.out[name] = red.shape(name, node)
    root = red.reduce("root", {"anyOf": schema["oneOf"]})
    # Only what is reachable from the root and the template kinds.
    keep, todo = set(), [root, "stepsTemplate", "jobsTemplate", "stagesTemplate",
                         "variablesTemplate", "extendsTemplate"]
    while todo:
        n = todo.pop()
        if n in keep:
            continue
        keep.add(n)
        d = red.out[n]
        todo.extend(d.get("properties", {}).values())
        todo.extend(d.get("variants", []))
        if "items" in d:
            todo.append(d["items"])
    defs = {n: red.out[n] for n in sorted(keep)}
    json.dump({"source": "service-schema.json of github.com/microsoft/azure-pipelines-vscode, "
                         "reduced to its structure by compiler/data/azure_schema.py",
               "root": root, "definitions": defs}, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


main()
