#include "compiler/workflow_template.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <set>

#include "compiler/ascii.h"
#include "compiler/expr/parser.h"
#include "compiler/lint/schema.h"

namespace galley::wf {

namespace {

using lint::SchemaDefinition;
using Kind = SchemaDefinition::Kind;

const char* const kRule = "workflow-syntax";
constexpr std::string_view kOpen = "${{";

const lint::Schema& schema() {
  return lint::Schema::workflow();
}

constexpr size_t kTokenBytes = 24;
constexpr size_t kStringBytes = 26;

size_t utf16Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
    if (c >= 0xF0) ++n;  // outside the BMP: a surrogate pair
  }
  return n;
}

// The literal types of GitHub's template tokens. A plain scalar is read
// with the YAML 1.2 core schema, as GitHub's YAML readers do.
enum class Literal { Null, Boolean, Number, String };

Literal literalType(const yaml::Node& n) {
  if (n.isNull()) return Literal::Null;
  if (n.isPlain()) {
    if (n.asBool()) return Literal::Boolean;
    if (coreNumber(n)) return Literal::Number;
  }
  return Literal::String;
}

}  // namespace

// GitHub's service writes a number as a string with 15 significant digits
// (.NET's "G15"): 0.84551240822557006 is "0.84551240822557", 1e18
// "1E+18"; the exponent keeps at least two digits.
std::string numberText(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return "0";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15G", d);
  return buf;
}

std::optional<double> coreNumber(const yaml::Node& n) {
  if (auto d = n.asNumber()) {
    // Decimal digits past a double's range read as infinity, as GitHub's
    // service reads them.
    std::string_view v = n.value;
    bool based = v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'o');
    bool special = v.find_first_of("nN") != std::string_view::npos;  // .inf, .nan
    if (!based && !special) return std::strtod(n.value.c_str(), nullptr);
    return d;
  }
  if (!n.isPlain()) return std::nullopt;
  // YAML 1.2 core spellings the loader leaves as strings.
  std::string_view v = n.value;
  bool negative = false;
  if (!v.empty() && (v[0] == '+' || v[0] == '-')) {
    negative = v[0] == '-';
    v.remove_prefix(1);
  }
  if (v == ".inf" || v == ".Inf" || v == ".INF") return negative ? -HUGE_VAL : HUGE_VAL;
  if (n.value == ".nan" || n.value == ".NaN" || n.value == ".NAN") return NAN;
  return std::nullopt;
}

