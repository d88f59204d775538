#include "compiler/lint/schema.h"

#include <algorithm>
#include <array>
#include <set>
#include <span>
#include <string_view>
#include <vector>

#include "compiler/expr/template.h"

namespace galley::lint {

namespace {

using Kind = SchemaDefinition::Kind;
bool isExpression(const yaml::Node& n) {
  return n.isScalar() && expr::hasExpression(n.value);
}

// The whole value is `${{ 'text' }}`: an expression that can only be a
// string, whatever the run.
bool isStringLiteral(std::string_view v) {
  auto trim = [](std::string_view t) {
    size_t b = t.find_first_not_of(" \t\r\n");
    size_t e = t.find_last_not_of(" \t\r\n");
    return b == std::string_view::npos ? std::string_view() : t.substr(b, e - b + 1);
  };
  v = trim(v);
  if (!v.starts_with("${{") || !v.ends_with("}}") || v.find("${{", 3) != std::string_view::npos)
    return false;
  std::string_view inner = trim(v.substr(3, v.size() - 5));
  if (inner.size() < 2 || inner.front() != '\'' || inner.back() != '\'') return false;
  // Quotes inside come in pairs ('' is an escaped quote).
  std::string_view body = inner.substr(1, inner.size() - 2);
  for (size_t i = 0; i < body.size(); ++i)
    if (body[i] == '\'' && (i + 1 >= body.size() || body[++i] != '\'')) return false;
  return true;
}

// How many allowed values a message lists; past that, the hint speaks.
constexpr size_t kListedValues = 24;

// "; expected 'a', 'b', or 'c'" for a list short enough to read (an input's
// types, an event's activity types); nothing for a long one (every webhook
// event, Feather's 256 icons), where the did-you-mean says more.
std::string expectedList(const std::vector<std::string>& names) {
  return names.size() <= kListedValues ? "; expected " + quoteList(names) : "";
}

// The hint for a value outside names: the closest name, or, where the
// message lists none of them, how many there are and the first few.
std::string valueHint(std::string_view value, const std::vector<std::string>& names) {
  std::string hint = didYouMean(value, names);
  if (!hint.empty() || names.size() <= kListedValues) return hint;
  return "one of " + std::to_string(names.size()) + " values, such as " +
         quoteList(std::span(names).first(3));
}

// The rule a mismatch under a definition belongs to: findings about events
// and permissions have rules of their own so they can be configured apart.
std::string ruleFor(std::string_view def, const char* fallback) {
  // Keys and values inside one event's configuration (push: {tags: ...}).
  static const std::set<std::string, std::less<>> events = [] {
    std::set<std::string, std::less<>> out;
    if (const SchemaDefinition* on = Schema::workflow().find("on-mapping-strict"))
      for (const auto& k : on->keys)
        if (k.def) out.insert(std::string(k.def->name) + "-mapping");
    return out;
  }();
  if (events.count(def)) return "events";
  auto starts = [&](std::string_view p) { return def.substr(0, p.size()) == p; };
  auto ends = [&](std::string_view s) {
    return def.size() >= s.size() && def.substr(def.size() - s.size()) == s;
  };
  if (starts("permission")) return "permissions";
  if (starts("on-") || ends("-activity-type") || ends("-activity")) return "events";
  return fallback;
}

struct Frame {
  std::string_view section;              // name of the node for messages
  const yaml::Node* ownerKey = nullptr;  // the key whose value is the node
  const SchemaDefinition* contextDef = nullptr;
  bool loose = false;     // the value of a free-form key (an input name, an env var)
  bool required = false;  // the value of a key its mapping requires
};

class Walker {
 public:
  // visit may be nullptr; it must outlive the walker.
  Walker(const Schema& schema, Diagnostics& diags, const ScalarVisitor* visit)
      : schema_(schema), diags_(diags), visit_(visit), any_(schema.find("any")) {}

  void walk(const yaml::Node& n, std::string_view defName, Frame f) {
    walk(n, schema_.find(defName), f);
  }

