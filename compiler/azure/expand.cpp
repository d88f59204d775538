#include "compiler/azure/expand.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <memory>
#include <unordered_map>

#include "compiler/ascii.h"
#include "compiler/azure/template_parameters.h"
#include "compiler/azure/template_values.h"
#include "compiler/expr/azure.h"
#include "compiler/expr/scalar_map.h"
#include "compiler/expr/template.h"

namespace galley::azure {

namespace {

using yaml::Entry;
using yaml::Node;
namespace az = expr::azure;

// What kind of mapping is being expanded: the ones that own a variables
// scope (the pipeline, a stage, a job) expand their `variables` first.
enum class MapKind { Plain, Pipeline, Stage, Job, TemplateRoot, VariablesMap };

// Which entries of a mapping to expand: all, only `variables`, or the
// others; the Root forms also leave out a file's `parameters` and
// `extends`, which are not part of what it expands to.
enum class Select { All, Variables, Rest, Root, RootVariables, RootRest };

bool selected(const Entry& e, Select select) {
  if (select == Select::All) return true;
  bool plainKey = e.key.isScalar();
  if (select != Select::Variables && select != Select::Rest && plainKey &&
      (e.key.value == "parameters" || e.key.value == "extends"))
    return false;
  if (select == Select::Root) return true;
  bool vars = plainKey && e.key.value == "variables";
  return (select == Select::Variables || select == Select::RootVariables) ? vars : !vars;
}

// One template being expanded, for the include chain in messages.
struct Frame {
  const Frame* parent = nullptr;
  std::string name;
  Location includedAt;
  uint32_t depth = 0;
};

// Variables one scope sees, in definition order; names compare ignoring
// case and a later definition replaces an earlier one.
struct VarTable {
  std::vector<std::pair<std::string, std::string>> vars;
  std::unordered_map<std::string, size_t> index;

  void set(const std::string& name, std::string value) {
    auto [it, added] = index.emplace(lowerCase(name), vars.size());
    if (added)
      vars.emplace_back(name, std::move(value));
    else
      vars[it->second].second = std::move(value);
    cached.reset();
  }
  // The variables as an object, built once per change: every expression
  // evaluated reads it.
  const expr::Value& value() const {
    if (!cached) {
      expr::Object o;
      for (const auto& [k, v] : vars)
        o.add(k, expr::Value::string(v));
      cached = expr::Value::object(std::move(o));
    }
    return *cached;
  }
  mutable std::optional<expr::Value> cached;
};

struct Scope {
  expr::Value parameters;
  bool strict = false;  // parameters declared in list form: others are errors
  std::vector<std::string> names;
  std::shared_ptr<VarTable> vars;
  std::vector<std::pair<std::string, expr::Value>> locals;  // ${{ each }} variables
  const Frame* frame = nullptr;
  // The named values last built for this scope, and what they were built
  // from: most expressions of a mapping see the same ones.
  mutable expr::Value cached;
  mutable const void* cachedVars = nullptr;
  mutable size_t cachedLocals = SIZE_MAX;
};

// A parsed `${{ if ... }}`-style key.
struct Directive {
  enum Kind { None, If, ElseIf, Else, Each, Insert } kind = None;
  std::string expression;  // condition or collection
  std::string variable;    // each
  uint32_t offset = 0;     // of the expression in the key's value
};

std::string_view trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// Whether text is exactly one `${{ ... }}`, and its inside.
bool wholeExpression(std::string_view text, std::string_view* inner, uint32_t* offset) {
  std::vector<expr::Segment> segments;
  expr::ExprError err;
  if (!expr::splitTemplate(text, &segments, &err) || segments.size() != 1 ||
      !segments[0].expression)
    return false;
  *inner = segments[0].text;
  *offset = segments[0].offset;
  return true;
}

bool startsWord(std::string_view s, std::string_view word) {
  return s.size() >= word.size() && s.substr(0, word.size()) == word &&
         (s.size() == word.size() || s[word.size()] == ' ' || s[word.size()] == '\t' ||
          s[word.size()] == '(');
}

Directive parseDirective(const Node& key) {
  Directive d;
  std::string_view inner;
  uint32_t offset = 0;
  // Most keys are plain words: only one that starts `${{` can be a directive.
  if (!key.isScalar() || key.value.size() < 6 || key.value.compare(0, 3, "${{") != 0 ||
      !wholeExpression(key.value, &inner, &offset))
    return d;
  std::string_view t = trim(inner);
  offset += static_cast<uint32_t>(t.data() - inner.data());
  auto rest = [&](size_t n) {
    std::string_view r = t.substr(n);
    size_t skipped = r.size() - trim(r).size() - (r.size() - r.find_last_not_of(" \t") - 1);
    d.offset = offset + static_cast<uint32_t>(n + (r.empty() ? 0 : skipped));
    return std::string(trim(r));
  };
  if (t == "else") {
    d.kind = Directive::Else;
  } else if (t == "insert") {
    d.kind = Directive::Insert;
  } else if (startsWord(t, "if")) {
    d.kind = Directive::If;
    d.expression = rest(2);
  } else if (startsWord(t, "elseif")) {
    d.kind = Directive::ElseIf;
    d.expression = rest(6);
  } else if (startsWord(t, "each")) {
    d.kind = Directive::Each;
    std::string body = rest(4);
    size_t in = body.find(" in ");
    d.variable = std::string(trim(std::string_view(body).substr(0, in)));
    d.expression = in == std::string::npos ? "" : std::string(trim(body.substr(in + 4)));
  }
  return d;
}

// The list kind a key's value holds.
ListKind listKindOf(std::string_view key) {
  if (key == "stages") return ListKind::Stages;
  if (key == "jobs") return ListKind::Jobs;
  if (key == "steps") return ListKind::Steps;
  if (key == "variables") return ListKind::Variables;
  return ListKind::None;
}

const char* listKeyOf(ListKind k) {
  switch (k) {
    case ListKind::Stages:
      return "stages";
    case ListKind::Jobs:
      return "jobs";
    case ListKind::Steps:
      return "steps";
    case ListKind::Variables:
      return "variables";
    default:
      return "";
  }
}

void asString(Node& value);

// One YAML document, as yaml::load reads it, and no anchors.
std::optional<Node> loadAzureYaml(const SourceFile& file, Diagnostics& diags) {
  std::vector<yaml::Anchor> anchors;
  std::vector<Node> docs = yaml::loadAll(file, diags, {}, &anchors);
  reportAnchors(anchors, diags);
  if (diags.hasErrors()) return std::nullopt;
  if (docs.size() > 1) {
    diags.error(docs[1].where, "yaml-syntax",
                "expected one YAML document, found " + std::to_string(docs.size()));
    return std::nullopt;
  }
  if (docs.empty()) {
    Node empty;
    empty.where = {&file, {1, 1}, {1, 1}};
    return empty;
  }
  return std::move(docs.front());
}

class Host final : public az::Host {
 public:
  const Scope* scope = nullptr;
  std::string missingProperty(const expr::Value& object, const std::string& key) const override {
    if (!scope || !scope->strict || object.identity() != scope->parameters.identity()) return {};
    return "Unrecognized template parameter: 'parameters." + key +
           "'; declared: " + (scope->names.empty() ? std::string("none") : quoteList(scope->names));
  }
};

class Expander {
 public:
  Expander(const ExpandOptions& options, Sources& sources, Diagnostics& diags)
      : options_(options), sources_(sources), diags_(diags) {}