namespace {

// A literal as GitHub writes it where a string is wanted.
std::string literalText(const yaml::Node& n) {
  switch (literalType(n)) {
    case Literal::Null:
      return "";
    case Literal::Boolean:
      return *n.asBool() ? "true" : "false";
    case Literal::Number:
      return numberText(*coreNumber(n));
    case Literal::String:
      return n.value;
  }
  return n.value;
}

// The node as a string scalar: quoted, so that it never reads as a boolean,
// number or null again.
yaml::Node asString(const yaml::Node& n, std::string text) {
  yaml::Node s = n;
  s.kind = yaml::Kind::Scalar;
  s.style = yaml::Style::DoubleQuoted;
  s.value = std::move(text);
  return s;
}

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// The length of a Unicode space at the start (or, with atEnd, the end) of s:
// the trims of GitHub's parsers drop U+00A0 and U+FEFF too.
size_t unicodeSpace(std::string_view s, bool atEnd) {
  for (std::string_view u : {std::string_view("\xC2\xA0"), std::string_view("\xEF\xBB\xBF"),
                             std::string_view("\xE3\x80\x80")})
    if (atEnd ? s.ends_with(u) : s.starts_with(u)) return u.size();
  return 0;
}

std::string_view trim(std::string_view s) {
  for (;;) {
    if (!s.empty() && isSpace(s.front()))
      s.remove_prefix(1);
    else if (size_t n = unicodeSpace(s, false))
      s.remove_prefix(n);
    else
      break;
  }
  for (;;) {
    if (!s.empty() && isSpace(s.back()))
      s.remove_suffix(1);
    else if (size_t n = unicodeSpace(s, true))
      s.remove_suffix(n);
    else
      break;
  }
  return s;
}

// One piece of a scalar that holds `${{`.
struct Piece {
  bool expression = false;
  std::string text;  // literal text, or the trimmed expression
};

// Splits value at each `${{ }}` as GitHub's reader does: a `}}` inside a
// single-quoted string does not close. false when one is not closed.
bool splitPieces(std::string_view raw, std::vector<Piece>* out) {
  size_t i = 0;
  size_t start = raw.find(kOpen);
  while (i < raw.size()) {
    if (start == std::string_view::npos) {
      out->push_back({false, std::string(raw.substr(i))});
      break;
    }
    if (i < start) {
      out->push_back({false, std::string(raw.substr(i, start - i))});
      i = start;
      continue;
    }
    size_t end = std::string_view::npos;
    bool inString = false;
    for (i = start + kOpen.size(); i < raw.size(); ++i) {
      if (raw[i] == '\'') {
        inString = !inString;
      } else if (!inString && raw[i] == '}' && raw[i - 1] == '}') {
        end = i;
        ++i;
        break;
      }
    }
    if (end == std::string_view::npos) return false;
    std::string_view inner = raw.substr(start + 3, end - 1 - (start + 3));
    out->push_back({true, std::string(inner)});
    start = raw.find(kOpen, i);
  }
  return true;
}

// `'text'` as a literal: the text, or nullopt when the expression is more
// than one string literal.
std::optional<std::string> stringLiteral(std::string_view trimmed) {
  std::string result;
  bool inString = false;
  for (size_t i = 0; i < trimmed.size(); ++i) {
    char c = trimmed[i];
    if (c == '\'') {
      inString = !inString;
      if (inString && i != 0) result += c;
    } else if (!inString) {
      return std::nullopt;
    } else {
      result += c;
    }
  }
  return result;
}

// `insert` followed by nothing or blanks: GitHub's one directive. *params
// counts the words after it.
bool isInsertDirective(std::string_view trimmed, size_t* params) {
  constexpr std::string_view kInsert = "insert";
  if (!trimmed.starts_with(kInsert)) return false;
  if (trimmed.size() != kInsert.size() && !isSpace(trimmed[kInsert.size()])) return false;
  std::string_view rest = trim(trimmed.substr(kInsert.size()));
  *params = 0;
  bool inWord = false;
  for (char c : rest) {
    if (isSpace(c)) {
      inWord = false;
    } else if (!inWord) {
      inWord = true;
      ++*params;
    }
  }
  return true;
}

std::string formatExpression(const std::vector<Piece>& pieces) {
  std::string format, args;
  int index = 0;
  for (const Piece& p : pieces) {
    if (!p.expression) {
      for (char c : p.text) {
        if (c == '\'')
          format += "''";
        else if (c == '{')
          format += "{{";
        else if (c == '}')
          format += "}}";
        else
          format += c;
      }
      continue;
    }
    format += "{" + std::to_string(index++) + "}";
    args += ", " + p.text;
  }
  return "format('" + format + "'" + args + ")";
}

// The expression of pieces already checked: one expression as it is, a
// string literal as nullopt (the caller keeps the text), else format().
std::string joinPieces(const std::vector<Piece>& pieces) {
  std::vector<Piece> merged;
  for (const Piece& p : pieces) {
    if (!p.expression && !merged.empty() && !merged.back().expression)
      merged.back().text += p.text;
    else if (p.expression)
      merged.push_back({true, std::string(trim(p.text))});
    else
      merged.push_back(p);
  }
  if (merged.size() == 1 && merged[0].expression) return merged[0].text;
  return formatExpression(merged);
}

// A context list of the schema split into named values and functions
// (`hashFiles(1,255)`), as parse options.
struct ContextInfo {
  std::vector<std::string_view> items;
  std::vector<expr::FunctionSpec> functions;
  expr::ParseOptions options;
};

bool parseFunctionItem(std::string_view item, std::string_view* name, uint32_t* min,
                       uint32_t* max) {
  size_t open = item.find('(');
  if (open == std::string_view::npos || open == 0 || item.back() != ')') return false;
  std::string_view args = item.substr(open + 1, item.size() - open - 2);
  size_t comma = args.find(',');
  if (comma == std::string_view::npos) return false;
  std::string_view lo = args.substr(0, comma), hi = args.substr(comma + 1);
  *name = item.substr(0, open);
  *min = 0;
  std::from_chars(lo.data(), lo.data() + lo.size(), *min);
  *max = UINT32_MAX;
  if (hi != "MAX") std::from_chars(hi.data(), hi.data() + hi.size(), *max);
  return true;
}

void buildOptions(ContextInfo& info) {
  // Functions every expression may call; the status functions and
  // hashFiles only where the schema lists them.
  for (const expr::FunctionSpec& f : expr::githubFunctions())
    if (!f.status && f.name != "hashFiles") info.functions.push_back(f);
  for (std::string_view item : info.items) {
    std::string_view name;
    uint32_t min = 0, max = 0;
    if (parseFunctionItem(item, &name, &min, &max)) {
      if (const expr::FunctionSpec* f = expr::findFunction(expr::githubFunctions(), name)) {
        expr::FunctionSpec copy = *f;
        copy.minArgs = min;
        copy.maxArgs = max;
        info.functions.push_back(copy);
      }
      continue;
    }
    info.options.contexts.emplace_back(item);
  }
  info.options.functions = info.functions;
}

bool checkWith(std::string_view text, const expr::ParseOptions& options, std::string* err,
               bool* statusCall) {
  expr::Expression tree;
  expr::ExprError e;
  if (!expr::parse(text, options, &tree, &e)) {
    *err = e.message;
    // GitHub calls input that ends where a token is due (`contains('a',
    // 'b'`) an unexpected end, shown with the last token; galley's parser
    // (whose wording lint's tests pin) names the end itself.
    std::vector<expr::Token> tokens;
    expr::ExprError lexError;
    if (e.message.starts_with("Unexpected symbol: 'EOF'") && expr::lex(text, &tokens, &lexError) &&
        tokens.size() >= 2) {
      const expr::Token& last = tokens[tokens.size() - 2];
      *err = "Unexpected end of expression: '" + std::string(last.text) + "'. " +
             expr::locatedAt(text, last.offset);
    }
    return false;
  }
  if (statusCall) {
    *statusCall = false;
    for (const expr::Node& n : tree.nodes) {
      if (n.kind != expr::NodeKind::Call) continue;
      if (const expr::FunctionSpec* f = expr::findFunction(expr::githubFunctions(), n.name);
          f && f->status)
        *statusCall = true;
    }
  }
  return true;
}

// A definition with the contexts its ancestors allow (GitHub's
// DefinitionInfo): a definition that names contexts adds to its parent's.
struct DefInfo {
  const SchemaDefinition* def = nullptr;
  const ContextInfo* context = nullptr;  // nullptr: no expressions allowed

