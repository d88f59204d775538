#include "compiler/yaml.h"

#include <yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string>
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

namespace {

// Keys are short and most differ in length or first byte: those two settle
// the comparison before any call to memcmp.
bool sameKey(const std::string& k, std::string_view key) {
  return k.size() == key.size() &&
         (key.empty() || (k[0] == key[0] && std::memcmp(k.data(), key.data(), key.size()) == 0));
}

}  // namespace

const Entry* Node::entry(std::string_view key) const {
  for (const auto& e : entries)
    if (sameKey(e.key.value, key)) return &e;
  return nullptr;
}

const Node* Node::find(std::string_view key) const {
  const Entry* e = entry(key);
  return e ? &e->value : nullptr;
}

Node* Node::find(std::string_view key) {
  for (auto& e : entries)
    if (sameKey(e.key.value, key)) return &e.value;
  return nullptr;
}

std::optional<bool> Node::asBool() const {
  if (!isPlain()) return std::nullopt;
  // string_view comparisons check the length before any byte.
  std::string_view v = value;
  if (v == "true" || v == "True" || v == "TRUE") return true;
  if (v == "false" || v == "False" || v == "FALSE") return false;
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

Style scalarStyle(yaml_scalar_style_t s) {
  switch (s) {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE:
      return Style::SingleQuoted;
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
      return Style::DoubleQuoted;
    case YAML_LITERAL_SCALAR_STYLE:
      return Style::Literal;
    case YAML_FOLDED_SCALAR_STYLE:
      return Style::Folded;
    default:
      return Style::Plain;
  }
}

// Where a scalar's source text ends, for carets that underline the whole
// value. Block and multi-line scalars end where they begin: one caret.
size_t scalarEnd(const std::string& text, size_t begin, Style style, std::string_view value) {
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

// libyaml counts marks in characters; Locations count bytes. Converts with a
// cursor that walks the UTF-8 text from the last answer, since marks arrive
// almost in order. ASCII text (the common case) needs no walking.
class ByteOffsets {
 public:
  explicit ByteOffsets(std::string_view text) : text_(text) {
    // libyaml skips a byte order mark without counting it.
    if (text.substr(0, 3) == "\xEF\xBB\xBF") base_ = byte_ = 3;
    ascii_ = base_ == 0 && std::all_of(text.begin(), text.end(),
                                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  }

  size_t of(size_t charIndex) {
    if (ascii_) return std::min(charIndex, text_.size());
    while (char_ < charIndex && byte_ < text_.size()) {
      unsigned char c = static_cast<unsigned char>(text_[byte_]);
      byte_ += c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
      ++char_;
    }
    while (char_ > charIndex && byte_ > base_) {
      do
        --byte_;
      while (byte_ > base_ && (static_cast<unsigned char>(text_[byte_]) & 0xC0) == 0x80);
      --char_;
    }
    return std::min(byte_, text_.size());
  }

 private:
  std::string_view text_;
  bool ascii_ = true;
  size_t base_ = 0, byte_ = 0, char_ = 0;
};

// One libyaml event, freed when it goes out of scope.
struct Event {
  yaml_event_t e{};
  ~Event() { yaml_event_delete(&e); }
};

// Builds the node tree from libyaml's events. Errors (broken limits,
// aliases) are reported into diags and end the stream: `failed` says so.
class Builder {
 public:
  Builder(const SourceFile& file, Diagnostics& diags, const LoadLimits& limits,
          std::vector<Anchor>* anchorsOut)
      : file_(file),
        diags_(diags),
        limits_(limits),
        offsets_(file.text()),
        anchorsOut_(anchorsOut) {}

  std::vector<Node> documents;
  bool failed = false;

  void handle(const yaml_event_t& e) {
    switch (e.type) {
      case YAML_DOCUMENT_START_EVENT:
        stack_.clear();
        anchors_.clear();
        break;
      case YAML_DOCUMENT_END_EVENT:
        flushAnchors();
        break;
      case YAML_ALIAS_EVENT:
        alias(e);
        break;
      case YAML_SCALAR_EVENT:
        scalar(e);
        break;
      case YAML_SEQUENCE_START_EVENT:
        open(e, Kind::Sequence, e.data.sequence_start.anchor,
             e.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE);
        break;
      case YAML_MAPPING_START_EVENT:
        open(e, Kind::Mapping, e.data.mapping_start.anchor,
             e.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE);
        break;
      case YAML_SEQUENCE_END_EVENT:
        close();
        break;
      case YAML_MAPPING_END_EVENT:
        checkDuplicateKeys(stack_.back().node);
        close();
        break;
      default:
        break;
    }
  }

  // Hands the anchors defined so far to the caller: at each document's end,
  // and once more when reading ends (early, on an error, or at the stream's
  // end).
  void flushAnchors() {
    if (!anchorsOut_) return;
    for (auto& a : defined_)
      anchorsOut_->push_back(std::move(a));
    defined_.clear();
  }

  Location at(const yaml_mark_t& mark) {
    Position p = file_.positionOf(offsets_.of(mark.index));
    return {&file_, p, p};
  }

 private:
  struct Frame {
    Node node;
    std::string anchor;
    size_t defined = 0;    // index into defined_ when anchored
    size_t firstNode = 0;  // node count when the frame opened
    size_t firstByte = 0;  // scalar bytes when the frame opened
    bool haveKey = false;
    Node key;
  };
  // The newest node of each anchor name. An anchor names its node from the
  // `&` on, so while the node is open an alias to it would be recursive.
  struct Anchored {
    Node node;
    size_t nodes = 0;    // what one alias of it adds to the node budget
    size_t bytes = 0;    // and to the byte budget
    size_t defined = 0;  // index into defined_
    bool open = false;
  };

  void fail(Location where, std::string rule, std::string message) {
    diags_.error(where, std::move(rule), std::move(message));
    failed = true;
  }

  // Begins a node at its own text; a null with an anchor begins at the anchor.
  Node make(const yaml_event_t& e, Kind kind, bool hasProperties) {
    Node n;
    n.kind = kind;
    size_t offset = offsets_.of(e.start_mark.index);
    if (hasProperties && kind != Kind::Null) offset = skipProperties(file_.text(), offset);
    n.offset = static_cast<uint32_t>(offset);
    n.where.file = &file_;
    n.where.begin = file_.positionOf(offset);
    n.where.end = n.where.begin;
    return n;
  }

  // Adds n nodes holding `bytes` bytes of scalar text to the budgets. Both
  // count: an alias of a small node is cheap in bytes and dear in nodes, an
  // alias of one long string the other way round.
  bool count(const yaml_event_t& e, size_t n, size_t bytes) {
    nodes_ += n;
    bytes_ += bytes;
    if (nodes_ > limits_.maxNodes) {
      fail(at(e.start_mark), "yaml-limit",
           "document expands to more than " + std::to_string(limits_.maxNodes) +
               " nodes (aliases are expanded under a budget)");
      return false;
    }
    if (bytes_ > limits_.maxBytes) {
      fail(at(e.start_mark), "yaml-limit",
           "document expands to more than " + std::to_string(limits_.maxBytes) +
               " bytes of text (aliases are expanded under a budget)");
      return false;
    }
    return true;
  }

  void defineAnchor(const yaml_char_t* name, const yaml_event_t& e) {
    if (!name) return;
    Anchor a;
    a.name = reinterpret_cast<const char*>(name);
    a.where = at(e.start_mark);
    defined_.push_back(std::move(a));
  }

  void scalar(const yaml_event_t& e) {
    const auto& s = e.data.scalar;
    if (!count(e, 1, s.length)) return;
    std::string_view value(reinterpret_cast<const char*>(s.value), s.length);
    Style style = scalarStyle(s.style);
    // An untagged plain `~`, `null` or nothing is YAML's null.
    bool null =
        style == Style::Plain && !s.tag &&
        (value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL");
    Node n = make(e, null ? Kind::Null : Kind::Scalar, s.anchor || s.tag);
    n.value = value;
    if (!null) {
      n.style = style;
      n.where.end = file_.positionOf(scalarEnd(file_.text(), n.offset, style, value));
    } else if (!value.empty()) {
      n.where.end = file_.positionOf(n.offset + value.size());
    }
    defineAnchor(s.anchor, e);
    if (s.anchor)
      anchors_[reinterpret_cast<const char*>(s.anchor)] = {n, 1, s.length, defined_.size() - 1};
    place(std::move(n));
  }

  void alias(const yaml_event_t& e) {
    std::string name = reinterpret_cast<const char*>(e.data.alias.anchor);
    Location where = at(e.start_mark);
    auto it = anchors_.find(name);
    if (it == anchors_.end()) {
      fail(where, "yaml-syntax", "alias '*" + name + "' names no anchor defined before it");
      return;
    }
    Anchor& defined = defined_[it->second.defined];
    defined.used = true;
    if (it->second.open) {
      // Expanding it would never end; read it as null so checks go on.
      Diagnostic& d = diags_.error(where, "yaml-syntax",
                                   "alias '*" + name + "' is inside the node its anchor names");
      d.notes.push_back({defined.where, "'&" + name + "' is defined here"});
      Node n;
      n.where = where;
      n.offset = static_cast<uint32_t>(offsets_.of(e.start_mark.index));
      place(std::move(n));
      return;
    }
    if (!count(e, it->second.nodes, it->second.bytes)) return;
    place(Node(it->second.node));
  }

  void open(const yaml_event_t& e, Kind kind, const yaml_char_t* anchor, bool flow) {
    if (stack_.size() >= limits_.maxDepth) {
      fail(at(e.start_mark), "yaml-limit",
           "nesting is deeper than " + std::to_string(limits_.maxDepth) + " levels");
      return;
    }
    if (!count(e, 1, 0)) return;
    const yaml_char_t* tag =
        kind == Kind::Mapping ? e.data.mapping_start.tag : e.data.sequence_start.tag;
    Frame f;
    f.node = make(e, kind, anchor || tag);
    f.node.style = flow ? Style::Flow : Style::Block;
    if (anchor) {
      f.anchor = reinterpret_cast<const char*>(anchor);
      defineAnchor(anchor, e);
      f.defined = defined_.size() - 1;
      Anchored& a = anchors_[f.anchor];
      a = {};
      a.defined = f.defined;
      a.open = true;
    }
    f.firstNode = nodes_;
    f.firstByte = bytes_;
    stack_.push_back(std::move(f));
  }

  void close() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    Node& n = f.node;
    if (!n.items.empty()) n.where.end = n.items.back().where.end;
    if (!n.entries.empty()) n.where.end = n.entries.back().value.where.end;
    if (n.where.end < n.where.begin) n.where.end = n.where.begin;
    // Unless a newer anchor of the same name inside it took the name over.
    if (!f.anchor.empty()) {
      Anchored& a = anchors_[f.anchor];
      if (a.defined == f.defined)
        a = {n, nodes_ - f.firstNode + 1, bytes_ - f.firstByte, f.defined, false};
    }
    place(std::move(n));
  }

  void place(Node&& n) {
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
    auto report = [&](const Node& key, const Node& first) {
      Diagnostic& d = diags_.error(key.where, "duplicate-key",
                                   "key '" + key.value + "' is duplicated in this mapping");
      d.notes.push_back({first.where, "'" + key.value + "' is first defined here"});
    };
    const auto& entries = map.entries;
    // Most mappings are small: comparing pairs beats building a hash table.
    if (entries.size() <= 16) {
      for (size_t i = 1; i < entries.size(); ++i)
        for (size_t j = 0; j < i; ++j)
          if (entries[j].key.value == entries[i].key.value) {
            report(entries[i].key, entries[j].key);
            break;
          }
      return;
    }
    std::unordered_map<std::string_view, const Node*> seen;
    seen.reserve(entries.size());
    for (const auto& e : entries) {
      auto [it, fresh] = seen.emplace(e.key.value, &e.key);
      if (!fresh) report(e.key, *it->second);
    }
  }

  const SourceFile& file_;
  Diagnostics& diags_;
  const LoadLimits& limits_;
  ByteOffsets offsets_;
  std::vector<Anchor>* anchorsOut_;
  std::vector<Frame> stack_;
  std::unordered_map<std::string, Anchored> anchors_;
  std::vector<Anchor> defined_;
  size_t nodes_ = 0;
  size_t bytes_ = 0;
};

// The text of line `line` (0-based) of text, without its line break.
std::string_view lineOf(std::string_view text, size_t line) {
  size_t start = 0;
  for (size_t i = 0; i < line && start != std::string_view::npos; ++i) {
    start = text.find('\n', start);
    if (start != std::string_view::npos) ++start;
  }
  if (start == std::string_view::npos || start > text.size()) return {};
  size_t end = text.find('\n', start);
  return text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

// libyaml's own words, with where the construct it was reading began; a
// tab in a line's indentation, which libyaml calls "a character that cannot
// start any token", is named as what it is.
std::string syntaxMessage(const yaml_parser_t& p, std::string_view text) {
  std::string_view line = lineOf(text, p.problem_mark.line);
  size_t indent = line.find_first_not_of(" \t");
  std::string_view lead = line.substr(0, indent == std::string_view::npos ? line.size() : indent);
  if (lead.find('\t') != std::string_view::npos && p.problem_mark.column <= lead.size())
    return "a tab indents this line; YAML indents with spaces only";
  std::string m = p.problem ? p.problem : "malformed YAML";
  if (p.context)
    m += " (" + std::string(p.context) + " at line " + std::to_string(p.context_mark.line + 1) +
         ", column " + std::to_string(p.context_mark.column + 1) + ")";
  return m;
}

}  // namespace

// Skips a node's properties (`&anchor`, `!tag`) and the blanks, line breaks
// and comments after them: where the node's own text starts.
size_t skipProperties(const std::string& text, size_t i) {
  while (i < text.size() && (text[i] == '&' || text[i] == '!')) {
    while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '\n' &&
           text[i] != '\r')
      ++i;
    for (bool more = true; more && i < text.size();) {
      if (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r') {
        ++i;
      } else if (text[i] == '#') {
        while (i < text.size() && text[i] != '\n')
          ++i;
      } else {
        more = false;
      }
    }
  }
  return i;
}

std::vector<Node> loadAll(const SourceFile& file, Diagnostics& diags, const LoadLimits& limits,
                          std::vector<Anchor>* anchors) {
  size_t bad = 0;
  std::string problem = checkText(file.text(), &bad);
  if (!problem.empty()) {
    Position p = file.positionOf(bad);
    diags.error({&file, p, p}, "yaml-syntax", problem);
    return {};
  }
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) {
    diags.error({&file, {1, 1}, {1, 1}}, "yaml-limit", "out of memory starting the YAML parser");
    return {};
  }
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(file.text().data()),
                               file.text().size());
  Builder builder(file, diags, limits, anchors);
  for (bool done = false; !done && !builder.failed;) {
    Event event;
    if (!yaml_parser_parse(&parser, &event.e)) {
      Location where = builder.at(parser.problem_mark);
      diags.error(where, "yaml-syntax", syntaxMessage(parser, file.text()));
      break;
    }
    done = event.e.type == YAML_STREAM_END_EVENT;
    builder.handle(event.e);
  }
  builder.flushAnchors();
  yaml_parser_delete(&parser);
  return std::move(builder.documents);
}

std::optional<Node> load(const SourceFile& file, Diagnostics& diags, const LoadLimits& limits) {
  size_t before = diags.errorCount();
  std::vector<Node> docs = loadAll(file, diags, limits, nullptr);
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