  Expansion run(const SourceFile& root);

 private:
  // --- reporting ---
  void error(const Location& where, std::string rule, std::string message, const Frame* frame) {
    Diagnostic& d = diags_.error(where, std::move(rule), std::move(message));
    for (const Frame* f = frame; f; f = f->parent)
      d.notes.push_back({f->includedAt, "in template '" + f->name + "', included here"});
  }
  void error(const Location& where, std::string rule, std::string message, const Scope& s) {
    error(where, std::move(rule), std::move(message), s.frame);
  }
  // Stops the whole expansion (a limit was reached).
  void stop(const Location& where, std::string message, const Scope& s) {
    if (!stopped_) error(where, "azure-limit", std::move(message), s);
    stopped_ = true;
  }

  // --- expressions ---
  expr::Value contexts(const Scope& s);
  bool evaluate(const Node& at, std::string_view text, uint32_t offset, Scope& s, expr::Value* out);
  Location locationIn(const Node& n, uint32_t offset, size_t length) const;
  bool evalScalar(const Node& n, Scope& s, Node* out);
  void checkSyntax(const Node& n, Scope& s);
  bool directiveValue(const Node& n, Scope& s);
  void checkExpressions(const Node& n, std::string_view text, Scope& s);

  // --- structure ---
  Node expandValue(const Node& in, Scope& s, ListKind hint, MapKind kind = MapKind::Plain);
  void expandMappingInto(const Node& in, Scope& s, MapKind kind, Node& out,
                         Select select = Select::All);
  void addEntry(Node& out, Entry entry, Scope& s, MapKind kind);
  void expandItemsInto(const Node& in, Scope& s, ListKind kind, Node& out);
  // Where an `${{ if }}`/`${{ elseif }}`/`${{ else }}` chain stands.
  enum class Chain : uint8_t { None, Taken, NotTaken };
  // The control directives (if, elseif, else, each), the same in mappings
  // and in lists: calls body with each scope the entry's value expands in.
  // False for the other directives, which the caller handles.
  bool control(const Entry& e, const Directive& d, Scope& s, Chain& chain,
               const std::function<void(Scope&)>& body);
  void expandItem(const Node& item, Scope& s, ListKind kind, Node& out);
  void expandInsertedItem(const Node& item, Scope& s, ListKind kind, Node& out);
  void placeItem(Node item, Scope& s, ListKind kind, Node& out);
  void defineVariable(const Node& item, Scope& s);
  void checkBooleans(const Node& item, Scope& s);
  void includeTemplate(const Node& ref, Scope& s, ListKind kind, Node& out);
  bool expandExtends(const Node& extends, Scope& s, Node& pipeline);
  void expandScopeOwner(const Node& in, Scope& s, MapKind kind, Node& out, bool root = false);

  // --- files ---
  const Node* loadTemplate(const Node& pathNode, Scope& s, std::string* display);
  // The file a template path names, and (in *repo) the root of the repository
  // it is in; *ok false after an error.
  std::string resolvePath(const Node& pathNode, const std::string& text, Scope& s, bool* ok,
                          std::string* repo);
  bool countBytes(const Node& n, const Scope& s);

  BoundParameters bind(const Node* declared, const Node& provided, const Location* at, Scope& s);

