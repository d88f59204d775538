#include "compiler/expr/parser.h"

#include <doctest/doctest.h>

namespace galley::expr {
namespace {

std::string tokens(std::string_view text) {
  std::vector<Token> ts;
  ExprError err;
  if (!lex(text, &ts, &err)) return "error@" + std::to_string(err.offset) + ": " + err.message;
  std::string out;
  for (const Token& t : ts)
    out += std::to_string(t.offset) + ":" + std::string(t.text) + " ";
  return out;
}

TEST_CASE("expression tokens carry their byte offsets") {
  CHECK(tokens("github.ref == 'a''b'") == "0:github 6:. 7:ref 11:== 14:'a''b' 20: ");
  CHECK(tokens("!x.*[0]>=.5") == "0:! 1:x 2:. 3:* 4:[ 5:0 6:] 7:>= 9:.5 11: ");
  CHECK(tokens("a.true") == "0:a 1:. 2:true 6: ");
  CHECK(tokens("1 @x") ==
        "error@2: Unexpected symbol: '@x'. Located at position 3 within expression: 1 @x");
}

// "kind@offset+length" for each node, depth first.
void describe(const Node& n, std::string& out) {
  static const char* kinds[] = {"lit", "ctx", "idx", "call", "not", "bin", "log", "grp"};
  out += std::string(kinds[static_cast<int>(n.kind)]) + "@" + std::to_string(n.offset) + "+" +
         std::to_string(n.length) + " ";
  for (const Node* a : n.args)
    describe(*a, out);
}

std::string tree(std::string_view text) {
  ParseOptions o;
  o.contexts = {"github", "matrix"};
  Expression e;
  ExprError err;
  if (!parse(text, o, &e, &err)) return "error: " + err.message;
  std::string out;
  if (e.root) describe(*e.root, out);
  return out;
}

TEST_CASE("expression nodes span their source text") {
  CHECK(tree("github.ref == 'x'") == "bin@0+17 idx@0+10 ctx@0+6 lit@7+3 lit@14+3 ");
  CHECK(tree("!contains(matrix.os, 'a') || (1)") ==
        "log@0+32 not@0+25 call@1+24 idx@10+9 ctx@10+6 lit@17+2 lit@21+3 grp@29+3 lit@30+1 ");
  CHECK(tree("") == "");
}

TEST_CASE("expression && binds tighter than ||, comparisons tighter than &&") {
  CHECK(tree("1 || 2 && 3 == 4") ==
        "log@0+16 lit@0+1 log@5+11 lit@5+1 bin@10+6 lit@10+1 lit@15+1 ");
}

TEST_CASE("expression parser in permissive mode accepts unknown names for the checker") {
  ParseOptions o;
  o.permissive = true;
  Expression e;
  ExprError err;
  CHECK(parse("nope.x && frob(1, 2, 3)", o, &e, &err));
  o.permissive = false;
  CHECK(!parse("nope.x", o, &e, &err));
  CHECK(err.message ==
        "Unrecognized named-value: 'nope'. Located at position 1 within expression: nope.x");
}

}  // namespace
}  // namespace galley::expr

TEST_CASE("parseCached shares one tree per text and options, and never caches an error") {
  galley::expr::ParseOptions options;
  options.permissive = true;
  galley::expr::ExprError err;
  const galley::expr::Expression* a = galley::expr::parseCached("matrix.os", options, &err);
  REQUIRE(a);
  CHECK(a == galley::expr::parseCached("matrix.os", options, &err));
  CHECK(a != galley::expr::parseCached("matrix.arch", options, &err));
  galley::expr::ParseOptions strict;
  CHECK(a != galley::expr::parseCached("matrix.os", strict, &err));
  CHECK_FALSE(galley::expr::parseCached("a ==", options, &err));
  CHECK(err.kind == "parsing");
  CHECK_FALSE(galley::expr::parseCached("a ==", options, &err));
}

TEST_CASE("parseCached: a permissive parse is shared whatever the function list") {
  // Keys under different contexts allow different functions; a permissive
  // parse reads none of them, so they share its tree.
  galley::expr::ParseOptions all, none;
  all.permissive = none.permissive = true;
  none.functions = {};
  galley::expr::ExprError err;
  const galley::expr::Expression* a = galley::expr::parseCached("format('{0}', x)", all, &err);
  REQUIRE(a);
  CHECK(a == galley::expr::parseCached("format('{0}', x)", none, &err));
  // A strict parse checks calls against its list: not shared.
  all.permissive = none.permissive = false;
  CHECK(galley::expr::parseCached("format('{0}', 1)", all, &err));
  CHECK_FALSE(galley::expr::parseCached("format('{0}', 1)", none, &err));
  CHECK(err.message.starts_with("Unrecognized function"));
}

TEST_CASE("clearParseCache drops the trees, and the texts parse again") {
  galley::expr::ParseOptions options;
  options.permissive = true;
  galley::expr::ExprError err;
  galley::expr::clearParseCache();
  const galley::expr::Expression* a =
      galley::expr::parseCached("github.event.pull_request.head.sha", options, &err);
  REQUIRE(a);
  CHECK(galley::expr::parseCached("matrix.os", options, &err));
  galley::expr::clearParseCache();
  galley::expr::clearParseCache();  // twice in a row: nothing left to drop
  const galley::expr::Expression* b =
      galley::expr::parseCached("github.event.pull_request.head.sha", options, &err);
  REQUIRE(b);
  CHECK(b->text == "github.event.pull_request.head.sha");
  REQUIRE(b->root);
  CHECK(b->root->kind == galley::expr::NodeKind::Index);
  CHECK(b->nodes.size() == 9);  // github and four .name indexes, each with its key
  CHECK(b == galley::expr::parseCached("github.event.pull_request.head.sha", options, &err));
}
