#include "compiler/expr/template.h"

#include "compiler/expr/parser.h"

namespace galley::expr {

namespace {

// The offset just past the `}}` that closes an expression whose text starts
// at begin, or npos. Quoted strings are skipped: '}}' in one does not close.
size_t closing(std::string_view s, size_t begin) {
  bool quoted = false;
  for (size_t i = begin; i < s.size(); ++i) {
    if (s[i] == '\'') {
      quoted = !quoted;  // '' inside a string toggles twice: no net change
    } else if (!quoted && s[i] == '}' && i + 1 < s.size() && s[i + 1] == '}') {
      return i + 2;
    }
  }
  return std::string_view::npos;
}

std::string_view trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Every node of the tree is in its deque: no walk needed.
bool callsStatusFunction(const Expression& tree) {
  for (const Node& n : tree.nodes) {
    if (n.kind != NodeKind::Call) continue;
    const FunctionSpec* f = findFunction(githubFunctions(), n.name);
    if (f && f->status) return true;
  }
  return false;
}

// format('literal {0} text', expr0, ...): how GitHub reads a string that
// mixes literal text and `${{ }}`.
std::string asFormatCall(const std::vector<Segment>& segments) {
  std::string pattern, args;
  int n = 0;
  for (const Segment& s : segments) {
    if (s.expression) {
      pattern += "{" + std::to_string(n++) + "}";
      args += ", " + std::string(trim(s.text));
      continue;
    }
    for (char c : s.text) {
      if (c == '\'')
        pattern += "''";
      else if (c == '{')
        pattern += "{{";
      else if (c == '}')
        pattern += "}}";
      else
        pattern.push_back(c);
    }
  }
  return "format('" + pattern + "'" + args + ")";
}

}  // namespace

bool splitTemplate(std::string_view value, std::vector<Segment>* out, ExprError* err) {
  out->clear();
  size_t pos = 0;
  while (pos < value.size()) {
    size_t open = findExpressionOpen(value, pos);
    if (open == std::string_view::npos) {
      out->push_back({false, value.substr(pos), static_cast<uint32_t>(pos)});
      break;
    }
    if (open > pos)
      out->push_back({false, value.substr(pos, open - pos), static_cast<uint32_t>(pos)});
    size_t end = closing(value, open + 3);
    if (end == std::string_view::npos) {
      err->kind = "parsing";
      err->offset = static_cast<uint32_t>(open);
      err->length = 3;
      err->message =
          "The expression is not closed. An unescaped ${{ sequence was found, but the closing }} "
          "sequence was not found.";
      return false;
    }
    out->push_back(
        {true, value.substr(open + 3, end - 2 - (open + 3)), static_cast<uint32_t>(open + 3)});
    pos = end;
  }
  return true;
}

EvalResult interpolate(std::string_view value, const Value& contexts, EvalHost& host) {
  std::vector<Segment> segments;
  ExprError err;
  if (!splitTemplate(value, &segments, &err)) return {false, Value(), err.message, err.kind};
  if (segments.size() == 1 && segments[0].expression)
    return evaluateText(segments[0].text, contexts, host);
  std::string out;
  for (const Segment& s : segments) {
    if (!s.expression) {
      out += s.text;
      continue;
    }
    EvalResult r = evaluateText(s.text, contexts, host);
    if (!r.ok) return r;
    out += toString(r.value);
  }
  return {true, Value::string(std::move(out)), {}, {}};
}

bool ifExpression(std::string_view condition, std::string* expression, ExprError* err) {
  std::vector<Segment> segments;
  if (!splitTemplate(trim(condition), &segments, err)) return false;
  std::string text;
  if (segments.empty())
    text = "";
  else if (segments.size() == 1)
    text = segments[0].text;
  else
    text = asFormatCall(segments);
  if (trim(text).empty()) {
    *expression = "success()";
    return true;
  }
  ParseOptions options;
  options.permissive = true;
  Expression parsed;
  if (!parse(text, options, &parsed, err)) return false;
  *expression = callsStatusFunction(parsed) ? text : "success() && (" + text + ")";
  return true;
}

EvalResult evaluateIf(std::string_view condition, const Value& contexts, EvalHost& host) {
  std::string expression;
  ExprError err;
  if (!ifExpression(condition, &expression, &err)) return {false, Value(), err.message, err.kind};
  EvalResult r = evaluateText(expression, contexts, host);
  if (r.ok) r.value = Value::boolean(truthy(r.value));
  return r;
}

}  // namespace galley::expr
