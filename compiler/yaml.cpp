#include "compiler/yaml.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>
#include <unordered_map>

namespace galley::yaml {

const char* kindName(Kind k) {
  switch (k) {
    case Kind::Null:
      return "null";
    case Kind::Scalar:
      return "scalar";
    case Kind::Sequence:
      return "sequence";
    case Kind::Mapping:
      return "mapping";
  }
  return "null";
}

const Entry* Node::entry(std::string_view key) const {
  for (const auto& e : entries)
    if (e.key.value == key) return &e;
  return nullptr;
}

const Node* Node::find(std::string_view key) const {
  const Entry* e = entry(key);
  return e ? &e->value : nullptr;
}

Node* Node::find(std::string_view key) {
  for (auto& e : entries)
    if (e.key.value == key) return &e.value;
  return nullptr;
}

std::optional<bool> Node::asBool() const {
  if (!isPlain()) return std::nullopt;
  if (value == "true" || value == "True" || value == "TRUE") return true;
  if (value == "false" || value == "False" || value == "FALSE") return false;
  return std::nullopt;
}

std::optional<double> Node::asNumber() const {
  if (!isPlain() || value.empty()) return std::nullopt;
  std::string_view s = value;
  if (s == ".inf" || s == "+.inf" || s == ".Inf") return HUGE_VAL;
  if (s == "-.inf" || s == "-.Inf") return -HUGE_VAL;
  if (s == ".nan" || s == ".NaN") return NAN;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
    unsigned long long n = 0;
    auto r = std::from_chars(s.data() + 2, s.data() + s.size(), n, s[1] == 'x' ? 16 : 8);
    if (r.ec == std::errc() && r.ptr == s.data() + s.size()) return static_cast<double>(n);
    return std::nullopt;
  }
  if (s[0] == '+') s.remove_prefix(1);
  // YAML 1.2 core: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
  size_t i = s.empty() || s[0] != '-' ? 0 : 1;
  bool digits = false;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
    ++i, digits = true;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
      ++i, digits = true;
  }
  if (!digits) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
      ++i;
    if (i == start) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  double d = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), d);
  if (r.ec != std::errc() && r.ec != std::errc::result_out_of_range) return std::nullopt;
  return d;
}

std::string Node::typeName() const {
  if (kind != Kind::Scalar) return kindName(kind);
  if (asBool()) return "boolean";
  if (asNumber()) return "number";
  return "string";
}

namespace {

// Thrown from the event handler to abandon a document that breaks a limit;
// caught in loadAll, never escapes this file.
struct LimitExceeded {
  YAML::Mark mark;
  std::string message;
};

Style styleAt(const SourceFile& file, size_t offset, bool flowCollection) {
  if (offset >= file.text().size()) return Style::Plain;
  switch (file.text()[offset]) {
    case '\'':
      return Style::SingleQuoted;
    case '"':
      return Style::DoubleQuoted;
    case '|':
      return Style::Literal;
    case '>':
      return Style::Folded;
    default:
      return flowCollection ? Style::Flow : Style::Plain;
  }
}

// Where a scalar's source text ends, for carets that underline the whole
// value. Block and multi-line scalars end where they begin: one caret.
size_t scalarEnd(const std::string& text, size_t begin, Style style, const std::string& value) {
  if (style == Style::SingleQuoted || style == Style::DoubleQuoted) {
    char q = text[begin];
    for (size_t i = begin + 1; i < text.size() && text[i] != '\n'; ++i) {
      if (style == Style::DoubleQuoted && text[i] == '\\') {
        ++i;
        continue;
      }
      if (text[i] == q) {
        if (style == Style::SingleQuoted && i + 1 < text.size() && text[i + 1] == q) {
          ++i;
          continue;
        }
        return i + 1;
      }
    }
    return begin + 1;
  }
  if (style == Style::Plain && text.compare(begin, value.size(), value) == 0)
    return begin + value.size();
  return begin + 1;
}

class Builder : public YAML::EventHandler {
 public:
  Builder(const SourceFile& file, Diagnostics& diags, const LoadLimits& limits)
      : file_(file), diags_(diags), limits_(limits) {}

  std::vector<Node> documents;

