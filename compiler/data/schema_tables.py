#!/usr/bin/env python3
"""Compiles GitHub's template schemas into C++ tables for the schema walk.

    schema_tables.py WORKFLOW_JSON ACTION_JSON FIXES_JSON > schema_tables.inc

WORKFLOW_JSON and ACTION_JSON are workflow-v1.0.json and action-v1.0.json
from actions/languageservices; FIXES_JSON is compiler/data/schema_fixes.json,
whose definitions replace or extend the schemas' first. Every definition becomes a constant
definition (compiler/lint/schema.cpp's RawDefinition) with its references
resolved, so a galley process needs neither to parse nor to resolve JSON:
that was about 7M instructions, most of linting one file. The tables hold
indices and offsets, no pointers: a pointer in a constant table of a
position-independent executable is a relocation the loader applies, and a
page it copies, at every start of every command. schema.cpp turns them into
SchemaDefinitions (compiler/lint/schema.h) the first time a schema is used.
Called by embed.sh; the output is committed.

A definition is read as the template schema reads it: the first of
`mapping`, `sequence`, `one-of`, `allowed-values`, `string`, `null`,
`boolean`, `number` it holds gives its kind, else it is `any`. The built-in
definitions (any, null, boolean, number, string, sequence, mapping) are
added where the schema does not define them.
"""
import json
import sys

BUILTINS = [("any", "Any"), ("null", "Null"), ("boolean", "Boolean"), ("number", "Number"),
            ("string", "String"), ("sequence", "Sequence"), ("mapping", "Mapping")]


def strings(value):
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def read_definition(j):
    d = {"kind": "Any", "context": strings(j.get("context")), "properties": {},
         "loose_key": "", "loose_value": "", "item": "", "values": [], "constant": "",
         "non_empty": False}
    if "mapping" in j:
        d["kind"] = "Mapping"
        m = j["mapping"]
        for key, p in m.get("properties", {}).items():
            if isinstance(p, str):
                d["properties"][key] = (p, False)
            else:
                d["properties"][key] = (p.get("type", "any"), bool(p.get("required", False)))
        d["loose_key"] = m.get("loose-key-type", "")
        d["loose_value"] = m.get("loose-value-type", "")
    elif "sequence" in j:
        d["kind"] = "Sequence"
        d["item"] = j["sequence"].get("item-type", "any")
    elif "one-of" in j:
        d["kind"] = "OneOf"
        d["values"] = strings(j["one-of"])
    elif "allowed-values" in j:
        d["kind"] = "AllowedValues"
        d["values"] = strings(j["allowed-values"])
    elif "string" in j:
        d["kind"] = "String"
        d["constant"] = j["string"].get("constant", "")
        d["non_empty"] = bool(j["string"].get("require-non-empty", False))
    elif "null" in j:
        d["kind"] = "Null"
    elif "boolean" in j:
        d["kind"] = "Boolean"
    elif "number" in j:
        d["kind"] = "Number"
    return d


def load(path, fixes):
    doc = json.load(open(path, encoding="utf-8-sig"))
    defs = doc["definitions"]
    for name, definition in fixes.get("definitions", {}).items():
        defs[name] = definition
    for name, variants in fixes.get("appendOneOf", {}).items():
        defs.setdefault(name, {}).setdefault("one-of", []).extend(variants)
    out = {name: read_definition(j) for name, j in defs.items()}
    # A one-of whose variant a key's value names (runs: by using:).
    for name, sel in fixes.get("selectBy", {}).items():
        for value, variant in sorted(sel["values"].items()):
            if variant not in out:
                sys.exit(f"schema_tables.py: selectBy {name}: no definition {variant}")
            out[name].setdefault("select", []).append((sel["key"], value, variant))
    for name, kind in BUILTINS:
        if name not in out:
            d = read_definition({})
            d["kind"] = kind
            if kind == "Sequence":
                d["item"] = "any"
            if kind == "Mapping":
                d["loose_key"], d["loose_value"] = "string", "any"
            out[name] = d
    for d in out.values():
        d.setdefault("select", [])
    return out


def resolve(defs):
    """Adds each definition's variants (nested one-ofs flattened), required
    keys, and the keys that pick one mapping variant."""
    def flatten(d, into, depth):
        for name in d["values"]:
            v = defs.get(name)
            if v is None:
                continue
            if v["kind"] == "OneOf" and depth < 8:
                flatten(v, into, depth + 1)
            else:
                into.append(name)

    for d in defs.values():
        d["variants"] = []
        if d["kind"] == "OneOf":
            flatten(d, d["variants"], 0)
        d["required"] = sorted(k for k, (_, req) in d["properties"].items() if req)
    for name, d in defs.items():
        d["deciding"], d["uses"] = [], None
        for v in d["variants"]:
            if defs[v]["kind"] != "Mapping":
                continue
            for key in defs[v]["required"]:
                count = sum(1 for w in d["variants"]
                            if defs[w]["kind"] == "Mapping" and key in defs[w]["required"])
                if count == 1:
                    d["deciding"].append((key, v))
                if name == "job" and key == "uses":
                    d["uses"] = v


