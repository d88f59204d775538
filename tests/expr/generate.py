#!/usr/bin/env python3
"""Random GitHub expressions and contexts for differential testing.

Writes JSON lines {"expr", "ctx", "status"} to stdout, where ctx indexes the
list of context objects written to --contexts. Deterministic for a seed.

Avoided on purpose (cases where GitHub's TypeScript evaluator, our oracle,
differs from GitHub's runner, which galley follows; see docs/expressions.md):
  - string literals with more than one '' escape (TypeScript unescapes only
    the first);
  - object keys that look like array indexes (JavaScript reorders them);
  - U+0130 (dotted capital I), whose lower case is two characters in
    JavaScript;
  - numbers below 1e-5 in magnitude that are not exact powers of ten
    (JavaScript's toFixed(15) rounds them away), and numbers from 1e15 up,
    which the runner prints in exponent form (1.23456789012346E+15) where
    JavaScript prints all digits: the difference reaches booleans through
    startsWith/endsWith/contains, so no tolerance can absorb it.
Number spelling (1E+21 vs 1e+21, 15 vs 17 significant digits) differs too;
the comparison tolerates exactly that and counts it.
"""
import argparse
import json
import random

CONTEXT_NAMES = ["github", "env", "matrix", "steps", "needs", "inputs", "vars", "job", "runner",
                 "strategy", "secrets"]
KEYS = ["a", "b", "name", "Name", "ref", "event_name", "os", "outputs", "result", "id", "x-y",
        "_under", "conclusion", "sha", "items", "A", "nested", "value", "Value", "k1", "path"]
WORDS = ["", "abc", "ABC", "Abc", "push", "main", "refs/heads/main", " 12 ", "12", "0x1F", "0o17",
         "1e3", "-1.5", "true", "false", "null", "NaN", "Infinity", "-Infinity", " ", "a,b",
         "{0}", "{{x}}", "it's", "é", "É", "ü", "Ü", "ß", "ς", "Σ", "σ", "ı", "I", "i", "ж", "Ж",
         "linux", "Linux", "x y", "[1,2]", "{\"a\":1}", "0", "1", "-0", "  ", "\t", "\n"]
NUMBERS = [0, 1, -1, 2, 3, 10, 255, 0.5, -0.5, 2.5, 0.1, 1.5, 100, 1000, 123456.789,
           999999999999999, 0.30000000000000004, 1e-5, 1e-7, 42, 7, -3.25]
NUMBER_LITERALS = ["0", "1", "-1", "2", "3.5", ".5", "-.5", "+1", "0x1f", "0xFF", "0o17", "1e2",
                   "1E-1", "1.5e3", "NaN", "Infinity", "-Infinity", "0.0", "-0", "10", "42",
                   "123456.789", "0.1", "999999999999999", "1e-7"]
FUNCTIONS = ["contains", "startsWith", "endsWith", "format", "join", "toJSON", "fromJSON", "case"]
STATUS_FUNCTIONS = ["success", "failure", "cancelled", "always"]
JSON_TEXTS = ["[]", "{}", "[1,2,3]", "{\"a\":1,\"B\":[true,null]}", "\"str\"", "1.5", "null",
              "true", "[\"a\",\"b\"]", "{\"x\":{\"y\":\"z\"}}", "", " ", "{bad", "[1,", "01",
              "{\"a\":1,\"A\":2}", "[[1],[2,[3]]]", "-0", "1e400"]


def quote(s):
    # At most one doubled quote per literal: see the module comment.
    if s.count("'") > 1:
        s = s.replace("'", "", s.count("'") - 1)
    return "'" + s.replace("'", "''") + "'"


def random_case(rng, s):
    r = rng.random()
    if r < 0.6:
        return s
    if r < 0.8:
        return s.upper()
    return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in s)