  bool allowsExpressions() const { return context && !context->items.empty(); }
};

// Where GitHub's service (its C# parser) accepts what the published schema
// refuses: workflow_dispatch's `inputs:` and an input left empty (a string
// input), and keys of workflow_dispatch it does not know (ignored).
bool acceptsNull(const SchemaDefinition* d) {
  return d && (d->name == "workflow-dispatch-inputs" || d->name == "workflow-dispatch-input");
}
bool ignoresUnknownKeys(const SchemaDefinition* d) {
  return d && d->name == "workflow-dispatch-mapping";
}
// repository_dispatch's `types:` takes one type as a string, as every other
// event's `types:` does (the published schema omits it; real workflows
// write it).
bool takesOneString(const SchemaDefinition* map, std::string_view key, const yaml::Node& v) {
  return map && map->name == "repository-dispatch-mapping" && key == "types" && v.isScalar() &&
         !v.value.empty();
}

class Reader {
 public:
  Reader(Diagnostics& diags, const TemplateLimits& limits) : diags_(diags), limits_(limits) {}

  yaml::Node read(const yaml::Node& root, std::string_view type) {
    DefInfo def = child(DefInfo{}, schema().find(type));
    return readValue(root, def, 0);
  }

 private:
  Diagnostics& diags_;
  const TemplateLimits& limits_;
  std::deque<ContextInfo> contexts_;
  std::map<std::pair<const ContextInfo*, const SchemaDefinition*>, const ContextInfo*> merged_;
  bool stopped_ = false;