  void walk(const yaml::Node& n, const SchemaDefinition* d, Frame f) {
    if (!d) return;  // a schema defect; the schema tests pin every reference
    if (d->hasContext) f.contextDef = d;
    if (f.contextDef && expression(n)) {
      if (d->kind == Kind::Mapping && isStringLiteral(n.value))
        diags_.error(n.where, "expression",
                     "'" + std::string(f.section) +
                         "' takes a mapping, but this expression is always a string");
      accept(n, f);
      return;
    }
    switch (d->kind) {
      case Kind::Any:
        if (n.isScalar()) accept(n, f);
        walkAny(n, f);
        return;
      case Kind::Null:
        if (!n.isNull()) mismatch(n, *d, "null", f);
        return;
      case Kind::Boolean:
        if (!(n.isScalar() && n.asBool()))
          mismatch(n, *d, "boolean", f);
        else
          accept(n, f);
        return;
      case Kind::Number:
        if (!(n.isScalar() && n.asNumber()))
          mismatch(n, *d, "number", f);
        else
          accept(n, f);
        return;
      case Kind::String:
        walkString(n, *d, f);
        return;
      case Kind::AllowedValues:
        walkAllowed(n, *d, f);
        return;
      case Kind::Sequence:
        walkSequence(n, *d, f);
        return;
      case Kind::Mapping:
        walkMapping(n, *d, f);
        return;
      case Kind::OneOf:
        walkOneOf(n, *d, f);
        return;
    }
  }

 private:
  void accept(const yaml::Node& n, const Frame& f) {
    if (visit_ && *visit_) (*visit_)(n, f.contextDef, expression(n));
  }

  // Whether n holds a ${{ }}. A scalar under one-ofs is asked at every
  // level and by the visitor: the answer for the last node asked is kept.
  bool expression(const yaml::Node& n) {
    if (&n != memoNode_) {
      memoNode_ = &n;
      memo_ = isExpression(n);
    }
    return memo_;
  }

  void walkAny(const yaml::Node& n, const Frame& f) {
    if (n.isScalar()) return;
    // Under `any` everything is `any`: d is that definition.
    for (const auto& item : n.items)
      walk(item, any_, f);
    for (const auto& e : n.entries)
      walk(e.value, any_, f);
  }

  void mismatch(const yaml::Node& n, const SchemaDefinition& d, std::string_view expected,
                const Frame& f) {
    std::string got = n.typeName();
    if (n.isNull() && d.kind == Kind::Mapping) {
      // An input or secret with no settings: fine unless a key is required.
      if (!d.required.empty() && f.ownerKey) {
        diags_.error(f.ownerKey->where, ruleFor(d.name, "missing-key"),
                     "'" + std::string(f.section) + "' is missing the required key '" +
                         std::string(d.required.front()) + "'");
        return;
      }
      if (f.loose) return;
    }
    if (n.isNull()) {
      diags_.error(n.where, ruleFor(d.name, "empty-value"),
                   "'" + std::string(f.section) + "' should not be empty: expected a " +
                       std::string(expected));
      return;
    }
    // The events that take no settings are the schema's null definitions
    // named after them: a mapping under one is filters the event lacks.
    if (d.kind == Kind::Null && d.name != "null" && n.isMapping() && !n.entries.empty()) {
      diags_.error(n.entries.front().key.where, "events",
                   "'" + std::string(f.section) + "' takes no settings: filters such as '" +
                       n.entries.front().key.value + "' are not available for the " +
                       std::string(f.section) + " event",
                   "remove them; to act on some refs only, test github.ref (and, for "
                   "create and delete, github.ref_type) in the jobs' if:");
      return;
    }
    std::string shown = n.isScalar() ? " '" + excerpt(n.value) + "'" : "";
    diags_.error(n.where, ruleFor(d.name, "type-mismatch"),
                 "'" + std::string(f.section) + "' must be a " + std::string(expected) +
                     ", not a " + got + shown);
  }

  void walkString(const yaml::Node& n, const SchemaDefinition& d, const Frame& f) {
    // GitHub's parser reads a null where a string is expected as the empty
    // string, without complaint (its coercion-to-string test): `token:` with
    // no value is "" unless the definition requires text. A required key
    // left empty (an output's `value:`) is still reported, as actionlint
    // does: it is as good as missing.
    if (!n.isScalar() && !(n.isNull() && !f.required)) {
      mismatch(n, d, "string", f);
      return;
    }
    std::string_view value = n.isNull() ? std::string_view() : std::string_view(n.value);
    if (d.hasConstant && value != d.constant) {
      diags_.error(n.where, ruleFor(d.name, "invalid-value"),
                   "expected '" + std::string(d.constant) + "', not '" + std::string(value) + "'");
      return;
    }
    if (n.isNull() && !d.requireNonEmpty) return;
    if (d.requireNonEmpty && value.empty()) {
      diags_.error(n.where, ruleFor(d.name, "empty-value"),
                   "'" + std::string(f.section) + "' must not be an empty string");
      return;
    }
    accept(n, f);
  }