class Gen:
    def __init__(self, rng):
        self.rng = rng

    def json_value(self, depth):
        r = self.rng.random()
        if depth <= 0 or r < 0.45:
            k = self.rng.random()
            if k < 0.45:
                return self.rng.choice(WORDS)
            if k < 0.8:
                return self.rng.choice(NUMBERS)
            if k < 0.93:
                return self.rng.choice([True, False])
            return None
        if r < 0.7:
            return [self.json_value(depth - 1) for _ in range(self.rng.randint(0, 4))]
        obj = {}
        for _ in range(self.rng.randint(0, 5)):
            obj[self.rng.choice(KEYS)] = self.json_value(depth - 1)
        return obj

    def context(self):
        names = self.rng.sample(CONTEXT_NAMES, self.rng.randint(1, 6))
        ctx = {}
        for n in names:
            obj = {}
            for _ in range(self.rng.randint(0, 6)):
                obj[self.rng.choice(KEYS)] = self.json_value(3)
            ctx[n] = obj if self.rng.random() < 0.9 else self.json_value(2)
        return ctx

    def literal(self):
        r = self.rng.random()
        if r < 0.35:
            return quote(self.rng.choice(WORDS))
        if r < 0.7:
            return self.rng.choice(NUMBER_LITERALS)
        if r < 0.9:
            return self.rng.choice(["true", "false"])
        return "null"

    def path(self, ctx):
        names = list(ctx.keys())
        if not names or self.rng.random() < 0.05:
            base = self.rng.choice(CONTEXT_NAMES)  # maybe not available: an error
        else:
            base = self.rng.choice(names)
        s = random_case(self.rng, base)
        for _ in range(self.rng.randint(0, 3)):
            r = self.rng.random()
            if r < 0.55:
                s += "." + random_case(self.rng, self.rng.choice(KEYS))
            elif r < 0.7:
                s += "[" + quote(self.rng.choice(KEYS)) + "]"
            elif r < 0.82:
                s += "[" + str(self.rng.randint(0, 3)) + "]"
            elif r < 0.91:
                s += ".*"
            else:
                s += "[*]"
        return s

    def call(self, ctx, depth):
        r = self.rng.random()
        if r < 0.08:
            return self.rng.choice(STATUS_FUNCTIONS) + "()"
        name = self.rng.choice(FUNCTIONS)
        if name == "format":
            fmt = self.rng.choice(["{0}", "{0}-{1}", "x{{y}}z{0}", "{1}{0}", "{0", "}", "{}",
                                   "a{0}b{0}c", "{{0}}", "{0}{1}{2}", "{00}", "{0x}", "plain"])
            args = [quote(fmt)] + [self.expr(ctx, depth - 1) for _ in range(self.rng.randint(0, 3))]
        elif name == "fromJSON":
            args = [quote(self.rng.choice(JSON_TEXTS)) if self.rng.random() < 0.8
                    else self.expr(ctx, depth - 1)]
        elif name == "case":
            n = self.rng.choice([3, 3, 5, 4])
            args = []
            for i in range(n):
                if i % 2 == 0 and i != n - 1 and self.rng.random() < 0.8:
                    args.append(self.comparison(ctx, depth - 1))
                else:
                    args.append(self.expr(ctx, depth - 1))
        else:
            want = {"contains": 2, "startsWith": 2, "endsWith": 2, "join": self.rng.choice([1, 2]),
                    "toJSON": 1}[name]
            if self.rng.random() < 0.04:
                want += self.rng.choice([-1, 1])  # a wrong argument count
            args = [self.expr(ctx, depth - 1) for _ in range(max(0, want))]
        return random_case(self.rng, name) + "(" + ", ".join(args) + ")"

    def comparison(self, ctx, depth):
        op = self.rng.choice(["==", "!=", "<", "<=", ">", ">="])
        return self.operand(ctx, depth) + " " + op + " " + self.operand(ctx, depth)

    def operand(self, ctx, depth):
        r = self.rng.random()
        if depth <= 0 or r < 0.35:
            return self.literal()
        if r < 0.7:
            return self.path(ctx)
        if r < 0.9:
            return self.call(ctx, depth)
        return "(" + self.expr(ctx, depth - 1) + ")"

    def expr(self, ctx, depth):
        r = self.rng.random()
        if depth <= 0 or r < 0.3:
            return self.operand(ctx, depth)
        if r < 0.5:
            return self.comparison(ctx, depth - 1)
        if r < 0.7:
            op = self.rng.choice(["&&", "||"])
            parts = [self.expr(ctx, depth - 1) for _ in range(self.rng.randint(2, 3))]
            return (" " + op + " ").join(parts)
        if r < 0.78:
            return "!" + self.operand(ctx, depth - 1)
        if r < 0.9:
            return self.call(ctx, depth)
        return "(" + self.expr(ctx, depth - 1) + ")" + self.rng.choice(["", "[0]", ".a", "[*]"])

    def mutate(self, e):
        """Breaks an expression: the invalid half of the input space."""
        r = self.rng.random()
        pos = self.rng.randint(0, len(e))
        if r < 0.25 and e:
            return e[:pos] + e[pos + 1:]
        if r < 0.5:
            return e[:pos] + self.rng.choice(["(", ")", "[", "]", ",", "'", "=", "&", "|", "!",
                                                "@", ".", "*", " 1 ", "==", "&&"]) + e[pos:]
        if r < 0.6:
            return e + self.rng.choice([" &&", " ==", "(", "[", ".", " x"])
        if r < 0.7:
            return "nosuchfn(" + e + ")"
        if r < 0.8:
            return "!" * self.rng.randint(45, 55) + e
        if r < 0.9:
            return "(" * self.rng.randint(20, 30) + e + ")" * self.rng.randint(20, 30)
        return e.replace("(", "", 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=20260123)
    ap.add_argument("--count", type=int, default=20000)
    ap.add_argument("--contexts", required=True, help="where to write the context list (JSON)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    g = Gen(rng)
    contexts = [g.context() for _ in range(60)]
    with open(args.contexts, "w", encoding="utf-8") as f:
        json.dump(contexts, f, ensure_ascii=False, indent=0)
        f.write("\n")
    for _ in range(args.count):
        ci = rng.randrange(len(contexts))
        e = g.expr(contexts[ci], rng.randint(1, 4))
        if rng.random() < 0.25:
            e = g.mutate(e)
        if not e.strip():
            # TypeScript crashes on an empty expression (GitHub's suite and
            # runner evaluate it to null; galley does too).
            e = "null"
        status = rng.choice(["success", "success", "failure", "cancelled"])
        print(json.dumps({"expr": e, "ctx": ci, "status": status}, ensure_ascii=False))


if __name__ == "__main__":
    main()
