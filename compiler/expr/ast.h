// The syntax tree of one expression. Nodes live in the Expression that owns
// them; every node keeps the byte range of its source text.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "compiler/expr/lexer.h"
#include "compiler/expr/value.h"

namespace galley::expr {

enum class NodeKind : uint8_t {
  Literal,  // literal
  Context,  // name: a named value such as github
  Index,    // args[0][args[1]], or args[0].* / [*] when star
  Call,     // name(args...)
  Not,      // !args[0]
  Binary,   // args[0] op args[1]: == != < <= > >=
  Logical,  // args[0] op args[1] op ...: && or ||, returns an operand
  Group,    // (args[0])
};

struct Node {
  NodeKind kind = NodeKind::Literal;
  TokenType op = TokenType::Eof;  // Binary and Logical
  bool star = false;              // Index: a `*` filter
  bool property = false;          // Index: written as .name, not [expr]
  bool version = false;           // Literal: an Azure version such as 1.2.3 (a String)
  uint32_t offset = 0;            // byte range in the expression text
  uint32_t length = 0;
  uint32_t nameOffset = 0;  // Context, Call, Index(.name): where the name is
  std::string name;         // Context, Call, Index(.name): as written
  Value literal;            // Literal
  std::vector<Node*> args;
};

// The comparisons of a chain a == b != c < d ..., which nests to the left
// as long as the text allows (GitHub does not count it toward the depth
// limit): innermost first, so that walks of it need no recursion. The
// chain's first operand is front()->args[0].
inline std::vector<const Node*> comparisonChain(const Node& outermost) {
  std::vector<const Node*> chain;
  for (const Node* n = &outermost; n->kind == NodeKind::Binary; n = n->args[0])
    chain.push_back(n);
  return {chain.rbegin(), chain.rend()};
}

// A parsed expression: owns its text and nodes. root is nullptr for an empty
// expression (which evaluates to null).
struct Expression {
  std::string text;
  std::deque<Node> nodes;
  Node* root = nullptr;

  Node* make(NodeKind kind, uint32_t offset, uint32_t length) {
    Node& n = nodes.emplace_back();
    n.kind = kind;
    n.offset = offset;
    n.length = length;
    return &n;
  }
};

}  // namespace galley::expr
