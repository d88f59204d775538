#include "compiler/expr/azure_checker.h"

#include "compiler/expr/azure.h"
#include "compiler/expr/functions.h"
#include "compiler/expr/scalar_map.h"

namespace galley::expr::azure {

namespace {

constexpr const char* kRule = "expression";

std::string shortMessage(const std::string& m) {
  size_t at = m.find(". Located at position");
  return at == std::string::npos ? m : m.substr(0, at);
}

// Recursion is bounded by the parser's depth limit.
void walk(const Node& n, const LocationOf& where, const std::vector<std::string>& contexts,
          Diagnostics& diags, size_t* found) {
  for (const Node* a : n.args)
    walk(*a, where, contexts, diags, found);
  if (n.kind == NodeKind::Context) {
    bool known = false;
    for (const auto& c : contexts)
      known = known || equalsIgnoreCase(c, n.name);
    if (!known) {
      diags.error(where(n.nameOffset, n.name.size()), kRule, "unknown named value '" + n.name + "'",
                  didYouMean(n.name, contexts));
      ++*found;
    }
  }
  if (n.kind != NodeKind::Call) return;
  uint32_t lo, hi;
  if (!functionArity(n.name, &lo, &hi)) {
    diags.error(where(n.nameOffset, n.name.size()), kRule, "unknown function '" + n.name + "'",
                didYouMean(n.name, functionNames()));
    ++*found;
    return;
  }
  auto count = static_cast<uint32_t>(n.args.size());
  if (count >= lo && count <= hi) return;
  std::string want = lo == hi     ? "exactly " + std::to_string(lo)
                     : hi >= 1000 ? "at least " + std::to_string(lo)
                                  : std::to_string(lo) + " to " + std::to_string(hi);
  diags.error(where(n.nameOffset, n.name.size()), kRule,
              n.name + "() takes " + want + (hi == 1 && lo == 1 ? " argument" : " arguments") +
                  ", not " + std::to_string(count));
  ++*found;
}

}  // namespace

bool checkExpression(std::string_view text, const LocationOf& where,
                     const std::vector<std::string>& contexts, Diagnostics& diags) {
  Expression expr;
  ExprError err;
  if (!parse(text, &expr, &err)) {
    diags.error(where(err.offset, std::max<uint32_t>(err.length, 1)), kRule,
                shortMessage(err.message));
    return false;
  }
  size_t found = 0;
  walk(*expr.root, where, contexts, diags, &found);
  return found == 0;
}

bool checkScalar(const yaml::Node& node, const std::vector<std::string>& contexts,
                 Diagnostics& diags) {
  if (!node.isScalar()) return true;
  const std::string& v = node.value;
  ScalarMap map(node);
  bool ok = true;
  // ${{ ... }} anywhere; $[ ... ] (runtime) as the whole value.
  for (size_t pos = 0; (pos = v.find("${{", pos)) != std::string::npos;) {
    size_t close = v.find("}}", pos + 3);
    if (close == std::string::npos) {
      diags.error(map.location(pos, 3), kRule, "the expression is not closed: missing '}}'");
      return false;
    }
    size_t begin = pos + 3;
    LocationOf at = [&](size_t o, size_t n) { return map.location(begin + o, n); };
    ok = checkExpression(std::string_view(v).substr(begin, close - begin), at, contexts, diags) &&
         ok;
    pos = close + 2;
  }
  size_t b = v.find_first_not_of(" \t\r\n");
  if (b != std::string::npos && v.compare(b, 2, "$[") == 0) {
    size_t e = v.find_last_not_of(" \t\r\n");
    if (v[e] != ']') {
      diags.error(map.location(b, 2), kRule, "a runtime expression $[ ] must be the whole value");
      return false;
    }
    size_t begin = b + 2;
    LocationOf at = [&](size_t o, size_t n) { return map.location(begin + o, n); };
    ok = checkExpression(std::string_view(v).substr(begin, e - begin), at, contexts, diags) && ok;
  }
  return ok;
}

}  // namespace galley::expr::azure