  void OnDocumentStart(const YAML::Mark&) override {
    stack_.clear();
    anchors_.clear();
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Node n = make(mark, Kind::Null);
    n.where.end = n.where.begin;
    finish(std::move(n), anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) throw LimitExceeded{mark, "alias refers to an unknown anchor"};
    count(mark, it->second.second);
    Node copy = it->second.first;
    finish(std::move(copy), 0);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    Node n = make(mark, Kind::Scalar);
    n.style = styleAt(file_, mark.pos, false);
    n.value = value;
    // yaml-cpp tags a plain "~"/"null" as "?"; keep them as Null so that
    // `key: null` and `key:` mean the same.
    if (n.style == Style::Plain && tag == "?" &&
        (value == "~" || value == "null" || value == "Null" || value == "NULL")) {
      n.kind = Kind::Null;
    }
    n.where.end = file_.positionOf(scalarEnd(file_.text(), mark.pos, n.style, value));
    finish(std::move(n), anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override {
    open(mark, Kind::Sequence, anchor, style);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override {
    open(mark, Kind::Mapping, anchor, style);
  }
  void OnMapEnd() override {
    checkDuplicateKeys(stack_.back().node);
    close();
  }

 private:
  struct Frame {
    Node node;
    YAML::anchor_t anchor = 0;
    size_t firstNode = 0;  // node count when the frame opened
    bool haveKey = false;
    Node key;
  };

  Node make(const YAML::Mark& mark, Kind kind) {
    count(mark, 1);
    Node n;
    n.kind = kind;
    n.offset = static_cast<uint32_t>(mark.pos);
    n.where.file = &file_;
    n.where.begin = {static_cast<uint32_t>(mark.line + 1), static_cast<uint32_t>(mark.column + 1)};
    return n;
  }

  void count(const YAML::Mark& mark, size_t n) {
    nodes_ += n;
    if (nodes_ > limits_.maxNodes)
      throw LimitExceeded{mark, "document expands to more than " +
                                    std::to_string(limits_.maxNodes) +
                                    " nodes (aliases are expanded under a budget)"};
  }

  void open(const YAML::Mark& mark, Kind kind, YAML::anchor_t anchor,
            YAML::EmitterStyle::value style) {
    if (stack_.size() >= limits_.maxDepth)
      throw LimitExceeded{mark,
                          "nesting is deeper than " + std::to_string(limits_.maxDepth) + " levels"};
    Frame f;
    f.node = make(mark, kind);
    f.node.style = style == YAML::EmitterStyle::Flow ? Style::Flow : Style::Block;
    f.anchor = anchor;
    f.firstNode = nodes_;
    stack_.push_back(std::move(f));
  }

  void close() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    Node& n = f.node;
    n.where.end = n.where.begin;
    if (!n.items.empty()) n.where.end = n.items.back().where.end;
    if (!n.entries.empty()) n.where.end = n.entries.back().value.where.end;
    if (n.where.end < n.where.begin) n.where.end = n.where.begin;
    if (f.anchor) anchors_[f.anchor] = {n, nodes_ - f.firstNode + 1};
    place(std::move(n));
  }

  void finish(Node n, YAML::anchor_t anchor) {
    if (anchor) anchors_[anchor] = {n, 1};
    place(std::move(n));
  }

  void place(Node n) {
    if (stack_.empty()) {
      documents.push_back(std::move(n));
      return;
    }
    Frame& top = stack_.back();
    if (top.node.kind == Kind::Sequence) {
      top.node.items.push_back(std::move(n));
    } else if (!top.haveKey) {
      if (n.kind == Kind::Sequence || n.kind == Kind::Mapping)
        diags_.error(n.where, "yaml-syntax", "mapping keys must be scalars");
      top.key = std::move(n);
      top.haveKey = true;
    } else {
      top.node.entries.push_back({std::move(top.key), std::move(n)});
      top.haveKey = false;
    }
  }

  void checkDuplicateKeys(const Node& map) {
    std::unordered_map<std::string_view, const Node*> seen;
    seen.reserve(map.entries.size());
    for (const auto& e : map.entries) {
      auto [it, fresh] = seen.emplace(e.key.value, &e.key);
      if (fresh) continue;
      Diagnostic& d = diags_.error(e.key.where, "duplicate-key",
                                   "key '" + e.key.value + "' is duplicated in this mapping");
      d.notes.push_back({it->second->where, "'" + e.key.value + "' is first defined here"});
    }
  }

  const SourceFile& file_;
  Diagnostics& diags_;
  const LoadLimits& limits_;
  std::vector<Frame> stack_;
  std::unordered_map<YAML::anchor_t, std::pair<Node, size_t>> anchors_;
  size_t nodes_ = 0;
};

Location markLocation(const SourceFile& file, const YAML::Mark& mark) {
  Location at{&file, {1, 1}, {1, 1}};
  if (mark.line >= 0) {
    at.begin = {static_cast<uint32_t>(mark.line + 1), static_cast<uint32_t>(mark.column + 1)};
    at.end = at.begin;
  }
  return at;
}

}  // namespace

std::vector<Node> loadAll(const SourceFile& file, Diagnostics& diags, const LoadLimits& limits) {
  size_t bad = 0;
  std::string problem = checkText(file.text(), &bad);
  if (!problem.empty()) {
    Position p = file.positionOf(bad);
    diags.error({&file, p, p}, "yaml-syntax", problem);
    return {};
  }
  Builder builder(file, diags, limits);
  std::istringstream in(file.text());
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const LimitExceeded& e) {
    diags.error(markLocation(file, e.mark), "yaml-limit", e.message);
  } catch (const YAML::ParserException& e) {
    diags.error(markLocation(file, e.mark), "yaml-syntax", e.msg);
  } catch (const YAML::Exception& e) {
    diags.error(markLocation(file, e.mark), "yaml-syntax", e.msg);
  }
  return std::move(builder.documents);
}

std::optional<Node> load(const SourceFile& file, Diagnostics& diags, const LoadLimits& limits) {
  size_t before = diags.errorCount();
  std::vector<Node> docs = loadAll(file, diags, limits);
  if (diags.errorCount() > before) return std::nullopt;
  if (docs.empty()) {
    Node empty;
    empty.where = {&file, {1, 1}, {1, 1}};
    return empty;
  }
  if (docs.size() > 1) {
    diags.error(docs[1].where, "yaml-syntax",
                "expected one YAML document, found " + std::to_string(docs.size()));
    return std::nullopt;
  }
  return std::move(docs.front());
}

}  // namespace galley::yaml