  void walkAllowed(const yaml::Node& n, const SchemaDefinition& d, const Frame& f) {
    if (!n.isScalar()) {
      mismatch(n, d, "string", f);
      return;
    }
    if (std::find(d.values.begin(), d.values.end(), n.value) != d.values.end()) {
      accept(n, f);
      return;
    }
    std::vector<std::string> values(d.values.begin(), d.values.end());
    diags_.error(n.where, ruleFor(d.name, "invalid-value"),
                 "invalid value '" + n.value + "' for '" + std::string(f.section) + "'" +
                     expectedList(values),
                 valueHint(n.value, values));
  }

  void walkSequence(const yaml::Node& n, const SchemaDefinition& d, const Frame& f) {
    if (!n.isSequence()) {
      mismatch(n, d, "sequence", f);
      return;
    }
    if (n.items.empty()) {
      diags_.error(n.where, ruleFor(d.name, "empty-value"),
                   "'" + std::string(f.section) + "' should not be an empty sequence");
      return;
    }
    Frame item = f;
    item.ownerKey = nullptr;
    item.required = false;
    for (const auto& i : n.items)
      walk(i, d.item, item);
  }

  void walkMapping(const yaml::Node& n, const SchemaDefinition& d, const Frame& f) {
    if (!n.isMapping()) {
      mismatch(n, d, "mapping", f);
      return;
    }
    for (const auto& e : n.entries) {
      Frame child = f;
      child.section = e.key.value;
      child.ownerKey = &e.key;
      child.loose = false;
      child.required =
          std::find(d.required.begin(), d.required.end(), e.key.value) != d.required.end();
      if (const SchemaDefinition::Key* k = d.key(e.key.value)) {
        walk(e.value, k->def, child);
      } else if (d.loose) {
        walkLooseKey(e.key, d);
        // A free-form key (an env var name) may itself be an expression.
        if (f.contextDef && expression(e.key)) accept(e.key, f);
        child.loose = true;
        walk(e.value, d.looseValue, child);
      } else {
        std::vector<std::string> known;
        for (const auto& k : d.keys)
          known.emplace_back(k.name);
        diags_.error(e.key.where, ruleFor(d.name, "unknown-key"),
                     "unexpected key '" + e.key.value + "' in '" + std::string(f.section) +
                         "'; expected " + quoteList(known),
                     didYouMean(e.key.value, known));
      }
    }
    for (std::string_view k : d.required) {
      if (n.find(k)) continue;
      diags_.error(
          f.ownerKey ? f.ownerKey->where : n.where, ruleFor(d.name, "missing-key"),
          "'" + std::string(f.section) + "' is missing the required key '" + std::string(k) + "'");
    }
  }

  void walkLooseKey(const yaml::Node& key, const SchemaDefinition& d) {
    const SchemaDefinition* kd = d.looseKey;
    if (kd && kd->kind == Kind::String && kd->requireNonEmpty && key.value.empty())
      diags_.error(key.where, ruleFor(d.name, "empty-value"), "keys must not be empty");
  }

  static bool fits(const yaml::Node& n, const SchemaDefinition& v) {
    switch (v.kind) {
      case Kind::Any:
        return true;
      case Kind::Null:
        return n.isNull();
      case Kind::Mapping:
        return n.isMapping();
      case Kind::Sequence:
        return n.isSequence();
      case Kind::Boolean:
        return n.isScalar() && n.asBool().has_value();
      case Kind::Number:
        return n.isScalar() && n.asNumber().has_value();
      case Kind::String:
      case Kind::AllowedValues:
        return n.isScalar();
      case Kind::OneOf:
        return false;
    }
    return false;
  }

  static const char* kindWord(Kind k) {
    switch (k) {
      case Kind::Null:
        return "null";
      case Kind::Boolean:
        return "boolean";
      case Kind::Number:
        return "number";
      case Kind::Sequence:
        return "sequence";
      case Kind::Mapping:
        return "mapping";
      default:
        return "string";
    }
  }