  const ExpandOptions& options_;
  Sources& sources_;
  Diagnostics& diags_;
  ValueNodes values_;
  Host host_;
  bool stopped_ = false;
  size_t bytes_ = 0, nodes_ = 0;
  uint32_t depth_ = 0;
  std::string selfRoot_;
  std::vector<const SourceFile*> files_;
  std::unordered_map<std::string, const Node*> loaded_;  // resolved path -> document
  std::deque<Node> documents_;
  // The repository root each file belongs to, for `/x.yml` and `x.yml`.
  std::unordered_map<const SourceFile*, std::string> repoOf_;
  std::vector<VariableGroup> groups_;
  std::vector<std::string> unmappedRepositories_;
};

// --- expressions ---

expr::Value Expander::contexts(const Scope& s) {
  static const expr::Value noVariables = expr::Value::object({});
  const expr::Value& vars = s.vars ? s.vars->value() : noVariables;
  if (s.cachedVars == vars.identity() && s.cachedLocals == s.locals.size()) return s.cached;
  expr::Object o;
  for (auto it = s.locals.rbegin(); it != s.locals.rend(); ++it)
    o.add(it->first, it->second);
  o.add("parameters", s.parameters);
  o.add("variables", vars);
  s.cached = expr::Value::object(std::move(o));
  s.cachedVars = vars.identity();
  s.cachedLocals = s.locals.size();
  return s.cached;
}

Location Expander::locationIn(const Node& n, uint32_t offset, size_t length) const {
  if (!n.isScalar() || !n.where.known() || n.where.file->text().empty()) return n.where;
  expr::ScalarMap map(n);
  return map.location(offset, length);
}

// Azure checks an expression's names before evaluating any of it, so an
// unknown name is reported even where evaluation would not reach it.
std::string unknownName(const expr::Expression& parsed, const expr::Value& contexts) {
  const expr::Node* first = nullptr;
  std::string message;
  for (const expr::Node& n : parsed.nodes) {
    std::string m;
    uint32_t lo, hi;
    if (n.kind == expr::NodeKind::Context && !contexts.asObject().find(n.name))
      m = "Unrecognized named-value: '" + n.name + "'";
    else if (n.kind == expr::NodeKind::Call && !az::functionArity(n.name, &lo, &hi))
      m = "Unrecognized function: '" + n.name + "'";
    if (!m.empty() && (!first || n.offset < first->offset)) {
      first = &n;
      message = std::move(m);
    }
  }
  if (!first) return {};
  return message + ". Located at position " + std::to_string(first->offset + 1) +
         " within expression: " + parsed.text;
}

bool Expander::evaluate(const Node& at, std::string_view text, uint32_t offset, Scope& s,
                        expr::Value* out) {
  host_.scope = &s;
  expr::Value ctx = contexts(s);
  std::string_view body = trim(text);
  offset += static_cast<uint32_t>(body.data() - text.data());
  expr::Expression parsed;
  expr::ExprError perr;
  if (!az::parse(body, &parsed, &perr)) {
    error(locationIn(at, offset + perr.offset, std::max<uint32_t>(perr.length, 1)),
          "azure-expression", perr.message, s);
    return false;
  }
  std::string unknown = unknownName(parsed, ctx);
  if (!unknown.empty()) {
    error(locationIn(at, offset, body.size()), "azure-expression", unknown, s);
    return false;
  }
  az::Result r = az::evaluate(parsed, ctx, host_);
  if (!r.ok) {
    error(locationIn(at, offset, body.size()), "azure-expression", r.error, s);
    return false;
  }
  *out = std::move(r.value);
  return true;
}

// A scalar with `${{ }}` in it: one whole expression keeps its value's
// type (a list, a mapping); otherwise the pieces join into a string.
bool Expander::evalScalar(const Node& n, Scope& s, Node* out) {
  if (directiveValue(n, s)) return false;
  std::vector<expr::Segment> segments;
  expr::ExprError err;
  if (!expr::splitTemplate(n.value, &segments, &err)) {
    error(locationIn(n, err.offset, 3), "azure-expression", err.message, s);
    return false;
  }
  if (segments.size() == 1 && segments[0].expression) {
    expr::Value v;
    if (!evaluate(n, segments[0].text, segments[0].offset, s, &v)) return false;
    *out = values_.toNode(v, n.where);
    return true;
  }
  std::string text;
  for (const auto& seg : segments) {
    if (!seg.expression) {
      text += seg.text;
      continue;
    }
    expr::Value v;
    if (!evaluate(n, seg.text, seg.offset, s, &v)) return false;
    if (!v.isNull()) text += az::toAzureString(v);
  }
  *out = scalarNode(std::move(text), n.where, n.style);
  return true;
}

void Expander::checkExpressions(const Node& n, std::string_view text, Scope& s) {
  std::vector<expr::Segment> segments;
  expr::ExprError err;
  if (!expr::splitTemplate(text, &segments, &err)) {
    error(locationIn(n, err.offset, 3), "azure-expression", err.message, s);
    return;
  }
  for (const auto& seg : segments) {
    if (!seg.expression) continue;
    std::string_view body = trim(seg.text);
    uint32_t at = seg.offset + static_cast<uint32_t>(body.data() - seg.text.data());
    Directive d = parseDirective(n);
    if (d.kind == Directive::Else || d.kind == Directive::Insert) continue;
    if (d.kind != Directive::None) {
      body = d.expression;
      at = d.offset;
    }
    expr::Expression parsed;
    if (!az::parse(body, &parsed, &err))
      error(locationIn(n, at + err.offset, std::max<uint32_t>(err.length, 1)), "azure-expression",
            err.message, s);
  }
}

// Azure parses every expression of a template, including those in
// branches an `if` leaves out: a syntax error there is still an error.
void Expander::checkSyntax(const Node& n, Scope& s) {
  if (n.isScalar() && expr::hasExpression(n.value)) {
    if (!directiveValue(n, s)) checkExpressions(n, n.value, s);
  }
  for (const auto& item : n.items)
    checkSyntax(item, s);
  for (const auto& e : n.entries) {
    if (e.key.isScalar() && expr::hasExpression(e.key.value))
      checkExpressions(e.key, e.key.value, s);
    checkSyntax(e.value, s);
  }
}

// A directive (`${{ else }}`, `${{ if x }}`...) written as a value, not a
// key: an error wherever it stands, as in Azure.
bool Expander::directiveValue(const Node& n, Scope& s) {
  Directive d = parseDirective(n);
  if (d.kind == Directive::None) return false;
  error(n.where, "azure-template",
        "'" + excerpt(n.value) + "' is a directive: write it as a mapping key ('- " +
            excerpt(n.value) + ":') with its body below",
        s);
  return true;
}

bool Expander::countBytes(const Node& n, const Scope& s) {
  bytes_ += n.value.size();
  if (++nodes_ > options_.limits.maxNodes) {
    stop(n.where,
         "the expanded pipeline has more than " + std::to_string(options_.limits.maxNodes) +
             " nodes",
         s);
    return false;
  }
  if (bytes_ > options_.limits.maxBytes) {
    stop(n.where,
         "the expanded pipeline is larger than Azure's limit of " +
             std::to_string(options_.limits.maxBytes >> 20) + " MB",
         s);
    return false;
  }
  return true;
}

// --- structure ---

Node Expander::expandValue(const Node& in, Scope& s, ListKind hint, MapKind kind) {
  if (stopped_) return Node();
  // Templates and parameters can nest values without end; the input's own
  // depth is bounded by the loader, this bounds what expansion builds.
  if (++depth_ > 512) {
    --depth_;
    stop(in.where, "the pipeline nests more than 512 levels deep after expansion", s);
    return Node();
  }
  Node out;
  if (in.isScalar() && expr::hasExpression(in.value)) {
    Node computed;
    if (evalScalar(in, s, &computed)) {
      if (computed.isScalar() || computed.isNull())
        out = std::move(computed);
      else
        out = expandValue(computed, s, hint, kind);
    }
  } else if (in.isSequence()) {
    out.kind = yaml::Kind::Sequence;
    out.style = in.style;
    out.where = in.where;
    expandItemsInto(in, s, hint, out);
  } else if (in.isMapping()) {
    out.kind = yaml::Kind::Mapping;
    out.style = in.style;
    out.where = in.where;
    if (hint == ListKind::Variables) kind = MapKind::VariablesMap;
    expandMappingInto(in, s, kind, out);
  } else {
    out = in;
  }
  countBytes(out, s);
  --depth_;
  return out;
}

void Expander::addEntry(Node& out, Entry entry, Scope& s, MapKind kind) {
  for (const auto& e : out.entries) {
    if (e.key.value == entry.key.value) {
      error(entry.key.where, "azure-duplicate-key", "'" + entry.key.value + "' is already defined",
            s);
      diags_.all().back().notes.insert(diags_.all().back().notes.begin(),
                                       {e.key.where, "first defined here"});
      return;
    }
  }
  countBytes(entry.key, s);
  if (kind == MapKind::VariablesMap) {
    if (entry.value.isScalar() || entry.value.isNull())
      s.vars->set(entry.key.value, entry.value.value);
    asString(entry.value);
  }
  out.entries.push_back(std::move(entry));
}

// Expands the entries of in into out: `${{ if }}` and friends splice their
// bodies' entries, `${{ each }}` repeats its body, keys with `${{ }}` are
// computed.
void Expander::expandMappingInto(const Node& in, Scope& s, MapKind kind, Node& out, Select select) {
  Chain chain = Chain::None;
  auto body = [&](const Node& v, Scope& scope) {
    if (v.isNull()) return;
    if (!v.isMapping()) {
      error(v.where, "azure-template",
            std::string(v.isSequence() ? "A sequence was not expected"
                                       : "A scalar was not expected") +
                ": the body of a directive in a mapping must be a mapping",
            scope);
      return;
    }
    expandMappingInto(v, scope, kind, out);
  };
  for (const Entry& e : in.entries) {
    if (stopped_) return;
    if (!selected(e, select)) continue;
    Directive d = parseDirective(e.key);
    if (control(e, d, s, chain, [&](Scope& scope) { body(e.value, scope); })) continue;
    chain = Chain::None;
    if (d.kind == Directive::Insert) {
      Node inserted = expandValue(e.value, s, ListKind::None);
      if (inserted.isMapping()) {
        for (auto& entry : inserted.entries)
          addEntry(out, std::move(entry), s, kind);
      } else if (!inserted.isNull()) {
        error(e.value.where, "azure-template", "'${{ insert }}' needs a mapping to insert", s);
      }
      continue;
    }
    Entry entry;
    if (e.key.isScalar() && expr::hasExpression(e.key.value)) {
      if (!evalScalar(e.key, s, &entry.key)) continue;
      if (!entry.key.isScalar()) {
        error(e.key.where, "azure-template", "a key must be a string, not a list or mapping", s);
        continue;
      }
    } else {
      entry.key = e.key;
    }
    ListKind hint = listKindOf(entry.key.value);
    MapKind childKind = MapKind::Plain;
    if (kind == MapKind::VariablesMap) hint = ListKind::None;
    if (hint == ListKind::Variables && !(kind == MapKind::Pipeline || kind == MapKind::Stage ||
                                         kind == MapKind::Job || kind == MapKind::TemplateRoot)) {
      // Variables outside a scope that owns them (a parameter's value):
      // expanded in a scope of their own.
      Scope detached = s;
      detached.vars = std::make_shared<VarTable>(*s.vars);
      entry.value = expandValue(e.value, detached, hint, childKind);
    } else {
      entry.value = expandValue(e.value, s, hint, childKind);
    }
    addEntry(out, std::move(entry), s, kind);
  }
}

bool Expander::control(const Entry& e, const Directive& d, Scope& s, Chain& chain,
                       const std::function<void(Scope&)>& body) {
  switch (d.kind) {
    case Directive::If:
    case Directive::ElseIf: {
      if (d.kind == Directive::ElseIf && chain == Chain::None) {
        error(e.key.where, "azure-template",
              "Unexpected '${{ elseif }}': it must follow an '${{ if }}' or '${{ elseif }}'", s);
        return true;
      }
      if (d.kind == Directive::ElseIf && chain == Chain::Taken) {
        checkSyntax(e.key, s);
        checkSyntax(e.value, s);
        return true;
      }
      expr::Value v;
      if (!evaluate(e.key, d.expression, d.offset, s, &v)) return true;
      if (expr::truthy(v)) {
        chain = Chain::Taken;
        body(s);
      } else {
        chain = Chain::NotTaken;
        checkSyntax(e.value, s);
      }
      return true;
    }
    case Directive::Else:
      if (chain == Chain::None)
        error(e.key.where, "azure-template",
              "Unexpected '${{ else }}': it must follow an '${{ if }}' or '${{ elseif }}'", s);
      else if (chain == Chain::NotTaken)
        body(s);
      else
        checkSyntax(e.value, s);
      chain = Chain::None;
      return true;
    case Directive::Each: {
      chain = Chain::None;
      if (d.variable.empty() || d.expression.empty()) {
        error(e.key.where, "azure-template", "expected '${{ each NAME in EXPRESSION }}'", s);
        return true;
      }
      expr::Value collection;
      if (!evaluate(e.key, d.expression, d.offset, s, &collection)) return true;
      auto iterate = [&](const expr::Value& item) {
        Scope inner = s;
        inner.locals.emplace_back(d.variable, item);
        body(inner);
      };
      if (collection.kind() == expr::Kind::Array) {
        for (const auto& item : collection.items())
          iterate(item);
      } else if (collection.kind() == expr::Kind::Object) {
        for (const auto& [k, v] : collection.asObject().entries()) {
          expr::Object pair;
          pair.add("key", expr::Value::string(k));
          pair.add("value", v);
          iterate(expr::Value::object(std::move(pair)));
        }
      } else if (!collection.isNull()) {
        error(e.key.where, "azure-template",
              std::string("'${{ each }}' needs a list or a mapping, not a ") +
                  expr::kindName(collection.kind()),
              s);
      }
      return true;
    }
    default:
      return false;
  }
}

// A pipeline, stage or job: its variables are defined (in a scope of its
// own, except the pipeline's) before anything else in it is expanded, so
// that ${{ variables.x }} anywhere in it sees them.
void Expander::expandScopeOwner(const Node& in, Scope& s, MapKind kind, Node& out, bool root) {
  out.kind = yaml::Kind::Mapping;
  out.where = in.where;
  out.style = in.style;
  Node vars;
  vars.kind = yaml::Kind::Mapping;
  expandMappingInto(in, s, kind, vars, root ? Select::RootVariables : Select::Variables);
  Node others;
  others.kind = yaml::Kind::Mapping;
  expandMappingInto(in, s, kind, others, root ? Select::RootRest : Select::Rest);
  // Back in the order written.
  size_t vi = 0, oi = 0;
  for (const auto& e : in.entries) {
    if (root && !selected(e, Select::Root)) continue;
    bool isVars = e.key.isScalar() && e.key.value == "variables";
    if (isVars && vi < vars.entries.size())
      out.entries.push_back(std::move(vars.entries[vi++]));
    else if (!isVars && oi < others.entries.size())
      out.entries.push_back(std::move(others.entries[oi++]));
  }
  while (oi < others.entries.size())
    out.entries.push_back(std::move(others.entries[oi++]));
}

// Whether a list item that starts with a directive splices list items
// into the enclosing list: every key of it is a directive and no body a
// mapping (a list, or an expression yielding items). Otherwise its directives insert entries into
// the item's own mapping (Azure's "iterative insertion": `- ${{ each pair in step }}:` with a
// mapping body builds one step).
bool splicesItems(const Node& item) {
  for (const Entry& e : item.entries)
    if (parseDirective(e.key).kind == Directive::None || e.value.isMapping()) return false;
  return true;
}

void Expander::expandItemsInto(const Node& in, Scope& s, ListKind kind, Node& out) {
  Chain chain = Chain::None;
  for (const Node& item : in.items) {
    if (stopped_) return;
    if (item.isMapping() && !item.entries.empty() &&
        parseDirective(item.entries[0].key).kind != Directive::None) {
      if (!splicesItems(item)) {
        chain = Chain::None;
        expandInsertedItem(item, s, kind, out);
        continue;
      }
      for (const Entry& e : item.entries) {
        Directive d = parseDirective(e.key);
        auto body = [&](Scope& scope) {
          if (e.value.isSequence())
            expandItemsInto(e.value, scope, kind, out);
          else if (!e.value.isNull())
            expandItem(e.value, scope, kind, out);
        };
        if (control(e, d, s, chain, body)) continue;
        if (d.kind == Directive::Insert) {
          chain = Chain::None;
          body(s);
        } else {
          error(e.key.where, "azure-template",
                "'" + excerpt(e.key.value) +
                    "' cannot follow a template directive in the same list item",
                s);
        }
      }
      continue;
    }
    chain = Chain::None;
    if (item.isScalar() && directiveValue(item, s)) continue;
    expandItem(item, s, kind, out);
  }
}

// One list item: an expression yielding a list splices its items; a
// `template:` reference in a stages, jobs, steps or variables list
// includes the template.
void Expander::expandItem(const Node& item, Scope& s, ListKind kind, Node& out) {
  if (item.isScalar() && expr::hasExpression(item.value)) {
    Node computed;
    if (!evalScalar(item, s, &computed)) return;
    if (computed.isSequence()) {
      for (const Node& inner : computed.items)
        if (inner.isMapping())
          expandItem(inner, s, kind, out);
        else
          placeItem(inner, s, kind, out);
      return;
    }
    if (computed.isMapping()) {
      expandItem(computed, s, kind, out);
      return;
    }
    if (computed.isNull()) return;
    placeItem(std::move(computed), s, kind, out);
    return;
  }
  if (item.isMapping() && kind != ListKind::None && item.find("template")) {
    Node ref = expandValue(item, s, ListKind::None);
    if (ref.isMapping() && ref.find("template")) includeTemplate(ref, s, kind, out);
    return;
  }
  if (item.isMapping() && (kind == ListKind::Stages || kind == ListKind::Jobs)) {
    Scope inner = s;
    inner.vars = std::make_shared<VarTable>(*s.vars);
    Node expanded;
    expandScopeOwner(item, inner, kind == ListKind::Stages ? MapKind::Stage : MapKind::Job,
                     expanded);
    countBytes(expanded, s);
    placeItem(std::move(expanded), s, kind, out);
    return;
  }
  placeItem(expandValue(item, s, ListKind::None), s, kind, out);
}

// A list item whose directives insert its entries: expanded as one
// mapping. An item of nothing but directives that inserted nothing (an
// `if` not taken) is left out; one whose entries name a `template:`
// includes it.
void Expander::expandInsertedItem(const Node& item, Scope& s, ListKind kind, Node& out) {
  Node expanded;
  if (kind == ListKind::Stages || kind == ListKind::Jobs) {
    Scope inner = s;
    inner.vars = std::make_shared<VarTable>(*s.vars);
    expandScopeOwner(item, inner, kind == ListKind::Stages ? MapKind::Stage : MapKind::Job,
                     expanded);
    countBytes(expanded, s);
  } else {
    expanded = expandValue(item, s, ListKind::None);
  }
  if (stopped_ || !expanded.isMapping()) return;
  if (expanded.entries.empty() &&
      std::all_of(item.entries.begin(), item.entries.end(),
                  [](const Entry& e) { return parseDirective(e.key).kind != Directive::None; }))
    return;
  if (kind != ListKind::None && expanded.find("template")) {
    includeTemplate(expanded, s, kind, out);
    return;
  }
  placeItem(std::move(expanded), s, kind, out);
}

// Azure reads these keys of steps and jobs as YAML 1.1 booleans when it
// loads the expanded pipeline: anything else stops the run.
void Expander::checkBooleans(const Node& item, Scope& s) {
  static const char* const kKeys[] = {"continueOnError", "enabled"};
  static const char* const kWords[] = {"true", "false", "yes", "no", "y", "n", "on", "off"};
  for (const char* key : kKeys) {
    const Node* v = item.find(key);
    if (!v || !v->isScalar() || v->value.find("$[") != std::string::npos ||
        v->value.find("$(") != std::string::npos)
      continue;
    bool ok = false;
    for (const char* w : kWords)
      ok = ok || equalsIgnoreCase(v->value, w);
    if (!ok)
      error(v->where, "azure-template",
            "Unexpected value '" + excerpt(v->value) + "': '" + key +
                "' takes a boolean (true, false, yes, no, on, off)",
            s);
  }
}

// Azure reads every variable's value as a string: `value: 0` is "0". The
// output says so, so that YAML readers (and the schema) see strings too.
void asString(Node& value) {
  if (value.isScalar() && value.style == yaml::Style::Plain && (value.asBool() || value.asNumber()))
    value.style = yaml::Style::DoubleQuoted;
}

void Expander::placeItem(Node item, Scope& s, ListKind kind, Node& out) {
  if (kind == ListKind::Variables) {
    defineVariable(item, s);
    if (Node* value = item.isMapping() ? item.find("value") : nullptr) asString(*value);
  }
  if ((kind == ListKind::Steps || kind == ListKind::Jobs) && item.isMapping())
    checkBooleans(item, s);
  out.items.push_back(std::move(item));
}

// A list-form variable: `name`/`value` defines it for the expressions
// after it; `group` is recorded, its variables being unknown here.
void Expander::defineVariable(const Node& item, Scope& s) {
  if (!item.isMapping()) return;
  if (const Node* group = item.find("group")) {
    groups_.push_back({group->value, group->where});
    return;
  }
  const Node* name = item.find("name");
  const Node* value = item.find("value");
  if (name && name->isScalar()) s.vars->set(name->value, value ? value->value : "");
}

// --- templates and files ---

std::string Expander::resolvePath(const Node& pathNode, const std::string& text, Scope& s, bool* ok,
                                  std::string* repoRoot) {
  *ok = false;
  std::string path = text;
  for (char& c : path)
    if (c == '\\') c = '/';
  std::string alias;
  if (size_t at = path.rfind('@'); at != std::string::npos) {
    alias = path.substr(at + 1);
    path = path.substr(0, at);
  }
  const SourceFile* including = pathNode.where.file;
  std::string includingRepo = selfRoot_;
  if (auto it = repoOf_.find(including); it != repoOf_.end()) includingRepo = it->second;
  std::string repo = includingRepo;
  if (!alias.empty() && alias != "self") {
    auto it = options_.repositories.find(alias);
    if (it == options_.repositories.end()) {
      std::vector<std::string> known;
      for (const auto& [k, v] : options_.repositories)
        known.push_back(k);
      unmappedRepositories_.push_back(alias);
      error(pathNode.where, "azure-repository",
            "repository '" + alias + "' is not mapped to a local folder; give --repo " + alias +
                "=PATH" + (known.empty() ? std::string() : " (mapped: " + quoteList(known) + ")"),
            s);
      return {};
    }
    repo = it->second;
  } else if (alias == "self") {
    repo = selfRoot_;
  }
  *ok = true;
  *repoRoot = repo;
  if (!path.empty() && path[0] == '/') return repo + path;
  std::string base;
  if (repo == includingRepo && including)
    base = std::filesystem::path(including->path()).parent_path().string();
  else
    base = repo;
  return (base.empty() ? std::string(".") : base) + "/" + path;
}

const Node* Expander::loadTemplate(const Node& pathNode, Scope& s, std::string* display) {
  if (!pathNode.isScalar() || pathNode.value.empty()) {
    error(pathNode.where, "azure-template", "'template' needs a file path", s);
    return nullptr;
  }
  *display = pathNode.value;
  bool ok = false;
  std::string repo;
  std::string path = resolvePath(pathNode, pathNode.value, s, &ok, &repo);
  if (!ok) return nullptr;
  std::string key = std::filesystem::path(path).lexically_normal().string();
  if (auto it = loaded_.find(key); it != loaded_.end()) return it->second;
  if (files_.size() >= options_.limits.maxFiles) {
    stop(pathNode.where,
         "more than " + std::to_string(options_.limits.maxFiles) +
             " files included; Azure's limit is " + std::to_string(options_.limits.maxFiles),
         s);
    return nullptr;
  }
  std::string err;
  const SourceFile* file =
      options_.files ? options_.files->read(key, &err) : sources_.read(key, &err);
  if (!file) {
    error(pathNode.where, "azure-template-file",
          "template '" + pathNode.value + "' cannot be read: " + err, s);
    return nullptr;
  }
  files_.push_back(file);
  // The file belongs to the repository its path was resolved in (parsed
  // once, in resolvePath: a second parse here once disagreed on 'x.yml@').
  repoOf_[file] = repo;
  Diagnostics local;
  std::optional<Node> doc = loadAzureYaml(*file, local);
  bool bad = local.hasErrors();
  // A file that is not YAML is reported with the include chain that read
  // it, as any problem inside it is.
  for (auto& d : local.all()) {
    d.notes.push_back({pathNode.where, "in template '" + pathNode.value + "', included here"});
    for (const Frame* f = s.frame; f; f = f->parent)
      d.notes.push_back({f->includedAt, "in template '" + f->name + "', included here"});
    diags_.add(std::move(d));
  }
  if (!doc || bad) {
    loaded_[key] = nullptr;
    return nullptr;
  }
  documents_.push_back(std::move(*doc));
  loaded_[key] = &documents_.back();
  return &documents_.back();
}

BoundParameters Expander::bind(const Node* declared, const Node& provided, const Location* at,
                               Scope& s) {
  ParameterContext ctx{values_,
                       [&](const Location& where, std::string rule, std::string message) {
                         error(where, std::move(rule), std::move(message), s);
                       },
                       [&](Node& value, ListKind kind) {
                         Node out;
                         out.kind = yaml::Kind::Sequence;
                         out.where = value.where;
                         Scope inner = s;
                         inner.vars = std::make_shared<VarTable>(*s.vars);
                         expandItemsInto(value, inner, kind, out);
                         value = std::move(out);
                       }};
  return bindParameters(declared, provided, at, ctx);
}

void Expander::includeTemplate(const Node& ref, Scope& s, ListKind kind, Node& out) {
  const Node& pathNode = *ref.find("template");
  uint32_t depth = s.frame ? s.frame->depth : 0;
  if (depth + 1 > options_.limits.maxNesting) {
    stop(pathNode.where,
         "templates nest more than " + std::to_string(options_.limits.maxNesting) +
             " levels deep (Azure's limit)",
         s);
    return;
  }
  std::string display;
  const Node* doc = loadTemplate(pathNode, s, &display);
  if (!doc) return;
  if (!doc->isMapping()) {
    error(doc->where, "azure-template",
          doc->isNull() ? "the template is empty" : "a template must be a mapping", s);
    return;
  }
  Frame frame{s.frame, display, pathNode.where, depth + 1};
  Node empty;
  empty.kind = yaml::Kind::Mapping;
  const Node* provided = ref.find("parameters");
  if (provided && !provided->isMapping() && !provided->isNull()) {
    error(provided->where, "azure-template", "'parameters' must be a mapping", s);
    return;
  }
  Scope inner;
  inner.vars = s.vars;
  inner.frame = &frame;
  // Binding problems sit at the include or in the caller's values: the
  // caller's chain explains them.
  BoundParameters bound =
      bind(doc->find("parameters"), provided && provided->isMapping() ? *provided : empty,
           &pathNode.where, s);
  inner.parameters = bound.values;
  inner.strict = bound.typed;
  inner.names = bound.names;
  Node expanded;
  expanded.kind = yaml::Kind::Mapping;
  expandMappingInto(*doc, inner, MapKind::TemplateRoot, expanded, Select::Root);
  const char* key = listKeyOf(kind);
  const Node* list = expanded.find(key);
  if (!list) {
    std::vector<std::string> keys;
    for (const auto& e : expanded.entries)
      keys.push_back(e.key.value);
    error(pathNode.where, "azure-template",
          "template '" + display + "' is used in '" + key + "' but has no '" + key + ":'" +
              (keys.empty() ? std::string() : " (it has " + quoteList(keys) + ")"),
          s);
    return;
  }
  for (const auto& e : expanded.entries)
    if (e.key.value != key)
      error(e.key.where, "azure-template",
            "Unexpected value '" + e.key.value + "' in a " + key + " template", &frame);
  if (list->isSequence()) {
    for (const Node& item : list->items)
      out.items.push_back(item);
  } else if (list->isMapping() && kind == ListKind::Variables) {
    // A template's variables in mapping form: one {name, value} each.
    for (const auto& e : list->entries) {
      Node item;
      item.kind = yaml::Kind::Mapping;
      item.where = e.key.where;
      item.entries.push_back({scalarNode("name", e.key.where), e.key});
      item.entries.push_back({scalarNode("value", e.value.where), e.value});
      out.items.push_back(std::move(item));
    }
  } else if (!list->isNull())
    error(list->where, "azure-template", std::string("'") + key + "' must be a list", &frame);
}

bool Expander::expandExtends(const Node& extends, Scope& s, Node& pipeline) {
  Node ref = expandValue(extends, s, ListKind::None);
  const Node* pathNode = ref.find("template");
  if (!ref.isMapping() || !pathNode) {
    error(extends.where, "azure-template", "'extends' needs 'template:'", s);
    return false;
  }
  std::string display;
  const Node* doc = loadTemplate(*pathNode, s, &display);
  if (!doc) return false;
  if (!doc->isMapping()) {
    error(doc->where, "azure-template", "a template must be a mapping", s);
    return false;
  }
  Frame frame{s.frame, display, pathNode->where, 1};
  Node empty;
  empty.kind = yaml::Kind::Mapping;
  const Node* provided = ref.find("parameters");
  Scope inner;
  inner.vars = s.vars;
  inner.frame = &frame;
  BoundParameters bound =
      bind(doc->find("parameters"), provided && provided->isMapping() ? *provided : empty,
           &pathNode->where, s);
  inner.parameters = bound.values;
  inner.strict = bound.typed;
  inner.names = bound.names;
  Node expanded;
  expandScopeOwner(*doc, inner, MapKind::Pipeline, expanded, true);
  for (auto& e : expanded.entries)
    addEntry(pipeline, std::move(e), inner, MapKind::Pipeline);
  // An extends template may itself extend another.
  if (const Node* nested = doc->find("extends"); nested && !stopped_)
    return expandExtends(*nested, inner, pipeline);
  return true;
}

std::string findSelfRoot(const std::string& file) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path dir = fs::absolute(fs::path(file), ec).parent_path();
  for (fs::path d = dir; !d.empty(); d = d.parent_path()) {
    if (fs::exists(d / ".git", ec)) return d.string();
    if (d == d.parent_path()) break;
  }
  std::string parent = fs::path(file).parent_path().string();
  return parent.empty() ? "." : parent;
}

Expansion Expander::run(const SourceFile& root) {
  Expansion result;
  selfRoot_ = options_.selfRoot.empty() ? findSelfRoot(root.path()) : options_.selfRoot;
  files_.push_back(&root);
  repoOf_[&root] = selfRoot_;
  Diagnostics local;
  std::optional<Node> doc = loadAzureYaml(root, local);
  bool bad = local.hasErrors();
  for (auto& d : local.all())
    diags_.add(std::move(d));
  if (!doc || bad) return result;
  Scope scope;
  scope.vars = std::make_shared<VarTable>();
  for (const auto& [k, v] : options_.variables)
    scope.vars->set(k, v);
  if (!doc->isMapping()) {
    Location at = doc->where;
    if (!at.known()) at = {&root, {1, 1}, {1, 1}};
    error(at, "azure-template",
          doc->isNull() ? "the pipeline is empty" : "a pipeline must be a mapping", scope);
    return result;
  }
  // Values given on the command line, each read as YAML.
  Node provided;
  provided.kind = yaml::Kind::Mapping;
  if (!options_.parametersFile.empty()) {
    std::string err;
    const SourceFile* f = sources_.read(options_.parametersFile, &err);
    Diagnostics pd;
    std::optional<Node> v = f ? yaml::load(*f, pd) : std::nullopt;
    for (auto& d : pd.all())
      diags_.add(std::move(d));
    if (!f)
      diags_.error({}, "azure-parameter", err);
    else if (v && v->isMapping())
      provided.entries = v->entries;
    else if (v && !v->isNull())
      diags_.error(v->where, "azure-parameter",
                   "a parameters file must hold a mapping of parameter names to values");
  }
  for (const auto& parameter : options_.parameters) {
    const std::string& name = parameter.first;
    const std::string& text = parameter.second;
    const SourceFile* f = sources_.add("--parameters " + name, text);
    Diagnostics pd;
    std::optional<Node> v = yaml::load(*f, pd);
    for (auto& d : pd.all())
      diags_.add(std::move(d));
    if (!v) continue;
    std::erase_if(provided.entries, [&](const Entry& e) { return e.key.value == name; });
    provided.entries.push_back({scalarNode(name, v->where), std::move(*v)});
  }
  BoundParameters bound = bind(doc->find("parameters"), provided, nullptr, scope);
  scope.parameters = bound.values;
  scope.strict = bound.typed;
  scope.names = bound.names;
  if (!doc->find("parameters") && !provided.entries.empty())
    for (const auto& e : provided.entries)
      error(e.key.where, "azure-parameter",
            "Unexpected parameter '" + e.key.value + "': the pipeline declares no parameters",
            scope);

  // The pipeline's own parameter declarations stay as written.
  const Node* extends = doc->find("extends");
  Node pipeline;
  expandScopeOwner(*doc, scope, MapKind::Pipeline, pipeline, true);
  if (const Entry* declared = doc->entry("parameters"))
    pipeline.entries.insert(pipeline.entries.begin(), *declared);
  if (extends && !stopped_) expandExtends(*extends, scope, pipeline);

  result.files = files_;
  result.groups = groups_;
  result.unmappedRepositories = unmappedRepositories_;
  if (!diags_.hasErrors() && !stopped_) result.pipeline = std::move(pipeline);
  return result;
}

}  // namespace