  void error(const yaml::Node& at, std::string message) {
    diags_.error(at.where, kRule, std::move(message));
  }

  // Reported once, without a position, as GitHub does; reading stops.
  void fatal(const yaml::Node& at, std::string message) {
    if (stopped_) return;
    stopped_ = true;
    Location file = at.where;
    file.begin = file.end = Position{};
    diags_.error(file, kRule, std::move(message));
  }

  DefInfo child(const DefInfo& parent, const SchemaDefinition* def) {
    DefInfo out{def, parent.context};
    if (!def || !def->hasContext) return out;
    auto key = std::make_pair(parent.context, def);
    if (auto it = merged_.find(key); it != merged_.end()) {
      out.context = it->second;
      return out;
    }
    ContextInfo& info = contexts_.emplace_back();
    std::set<std::string> seen;
    auto add = [&](std::string_view item) {
      if (seen.insert(toUpper(item)).second) info.items.push_back(item);
    };
    if (parent.context)
      for (std::string_view item : parent.context->items)
        add(item);
    for (std::string_view item : def->context)
      add(item);
    buildOptions(info);
    merged_[key] = &info;
    out.context = &info;
    return out;
  }

  static std::string toUpper(std::string_view s) {
    std::string out(s);
    for (char& c : out)
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return out;
  }

  void account(const yaml::Node& n, size_t bytes) {
    TemplateBudget* b = limits_.budget;
    if (!b) return;
    b->used += bytes;
    if (b->max && b->used > b->max) fatal(n, "Maximum object size exceeded");
  }

  // What a scalar costs once read: strings and expressions carry text.
  void accountScalar(const yaml::Node& n, bool expression) {
    if (!limits_.budget) return;
    Literal t = literalType(n);
    if (t != Literal::String) return account(n, kTokenBytes);
    std::string text = n.value;
    if (expression) templateExpression(n.value, &text);
    account(n, kTokenBytes + kStringBytes + 2 * utf16Length(text));
  }

  // --- definitions by type (GitHub's TemplateSchema) ---

  static void scalarDefs(const SchemaDefinition* d, std::vector<const SchemaDefinition*>* out) {
    if (!d) return;
    switch (d->kind) {
      case Kind::Null:
      case Kind::Boolean:
      case Kind::Number:
      case Kind::String:
      case Kind::AllowedValues:
        out->push_back(d);
        return;
      case Kind::OneOf:
        for (const SchemaDefinition* v : d->variants)
          scalarDefs(v, out);
        return;
      case Kind::Any:
        for (const char* name : {"null", "boolean", "number", "string"})
          out->push_back(schema().find(name));
        return;
      default:
        return;
    }
  }

  static std::vector<const SchemaDefinition*> defsOfKind(const SchemaDefinition* d, Kind kind) {
    std::vector<const SchemaDefinition*> out;
    if (!d) return out;
    if (d->kind == kind) {
      out.push_back(d);
    } else if (d->kind == Kind::OneOf) {
      for (const SchemaDefinition* v : d->variants)
        if (v->kind == kind) out.push_back(v);
    } else if (d->kind == Kind::Any) {
      if (kind == Kind::Sequence) out.push_back(schema().find("sequence"));
      if (kind == Kind::Mapping) out.push_back(schema().find("mapping"));
    }
    return out;
  }