  void walkOneOf(const yaml::Node& n, const SchemaDefinition& d, Frame f) {
    std::span<const SchemaDefinition* const> all = d.variants;
    // Most one-ofs have a handful of variants: keep those that fit off the
    // heap unless there are many (the events `on:` may name).
    std::array<const SchemaDefinition*, 16> fitBuffer;
    std::vector<const SchemaDefinition*> fitMany;
    size_t count = 0;
    for (const auto* v : all) {
      if (!fits(n, *v)) continue;
      if (count == fitBuffer.size()) fitMany.assign(fitBuffer.begin(), fitBuffer.end());
      if (count < fitBuffer.size())
        fitBuffer[count] = v;
      else
        fitMany.push_back(v);
      ++count;
    }
    if (count == 1) {
      walk(n, fitBuffer[0], f);
      return;
    }
    std::span<const SchemaDefinition* const> fit(
        fitMany.empty() ? fitBuffer.data() : fitMany.data(), count);
    if (fit.empty()) {
      std::vector<std::string> kinds;
      for (const auto* v : all)
        if (std::find(kinds.begin(), kinds.end(), kindWord(v->kind)) == kinds.end())
          kinds.push_back(kindWord(v->kind));
      if (n.isNull()) {
        for (const auto* v : all)
          if (v->kind == Kind::String && !v->requireNonEmpty && v->constant.empty()) return;
        diags_.error(n.where, ruleFor(d.name, "empty-value"),
                     "'" + std::string(f.section) + "' should not be empty");
        return;
      }
      std::string list;
      for (size_t i = 0; i < kinds.size(); ++i)
        list += (i ? (i + 1 == kinds.size() ? " or " : ", ") : "") + kinds[i];
      diags_.error(
          n.where, ruleFor(d.name, "type-mismatch"),
          "'" + std::string(f.section) + "' must be a " + list + ", not a " + n.typeName());
      return;
    }
    if (n.isMapping()) {
      walkMappingVariants(n, d, fit, f);
      return;
    }
    if (n.isScalar()) {
      walkScalarVariants(n, d, fit, f);
      return;
    }
    walk(n, fit.front(), f);
  }

  // Several mapping shapes (a step that runs a script or uses an action; a
  // job with steps or a reusable workflow call): the first key that only one
  // shape requires decides.
  void walkMappingVariants(const yaml::Node& n, const SchemaDefinition& d,
                           std::span<const SchemaDefinition* const> fit, const Frame& f) {
    // A job with `uses:` calls a reusable workflow wherever the key sits, so
    // its `runs-on:` is the stray key. Steps follow actionlint: the last such
    // key decides, so `run:` after `uses:` makes a script step with a stray
    // `uses:`. (The variants a mapping fits are all the mapping variants.)
    if (d.usesVariant && n.find("uses")) {
      walk(n, d.usesVariant, f);
      return;
    }
    for (const auto& s : d.selectors)
      if (const yaml::Node* v = n.find(s.key); v && v->isScalar() && v->value == s.value) {
        walk(n, s.variant, f);
        return;
      }
    for (auto e = n.entries.rbegin(); e != n.entries.rend(); ++e)
      for (const auto& [key, only] : d.decidingKeys)
        if (key == e->key.value) {
          walk(n, only, f);
          return;
        }
    if (n.entries.empty()) {
      diags_.error(n.where, "empty-value", "'" + std::string(f.section) + "' should not be empty");
      return;
    }
    // The keys only one of the shapes requires, in the order they name them.
    auto requiredBy = [&](std::string_view k) {
      return std::count_if(fit.begin(), fit.end(), [&](const SchemaDefinition* v) {
        return std::find(v->required.begin(), v->required.end(), k) != v->required.end();
      });
    };
    std::vector<std::string> distinct;
    for (const auto* v : fit)
      for (std::string_view k : v->required)
        if (requiredBy(k) == 1) distinct.emplace_back(k);
    diags_.error(f.ownerKey ? f.ownerKey->where : n.where, ruleFor(d.name, "missing-key"),
                 "'" + std::string(f.section) + "' needs one of the keys " + quoteList(distinct));
  }