Expansion expand(const SourceFile& root, const ExpandOptions& options, Sources& sources,
                 Diagnostics& diags) {
  Expander e(options, sources, diags);
  return e.run(root);
}

Expansion expand(const std::string& path, const ExpandOptions& options, Sources& sources,
                 Diagnostics& diags) {
  std::string err;
  const SourceFile* file =
      options.files ? options.files->read(path, &err) : sources.read(path, &err);
  if (!file) {
    diags.error({}, "azure-template-file", err);
    return {};
  }
  return expand(*file, options, sources, diags);
}

void reportAnchors(const std::vector<yaml::Anchor>& anchors, Diagnostics& diags) {
  for (const auto& a : anchors)
    diags.error(a.where, "yaml-anchor",
                "Azure Pipelines does not support YAML anchors and aliases ('&" + a.name + "')",
                "write the value out, or share it with a template or a parameter");
}

FileKind fileKind(const yaml::Node& root) {
  if (!root.isMapping()) return FileKind::Unknown;
  static const char* kPipelineKeys[] = {"trigger", "pr",   "schedules", "resources",
                                        "extends", "pool", "name",      "lockBehavior"};
  for (const char* k : kPipelineKeys)
    if (root.find(k)) return FileKind::Pipeline;
  int lists = (root.find("stages") != nullptr) + (root.find("jobs") != nullptr) +
              (root.find("steps") != nullptr);
  if (lists > 1) return FileKind::Pipeline;
  if (root.find("stages")) return FileKind::Stages;
  if (root.find("jobs")) return FileKind::Jobs;
  if (root.find("steps")) return FileKind::Steps;
  if (root.find("variables")) return FileKind::Variables;
  return FileKind::Unknown;
}

const char* fileKindName(FileKind k) {
  switch (k) {
    case FileKind::Pipeline:
      return "pipeline";
    case FileKind::Stages:
      return "stages template";
    case FileKind::Jobs:
      return "jobs template";
    case FileKind::Steps:
      return "steps template";
    case FileKind::Variables:
      return "variables template";
    case FileKind::Unknown:
      break;
  }
  return "unknown";
}

}  // namespace galley::azure
