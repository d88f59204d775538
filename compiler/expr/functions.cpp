#include "compiler/expr/functions.h"

#include <array>

namespace galley::expr {

bool EvalHost::hashFiles(std::span<const std::string>, std::string*, std::string* err) {
  *err = "hashFiles() needs a workspace, and none is available here";
  return false;
}

namespace {

using Args = std::span<const Value>;

CallResult ok(Value v) {
  return {std::move(v), {}};
}
CallResult error(std::string message) {
  return {Value(), std::move(message)};
}

CallResult contains(Args args, EvalHost&) {
  const Value& hay = args[0];
  const Value& needle = args[1];
  if (hay.isPrimitive()) {
    if (!needle.isPrimitive()) return ok(Value::boolean(false));
    return ok(Value::boolean(foldCase(toString(hay)).find(foldCase(toString(needle))) !=
                             std::string::npos));
  }
  if (hay.kind() == Kind::Array)
    for (const Value& item : hay.items())
      if (looseEquals(needle, item)) return ok(Value::boolean(true));
  return ok(Value::boolean(false));
}

CallResult startsWith(Args args, EvalHost&) {
  if (!args[0].isPrimitive() || !args[1].isPrimitive()) return ok(Value::boolean(false));
  std::string s = foldCase(toString(args[0])), p = foldCase(toString(args[1]));
  return ok(Value::boolean(s.starts_with(p)));
}

CallResult endsWith(Args args, EvalHost&) {
  if (!args[0].isPrimitive() || !args[1].isPrimitive()) return ok(Value::boolean(false));
  std::string s = foldCase(toString(args[0])), p = foldCase(toString(args[1]));
  return ok(Value::boolean(s.ends_with(p)));
}

// format('{0} {{literal}}', x): '{{' and '}}' escape braces; '{N}' takes
// argument N. Anything else with a brace is an invalid format string.
CallResult format(Args args, EvalHost&) {
  std::string fs = toString(args[0]);
  std::string out;
  size_t i = 0;
  auto invalid = [&] { return error("The following format string is invalid: " + fs); };
  while (i < fs.size()) {
    size_t l = fs.find('{', i), r = fs.find('}', i);
    if (l != std::string::npos && (r == std::string::npos || r > l)) {
      if (l + 1 < fs.size() && fs[l + 1] == '{') {
        out.append(fs, i, l - i + 1);
        i = l + 2;
        continue;
      }
      if (r == std::string::npos || r <= l + 1) return invalid();
      size_t d = l + 1;
      while (d < fs.size() && fs[d] >= '0' && fs[d] <= '9')
        ++d;
      // As GitHub does, text after the digits up to the '}' is ignored.
      if (d == l + 1) return invalid();
      // More digits than any argument list could need: out of range.
      size_t index = d - (l + 1) > 6 ? SIZE_MAX : std::stoul(fs.substr(l + 1, d - l - 1));
      if (index >= args.size() - 1)
        return error("The following format string references more arguments than were supplied: " +
                     fs);
      out.append(fs, i, l - i);
      out += toString(args[1 + index]);
      i = r + 1;
    } else if (r != std::string::npos) {
      if (r + 1 < fs.size() && fs[r + 1] == '}') {
        out.append(fs, i, r - i + 1);
        i = r + 2;
      } else {
        return invalid();
      }
    } else {
      out.append(fs, i, std::string::npos);
      break;
    }
  }
  return ok(Value::string(std::move(out)));
}

CallResult join(Args args, EvalHost&) {
  if (args[0].isPrimitive()) return ok(Value::string(toString(args[0])));
  if (args[0].kind() != Kind::Array) return ok(Value::string(""));
  std::string sep = args.size() > 1 && args[1].isPrimitive() ? toString(args[1]) : ",";
  std::string out;
  bool first = true;
  for (const Value& item : args[0].items()) {
    if (!first) out += sep;
    first = false;
    out += toString(item);
  }
  return ok(Value::string(std::move(out)));
}

CallResult toJsonFn(Args args, EvalHost&) {
  return ok(Value::string(toJson(args[0])));
}

CallResult fromJsonFn(Args args, EvalHost&) {
  std::string text = toString(args[0]);
  if (text.find_first_not_of(" \t\r\n\v\f") == std::string::npos) return error("empty input");
  Value v;
  std::string err;
  if (!parseJson(text, &v, &err))
    return error("Error parsing JSON when evaluating fromJson: " + err);
  return ok(std::move(v));
}

CallResult hashFiles(Args args, EvalHost& host) {
  std::vector<std::string> patterns;
  for (const Value& a : args)
    patterns.push_back(toString(a));
  std::string hash, err;
  if (!host.hashFiles(patterns, &hash, &err)) return error(err);
  return ok(Value::string(hash));
}

CallResult caseFn(Args args, EvalHost&) {
  for (size_t i = 0; i + 1 < args.size(); i += 2) {
    if (args[i].kind() != Kind::Boolean)
      return error("case predicate must evaluate to a boolean value");
    if (args[i].asBool()) return ok(args[i + 1]);
  }
  return ok(args.back());
}

CallResult success(Args, EvalHost& h) {
  return ok(Value::boolean(h.status() == JobStatus::Success));
}
CallResult failure(Args, EvalHost& h) {
  return ok(Value::boolean(h.status() == JobStatus::Failure));
}
CallResult cancelled(Args, EvalHost& h) {
  return ok(Value::boolean(h.status() == JobStatus::Cancelled));
}
CallResult always(Args, EvalHost&) {
  return ok(Value::boolean(true));
}

constexpr uint32_t kMany = 255;  // GitHub's cap on arguments

const std::array<FunctionSpec, 13> kGithub = {{
    {"contains", 2, 2, false, false, contains},
    {"startsWith", 2, 2, false, false, startsWith},
    {"endsWith", 2, 2, false, false, endsWith},
    {"format", 1, kMany, false, false, format},
    {"join", 1, 2, false, false, join},
    {"toJSON", 1, 1, false, false, toJsonFn},
    {"fromJSON", 1, 1, false, false, fromJsonFn},
    {"hashFiles", 1, kMany, false, false, hashFiles},
    {"case", 3, UINT32_MAX, true, false, caseFn},
    {"success", 0, 0, false, true, success},
    {"failure", 0, 0, false, true, failure},
    {"cancelled", 0, 0, false, true, cancelled},
    {"always", 0, 0, false, true, always},
}};

}  // namespace

std::span<const FunctionSpec> githubFunctions() {
  return kGithub;
}

const FunctionSpec* findFunction(std::span<const FunctionSpec> table, std::string_view name) {
  for (const FunctionSpec& f : table)
    if (equalsIgnoreCase(f.name, name)) return &f;
  return nullptr;
}

}  // namespace galley::expr