  // Whether walking a scalar (or null) under v would report nothing: the
  // same decisions as walk(), without building the messages.
  bool passes(const yaml::Node& n, const SchemaDefinition& v, const Frame& f) {
    bool inContext = v.hasContext || f.contextDef;
    if (inContext && expression(n)) return !(v.kind == Kind::Mapping && isStringLiteral(n.value));
    switch (v.kind) {
      case Kind::String:
        return n.isScalar() && (!v.hasConstant || n.value == v.constant) &&
               !(v.requireNonEmpty && n.value.empty());
      case Kind::AllowedValues:
        return n.isScalar() &&
               std::find(v.values.begin(), v.values.end(), n.value) != v.values.end();
      case Kind::Mapping:
        // An input or secret with no settings (see mismatch).
        return n.isNull() && f.loose && (v.required.empty() || !f.ownerKey);
      default:
        return fits(n, v);  // the kinds whose shape is all there is to check
    }
  }

  void walkScalarVariants(const yaml::Node& n, const SchemaDefinition& d,
                          std::span<const SchemaDefinition* const> fit, const Frame& f) {
    for (const auto* v : fit)
      if (passes(n, *v, f)) {
        walk(n, v, f);
        return;
      }
    // No variant takes it: the values they allow, for the message.
    std::vector<std::string> allowed;
    for (const auto* v : fit) {
      if (!v->constant.empty()) allowed.emplace_back(v->constant);
      for (std::string_view value : v->values)
        allowed.emplace_back(value);
    }
    if (allowed.empty()) {
      walk(n, fit.front(), f);
      return;
    }
    std::string what = ruleFor(d.name, "") == "events" ? "unknown event '" : "invalid value '";
    diags_.error(n.where, ruleFor(d.name, "invalid-value"),
                 what + n.value + "' for '" + std::string(f.section) + "'" + expectedList(allowed),
                 valueHint(n.value, allowed));
  }

  const Schema& schema_;
  Diagnostics& diags_;
  const ScalarVisitor* visit_;
  const SchemaDefinition* any_;  // looked up once, not at every node under it
  const yaml::Node* memoNode_ = nullptr;
  bool memo_ = false;
};

}  // namespace

namespace tables {

// The generated tables (compiler/data/schema_tables.py): SchemaDefinition's
// members as offsets into kText and indices into the other arrays of the
// same schema, so that they hold no pointer for the loader to relocate.
struct RawText {
  uint32_t at = 0;
  uint32_t size = 0;
};
struct RawList {  // `count` entries from `at`
  uint32_t at = 0;
  uint32_t count = 0;
};
constexpr uint16_t kNoDefinition = UINT16_MAX;
struct RawKey {
  RawText name;
  uint16_t def = kNoDefinition;
  char first = 0;
};
struct RawDecidingKey {
  RawText key;
  uint16_t variant = kNoDefinition;
};
struct RawSelector {
  RawText key, value;
  uint16_t variant = kNoDefinition;
};
struct RawDefinition {
  Kind kind = Kind::Any;
  bool hasContext = false, loose = false, hasConstant = false, requireNonEmpty = false;
  RawList keys;      // in kKeys
  RawList required;  // in kStrings
  uint16_t item = kNoDefinition, looseKey = kNoDefinition, looseValue = kNoDefinition;
  RawList variants;      // in kVariants
  RawList decidingKeys;  // in kDecidingKeys
  uint16_t usesVariant = kNoDefinition;
  RawList selectors;  // in kSelectors
  RawText name;
  RawList context;  // in kStrings
  RawText constant;
  RawList values;  // in kStrings
};

// Each definition names only the members it sets (designated initializers);
// the rest keep their defaults, which g++ 12 warns about under -Wextra.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include "compiler/data/schema_tables.inc"
#pragma GCC diagnostic pop

struct RawSchema {
  std::string_view text;
  std::span<const RawDefinition> definitions;
  std::span<const RawKey> keys;
  std::span<const RawText> strings;
  std::span<const uint16_t> variants;
  std::span<const RawDecidingKey> decidingKeys;
  std::span<const RawSelector> selectors;
};

// A schema's definitions with their pointers and views, built once from
// its raw tables and kept for the life of the process.
class Built {
 public:
  explicit Built(const RawSchema& raw)
      : raw_(raw),
        definitions_(raw.definitions.size()),
        keys_(raw.keys.size()),
        strings_(raw.strings.size()),
        variants_(raw.variants.size()),
        decidingKeys_(raw.decidingKeys.size()),
        selectors_(raw.selectors.size()) {
    for (size_t i = 0; i < keys_.size(); ++i)
      keys_[i] = {text(raw.keys[i].name), def(raw.keys[i].def), raw.keys[i].first};
    for (size_t i = 0; i < strings_.size(); ++i)
      strings_[i] = text(raw.strings[i]);
    for (size_t i = 0; i < variants_.size(); ++i)
      variants_[i] = def(raw.variants[i]);
    for (size_t i = 0; i < decidingKeys_.size(); ++i)
      decidingKeys_[i] = {text(raw.decidingKeys[i].key), def(raw.decidingKeys[i].variant)};
    for (size_t i = 0; i < selectors_.size(); ++i) {
      const RawSelector& s = raw.selectors[i];
      selectors_[i] = {text(s.key), text(s.value), def(s.variant)};
    }
    for (size_t i = 0; i < definitions_.size(); ++i)
      definitions_[i] = definition(raw.definitions[i]);
  }