  static bool matches(const SchemaDefinition& d, Literal type, const std::string& value) {
    switch (d.kind) {
      case Kind::Null:
        return type == Literal::Null;
      case Kind::Boolean:
        return type == Literal::Boolean;
      case Kind::Number:
        return type == Literal::Number;
      case Kind::String:
        if (type != Literal::String) return false;
        if (d.hasConstant) return value == d.constant;
        return !d.requireNonEmpty || !value.empty();
      case Kind::AllowedValues:
        return type == Literal::String &&
               std::find(d.values.begin(), d.values.end(), value) != d.values.end();
      default:
        return false;
    }
  }

  // --- values ---

  yaml::Node readValue(const yaml::Node& n, const DefInfo& def, uint32_t depth) {
    if (stopped_) return yaml::Node{};
    if (n.isNull() && acceptsNull(def.def)) return n;
    if (n.isScalar() || n.isNull()) {
      bool expression = false;
      yaml::Node s = parseScalar(n, def, &expression);
      accountScalar(s, expression);
      return validate(s, expression, def);
    }
    if (depth >= limits_.maxDepth) {
      fatal(n, "Maximum object depth exceeded");
      return yaml::Node{};
    }
    account(n, kTokenBytes);
    if (n.isSequence()) return readSequence(n, def, depth);
    return readMapping(n, def, depth);
  }

  yaml::Node readSequence(const yaml::Node& n, const DefInfo& def, uint32_t depth) {
    yaml::Node out = n;
    out.items.clear();
    auto seqs = defsOfKind(def.def, Kind::Sequence);
    if (seqs.empty()) {
      error(n, "A sequence was not expected");
      return out;
    }
    DefInfo item = child(def, seqs[0]->item);
    for (const yaml::Node& i : n.items)
      out.items.push_back(readValue(i, item, depth + 1));
    return out;
  }

  yaml::Node readMapping(const yaml::Node& n, const DefInfo& def, uint32_t depth) {
    yaml::Node out = n;
    out.entries.clear();
    auto maps = defsOfKind(def.def, Kind::Mapping);
    if (maps.empty()) {
      error(n, "A mapping was not expected");
      return out;
    }
    if (maps.size() > 1 || !maps[0]->keys.empty() || !maps[0]->looseKey)
      readKnownMapping(n, def, maps, depth, out);
    else
      readLooseMapping(n, def, *maps[0], depth, out);
    return out;
  }

  // A key as a string: the key node read as a scalar of def, or nullopt
  // when it is an expression (then handled by the caller).
  struct Key {
    yaml::Node node;
    bool expression = false;
  };

  Key readKey(const yaml::Node& key, const DefInfo& def) {
    Key k;
    k.node = parseScalar(key, def, &k.expression);
    if (!k.expression && literalType(k.node) != Literal::String)
      k.node = asString(k.node, literalText(k.node));
    accountScalar(k.node, k.expression);
    return k;
  }

  static bool backgroundKey(std::string_view key) {
    return key == "background" || key == "wait" || key == "wait-all" || key == "cancel";
  }