def literal(s):
    if any(not (" " <= c <= "~") for c in s):
        sys.exit(f"schema_tables.py: {s!r} is not printable ASCII")
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def first_byte(key):
    """A key's first byte as a C++ character literal, or 0 for an empty key."""
    if not key:
        return "0"
    return "'" + {"'": "\\'", "\\": "\\\\"}.get(key[0], key[0]) + "'"


class Pools:
    """The arrays a schema's definitions refer into, by index: its text, and
    its lists of keys, strings, variants, deciding keys and selectors. Equal
    strings and equal string lists are stored once."""

    def __init__(self):
        self.text = []  # pieces of kText, in order
        self.size = 0
        self.offsets = {}  # string -> offset in kText
        self.keys, self.strings, self.variants = [], [], []
        self.deciding, self.selectors = [], []
        self.string_lists = {}  # tuple of strings -> (at, count) in strings

    def text_ref(self, s):
        if s not in self.offsets:
            literal(s)  # refuses what is not printable ASCII
            self.offsets[s] = self.size
            self.text.append(s)
            self.size += len(s)
        return "{%d, %d}" % (self.offsets[s], len(s))

    def string_list(self, values):
        key = tuple(values)
        if key not in self.string_lists:
            self.string_lists[key] = (len(self.strings), len(values))
            self.strings.extend(self.text_ref(v) for v in values)
        return "{%d, %d}" % self.string_lists[key]

    @staticmethod
    def add(pool, items):
        at = len(pool)
        pool.extend(items)
        return "{%d, %d}" % (at, len(items))


def array(kind, name, items):
    # C++ has no empty arrays: an empty pool holds one unused entry.
    body = "".join("    %s,\n" % i for i in items) if items else "    {},\n"
    return "constexpr %s %s[] = {\n%s};\n" % (kind, name, body)


def emit(space, defs):
    names = sorted(defs)
    index = {n: i for i, n in enumerate(names)}
    ref = lambda n: str(index[n]) if n in index else "kNoDefinition"
    pools = Pools()
    fields = []
    for n in names:
        d = defs[n]
        f = [f".kind = Kind::{d['kind']}"]
        if d["context"]:
            f.append(".hasContext = true")
        if d["loose_value"]:
            f.append(".loose = true")
        if d["constant"]:
            f.append(".hasConstant = true")
        if d["non_empty"]:
            f.append(".requireNonEmpty = true")
        if d["properties"]:
            keys = sorted(d["properties"])
            f.append(".keys = " + pools.add(pools.keys, [
                "{%s, %s, %s}" % (pools.text_ref(k), ref(d["properties"][k][0]), first_byte(k))
                for k in keys]))
        if d["required"]:
            f.append(f".required = {pools.string_list(d['required'])}")
        if d["item"]:
            f.append(f".item = {ref(d['item'])}")
        if d["loose_key"]:
            f.append(f".looseKey = {ref(d['loose_key'])}")
        if d["loose_value"]:
            f.append(f".looseValue = {ref(d['loose_value'])}")
        if d["variants"]:
            f.append(".variants = " + pools.add(pools.variants, [ref(v) for v in d["variants"]]))
        if d["deciding"]:
            f.append(".decidingKeys = " + pools.add(pools.deciding, [
                "{%s, %s}" % (pools.text_ref(k), ref(v)) for k, v in d["deciding"]]))
        if d["uses"]:
            f.append(f".usesVariant = {ref(d['uses'])}")
        if d["select"]:
            f.append(".selectors = " + pools.add(pools.selectors, [
                "{%s, %s, %s}" % (pools.text_ref(k), pools.text_ref(v), ref(t))
                for k, v, t in d["select"]]))
        f.append(f".name = {pools.text_ref(n)}")
        if d["context"]:
            f.append(f".context = {pools.string_list(d['context'])}")
        if d["constant"]:
            f.append(f".constant = {pools.text_ref(d['constant'])}")
        if d["kind"] == "AllowedValues" and d["values"]:
            f.append(f".values = {pools.string_list(d['values'])}")
        fields.append("{" + ", ".join(f) + "}")
    out = [f"namespace {space} {{\n\n", "constexpr char kText[] =\n"]
    line = ""
    for piece in pools.text:
        if line and len(line) + len(piece) > 90:
            out.append("    %s\n" % literal(line))
            line = ""
        line += piece
    out.append("    %s;\n" % literal(line))
    out.append(array("RawKey", "kKeys", pools.keys))
    out.append(array("RawText", "kStrings", pools.strings))
    out.append(array("uint16_t", "kVariants", pools.variants))
    out.append(array("RawDecidingKey", "kDecidingKeys", pools.deciding))
    out.append(array("RawSelector", "kSelectors", pools.selectors))
    out.append(array("RawDefinition", "kDefinitions", fields))
    out.append(f"\n}}  // namespace {space}\n")
    return "".join(out)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.split("\n\n")[1])
    workflow, action, fixes_path = sys.argv[1:]
    fixes = json.load(open(fixes_path, encoding="utf-8"))
    print("// Generated by compiler/data/schema_tables.py (run by embed.sh); do not edit.")
    print("// Sources: compiler/data/SOURCES.md")
    for space, path, name in (("workflow", workflow, "workflow-v1.0.json"),
                              ("action", action, "action-v1.0.json")):
        defs = load(path, fixes.get(name, {}))
        resolve(defs)
        print(emit(space, defs))


main()