  std::span<const SchemaDefinition> definitions() const { return definitions_; }

 private:
  std::string_view text(RawText t) const { return raw_.text.substr(t.at, t.size); }
  const SchemaDefinition* def(uint16_t i) const {
    return i == kNoDefinition ? nullptr : &definitions_[i];
  }
  template <typename T>
  static std::span<const T> slice(const std::vector<T>& all, RawList l) {
    return std::span<const T>(all).subspan(l.at, l.count);
  }

  SchemaDefinition definition(const RawDefinition& r) const {
    SchemaDefinition d;
    d.kind = r.kind;
    d.hasContext = r.hasContext;
    d.loose = r.loose;
    d.hasConstant = r.hasConstant;
    d.requireNonEmpty = r.requireNonEmpty;
    d.keys = slice(keys_, r.keys);
    d.required = slice(strings_, r.required);
    d.item = def(r.item);
    d.looseKey = def(r.looseKey);
    d.looseValue = def(r.looseValue);
    d.variants = slice(variants_, r.variants);
    d.decidingKeys = slice(decidingKeys_, r.decidingKeys);
    d.usesVariant = def(r.usesVariant);
    d.selectors = slice(selectors_, r.selectors);
    d.name = text(r.name);
    d.context = slice(strings_, r.context);
    d.constant = text(r.constant);
    d.values = slice(strings_, r.values);
    return d;
  }

  RawSchema raw_;
  std::vector<SchemaDefinition> definitions_;
  std::vector<SchemaDefinition::Key> keys_;
  std::vector<std::string_view> strings_;
  std::vector<const SchemaDefinition*> variants_;
  std::vector<SchemaDefinition::DecidingKey> decidingKeys_;
  std::vector<SchemaDefinition::Selector> selectors_;
};

}  // namespace tables

// Built at first use, not read from relocated constant tables: a command
// that never validates (registry, --version) pays nothing for them.
const Schema& Schema::workflow() {
  namespace w = tables::workflow;
  static const tables::Built built({w::kText, w::kDefinitions, w::kKeys, w::kStrings, w::kVariants,
                                    w::kDecidingKeys, w::kSelectors});
  static const Schema schema(built.definitions());
  return schema;
}

const Schema& Schema::action() {
  namespace a = tables::action;
  static const tables::Built built({a::kText, a::kDefinitions, a::kKeys, a::kStrings, a::kVariants,
                                    a::kDecidingKeys, a::kSelectors});
  static const Schema schema(built.definitions());
  return schema;
}

const SchemaDefinition* Schema::find(std::string_view name) const {
  auto it =
      std::lower_bound(defs_.begin(), defs_.end(), name,
                       [](const SchemaDefinition& d, std::string_view n) { return d.name < n; });
  return it != defs_.end() && it->name == name ? &*it : nullptr;
}

void Schema::validate(const yaml::Node& node, std::string_view root, std::string_view section,
                      Diagnostics& diags, const ScalarVisitor& visit) const {
  Walker w(*this, diags, &visit);
  Frame f;
  f.section = section;
  w.walk(node, root, f);
}

}  // namespace galley::lint