  void readKnownMapping(const yaml::Node& n, const DefInfo& def,
                        std::vector<const SchemaDefinition*>& maps, uint32_t depth,
                        yaml::Node& out) {
    const SchemaDefinition* looseKey = maps[0]->looseKey;
    const SchemaDefinition* looseValue = maps[0]->looseValue;
    std::set<std::string> upperKeys;
    bool expressionKey = false;
    for (const yaml::Entry& e : n.entries) {
      if (stopped_) return;
      Key key = readKey(e.key, def);
      if (key.expression) {
        expressionKey = true;
        if (def.allowsExpressions())
          out.entries.push_back(
              {key.node, readValue(e.value, child(def, schema().find("any")), depth + 1)});
        else
          error(key.node, "A template expression is not allowed in this context");
        continue;
      }
      const std::string& name = key.node.value;
      if (!name.empty() && !upperKeys.insert(toUpper(name)).second) {
        error(key.node, "'" + name + "' is already defined");
        continue;
      }
      if (const SchemaDefinition* prop = matchProperty(maps, name)) {
        if (!limits_.backgroundSteps && backgroundKey(name)) {
          error(key.node, "Unexpected value '" + name + "'");
          continue;
        }
        if (maps.size() == 1 && takesOneString(maps[0], name, e.value)) {
          out.entries.push_back({key.node, e.value});
          continue;
        }
        out.entries.push_back({key.node, readValue(e.value, child(def, prop), depth + 1)});
        continue;
      }
      if (looseKey) {
        validate(key.node, false, child(def, looseKey));
        out.entries.push_back({key.node, readValue(e.value, child(def, looseValue), depth + 1)});
        continue;
      }
      if (maps.size() == 1 && ignoresUnknownKeys(maps[0])) continue;
      error(key.node, "Unexpected value '" + name + "'");
    }
    if (maps.size() > 1) {
      std::map<std::string_view, int> hits;
      for (const SchemaDefinition* m : maps)
        for (const auto& k : m->keys)
          ++hits[k.name];
      std::string list;
      for (const auto& [name, count] : hits) {
        if (count != 1) continue;
        if (!limits_.backgroundSteps && backgroundKey(name) && name != "background") continue;
        list += (list.empty() ? "" : ", ") + std::string(name);
      }
      error(n,
            "There's not enough info to determine what you meant. Add one of these properties: " +
                list);
    } else if (!expressionKey) {
      for (std::string_view req : maps[0]->required)
        if (!upperKeys.count(toUpper(req)))
          error(n, "Required property is missing: " + std::string(req));
    }
  }

  // GitHub's matchPropertyAndFilter: the property's definition, keeping
  // only the mapping shapes that have it.
  static const SchemaDefinition* matchProperty(std::vector<const SchemaDefinition*>& maps,
                                               std::string_view name) {
    const SchemaDefinition* result = nullptr;
    bool missing = false;
    for (const SchemaDefinition* m : maps) {
      if (const auto* k = m->key(name))
        result = k->def;
      else
        missing = true;
    }
    if (result && missing)
      std::erase_if(maps, [&](const SchemaDefinition* m) { return m->key(name) == nullptr; });
    return result;
  }

  void readLooseMapping(const yaml::Node& n, const DefInfo& def, const SchemaDefinition& map,
                        uint32_t depth, yaml::Node& out) {
    DefInfo keyDef = child(def, map.looseKey);
    DefInfo valueDef = child(def, map.looseValue);
    std::set<std::string> upperKeys;
    for (const yaml::Entry& e : n.entries) {
      if (stopped_) return;
      Key key = readKey(e.key, def);
      if (key.expression) {
        if (def.allowsExpressions())
          out.entries.push_back({key.node, readValue(e.value, valueDef, depth + 1)});
        else
          error(key.node, "A template expression is not allowed in this context");
        continue;
      }
      const std::string& name = key.node.value;
      if (!name.empty() && !upperKeys.insert(toUpper(name)).second) {
        error(key.node, "'" + name + "' is already defined");
        continue;
      }
      validate(key.node, false, keyDef);
      out.entries.push_back({key.node, readValue(e.value, valueDef, depth + 1)});
    }
  }

  yaml::Node validate(const yaml::Node& n, bool expression, const DefInfo& def) {
    if (expression) {
      if (!def.allowsExpressions())
        error(n, "A template expression is not allowed in this context");
      return n;
    }
    std::vector<const SchemaDefinition*> scalars;
    scalarDefs(def.def, &scalars);
    Literal type = literalType(n);
    for (const SchemaDefinition* d : scalars)
      if (matches(*d, type, n.value)) return n;
    std::string text = literalText(n);
    if (type != Literal::String)
      for (const SchemaDefinition* d : scalars)
        if (matches(*d, Literal::String, text)) return asString(n, text);
    error(n, "Unexpected value '" + text + "'");
    return n;
  }

  // GitHub's parseScalar: a string holding `${{` checked piece by piece.
  // *expression is set when the result is an expression.
  yaml::Node parseScalar(const yaml::Node& n, const DefInfo& def, bool* expression) {
    *expression = false;
    if (literalType(n) != Literal::String || n.value.empty()) return n;
    if (n.value.find(kOpen) == std::string::npos) return n;
    std::vector<Piece> pieces;
    if (!splitPieces(n.value, &pieces)) {
      error(n,
            "The expression is not closed. An unescaped ${{ sequence was found, but the closing "
            "}} sequence was not found.");
      return n;
    }
    bool failed = false;
    size_t expressions = 0;
    for (const Piece& p : pieces) {
      if (!p.expression) continue;
      ++expressions;
      std::string_view trimmed = trim(p.text);
      if (trimmed.empty()) {
        error(n, "An expression was expected");
        failed = true;
        continue;
      }
      size_t params = 0;
      if (isInsertDirective(trimmed, &params)) {
        if (params != 0) {
          error(n,
                "Exactly 0 parameter(s) were expected following the directive 'insert'. Actual "
                "parameter count: " +
                    std::to_string(params));
          failed = true;
          continue;
        }
        if (pieces.size() != 1) {
          error(n,
                "The directive 'insert' is not allowed in this context. Directives are not "
                "supported for expressions that are embedded within a string. Directives are "
                "only supported when the entire value is an expression.");
          return n;
        }
        continue;
      }
      std::string err;
      static const ContextInfo kNone = [] {
        ContextInfo c;
        buildOptions(c);
        return c;
      }();
      const ContextInfo& ctx = def.context ? *def.context : kNone;
      if (!checkWith(trimmed, ctx.options, &err, nullptr)) {
        error(n, err);
        failed = true;
      }
    }
    if (failed) return n;
    // `${{ 'text' }}` stays as written: the literal it evaluates to may hold
    // `${{` itself, which must not read as an expression again.
    if (pieces.size() == 1 && expressions == 1 && stringLiteral(trim(pieces[0].text))) return n;
    if (pieces.size() > 1 && joinPieces(pieces).size() > expr::kMaxExpressionLength) {
      error(n, "Exceeded max expression length " + std::to_string(expr::kMaxExpressionLength));
      return n;
    }
    *expression = true;
    return n;
  }
};

}  // namespace

yaml::Node readTemplate(const yaml::Node& node, std::string_view type, Diagnostics& diags,
                        const TemplateLimits& limits) {
  Reader reader(diags, limits);
  return reader.read(node, type);
}

bool budgetFile(TemplateBudget* budget, const SourceFile& file, Diagnostics& diags) {
  if (!budget) return true;
  const std::string& name = file.path();
  if (std::find(budget->files.begin(), budget->files.end(), name) != budget->files.end())
    return true;
  budget->files.push_back(name);
  budget->used += kStringBytes + 2 * utf16Length(name);
  if (!budget->max || budget->used <= budget->max) return true;
  diags.error(Location{&file, {}, {}}, kRule, "Maximum object size exceeded");
  return false;
}

bool templateExpression(std::string_view value, std::string* expression) {
  if (value.find(kOpen) == std::string_view::npos) return false;
  std::vector<Piece> pieces;
  if (!splitPieces(value, &pieces)) return false;
  if (pieces.size() == 1 && pieces[0].expression && stringLiteral(trim(pieces[0].text)))
    return false;
  *expression = joinPieces(pieces);
  return true;
}

std::optional<std::string> templateLiteral(std::string_view value) {
  std::vector<Piece> pieces;
  if (value.find(kOpen) == std::string_view::npos || !splitPieces(value, &pieces) ||
      pieces.size() != 1 || !pieces[0].expression)
    return std::nullopt;
  return stringLiteral(trim(pieces[0].text));
}

std::vector<std::string_view> definitionContext(std::string_view type) {
  std::vector<std::string_view> out;
  if (const SchemaDefinition* d = schema().find(type))
    out.assign(d->context.begin(), d->context.end());
  return out;
}

bool checkExpression(std::string_view text, const std::vector<std::string_view>& context,
                     std::string* err, bool* statusCall) {
  ContextInfo info;
  info.items = context;
  buildOptions(info);
  return checkWith(text, info.options, err, statusCall);
}

}  // namespace galley::wf
