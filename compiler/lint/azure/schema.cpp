#include "compiler/lint/azure/schema.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <regex>
#include <vector>

#include "compiler/ascii.h"
#include "compiler/lint/data.h"

namespace galley::lint::azure {

namespace {

const DataNode& definitions() {
  static const DataNode& defs = embeddedData("azure_schema.json")["definitions"];
  return defs;
}

const DataNode* definition(std::string_view name) {
  return definitions().find(name);
}

std::string_view field(const DataNode& def, std::string_view key) {
  const DataNode* n = def.find(key);
  return n ? n->text() : std::string_view();
}

bool isTemplateExpression(std::string_view v) {
  return v.find("${{") != std::string_view::npos;
}

// A value Azure computes later ($[ ], $(var)) or at compile time (${{ }}):
// its text is not the value, so allowed values and patterns are not asked.
bool isComputed(std::string_view v) {
  return v.find("${{") != std::string_view::npos || v.find("$[") != std::string_view::npos ||
         v.find("$(") != std::string_view::npos;
}

// The schema's patterns other than single words: compiled once each.
bool matchesPattern(std::string_view pattern, const std::string& value) {
  static std::mutex mu;
  static std::map<std::string, std::regex, std::less<>> compiled;
  std::lock_guard<std::mutex> lock(mu);
  auto it = compiled.find(pattern);
  if (it == compiled.end())
    it = compiled.emplace(std::string(pattern), std::regex(std::string(pattern))).first;
  return std::regex_search(value, it->second);
}

class Walker {
 public:
  explicit Walker(Diagnostics& diags) : diags_(diags) {}

  void walk(const yaml::Node& n, const DataNode& def, std::string_view section,
            const yaml::Node* ownerKey) {
    if (++depth_ > 200) {  // the YAML loader caps nesting lower; a guard all the same
      --depth_;
      return;
    }
    if (std::string_view why = field(def, "deprecated"); !why.empty() && ownerKey)
      diags_.warning(ownerKey->where, "deprecated-key",
                     "'" + std::string(section) + "' is deprecated: " + std::string(why));
    std::string_view kind = field(def, "kind");
    // A whole `${{ }}` may produce any value; a null is an empty value Azure
    // reads as ''.
    if (n.isNull() || (n.isScalar() && isTemplateExpression(n.value) && kind != "string")) {
    } else if (kind == "string") {
      walkString(n, def, section);
    } else if (kind == "sequence") {
      walkSequence(n, def, section);
    } else if (kind == "mapping") {
      walkMapping(n, def, section, ownerKey);
    } else if (kind == "anyOf") {
      walkAnyOf(n, def, section, ownerKey);
    }
    --depth_;
  }

 private:
  void mismatch(const yaml::Node& n, std::string_view expected, std::string_view section) {
    std::string shown = n.isScalar() ? " '" + excerpt(n.value) + "'" : "";
    diags_.error(n.where, "type-mismatch",
                 "'" + std::string(section) + "' must be a " + std::string(expected) + ", not a " +
                     kindName(n.kind) + shown);
  }

  // Whether a scalar is one of the string's values and fits its pattern.
  static bool accepts(const yaml::Node& n, const DataNode& def) {
    if (isComputed(n.value)) return true;
    const DataNode* values = def.find("values");
    if (values) {
      bool caseless = field(def, "ignoreCase") == "true";
      for (const DataNode& v : values->list())
        if (caseless ? equalsIgnoreCase(v.text(), n.value) : v.text() == n.value) return true;
      return false;
    }
    std::string_view pattern = field(def, "pattern");
    return pattern.empty() || matchesPattern(pattern, n.value);
  }

  void walkString(const yaml::Node& n, const DataNode& def, std::string_view section) {
    if (!n.isScalar()) {
      mismatch(n, "string", section);
      return;
    }
    if (accepts(n, def)) return;
    if (const DataNode* values = def.find("values")) {
      std::vector<std::string> names = values->strings();
      diags_.error(n.where, "invalid-value",
                   "invalid value '" + excerpt(n.value) + "' for '" + std::string(section) +
                       "'; expected " + quoteList(names),
                   didYouMean(n.value, names));
      return;
    }
    diags_.error(n.where, "invalid-value",
                 "invalid value '" + excerpt(n.value) + "' for '" + std::string(section) +
                     "': it must match " + std::string(field(def, "pattern")));
  }

  // A sequence item that is a directive (`- ${{ if x }}:` or `- ${{ each
  // }}:`) inserts its value's items, or its value as one item.
  void walkItem(const yaml::Node& item, const DataNode& itemDef, std::string_view section) {
    if (item.isMapping() && !item.entries.empty() &&
        isTemplateExpression(item.entries.front().key.value)) {
      for (const auto& e : item.entries) {
        if (!isTemplateExpression(e.key.value)) continue;
        if (e.value.isSequence())
          for (const auto& i : e.value.items)
            walkItem(i, itemDef, section);
        else if (e.value.isMapping())
          walkItem(e.value, itemDef, section);
      }
      return;
    }
    walk(item, itemDef, section, nullptr);
  }

  void walkSequence(const yaml::Node& n, const DataNode& def, std::string_view section) {
    if (!n.isSequence()) {
      mismatch(n, "sequence", section);
      return;
    }
    const DataNode* itemDef = definition(field(def, "items"));
    if (!itemDef) return;
    for (const auto& i : n.items)
      walkItem(i, *itemDef, section);
  }

  static bool hasDirective(const yaml::Node& n) {
    return std::any_of(n.entries.begin(), n.entries.end(),
                       [](const yaml::Entry& e) { return isTemplateExpression(e.key.value); });
  }

  void walkEntries(const yaml::Node& n, const DataNode& def, std::string_view section) {
    const DataNode* props = def.find("properties");
    bool loose = field(def, "loose") == "true";
    for (const auto& e : n.entries) {
      if (isTemplateExpression(e.key.value)) {
        // `${{ if }}:` inserts its mapping's keys here.
        if (e.value.isMapping()) walkEntries(e.value, def, section);
        continue;
      }
      const DataNode* ref = props ? props->find(e.key.value) : nullptr;
      if (ref) {
        if (const DataNode* d = definition(ref->text())) walk(e.value, *d, e.key.value, &e.key);
        continue;
      }
      if (loose) continue;
      std::vector<std::string> known;
      if (props)
        for (const DataMember& m : props->object())
          known.emplace_back(m.key());
      diags_.error(
          e.key.where, "unknown-key",
          "unexpected key '" + excerpt(e.key.value) + "' in '" + std::string(section) + "'",
          didYouMean(e.key.value, known));
    }
  }

  void walkMapping(const yaml::Node& n, const DataNode& def, std::string_view section,
                   const yaml::Node* ownerKey) {
    if (!n.isMapping()) {
      mismatch(n, "mapping", section);
      return;
    }
    walkEntries(n, def, section);
    if (hasDirective(n)) return;
    if (const DataNode* required = def.find("required"))
      for (const DataNode& k : required->list())
        if (!n.find(k.text()))
          diags_.error(ownerKey ? ownerKey->where : n.where, "missing-key",
                       "'" + std::string(section) + "' is missing the required key '" +
                           std::string(k.text()) + "'");
  }

  static size_t knownKeys(const yaml::Node& n, const DataNode& def) {
    const DataNode* props = def.find("properties");
    size_t count = 0;
    for (const auto& e : n.entries)
      count += props && props->find(e.key.value);
    return count;
  }

  static bool hasRequired(const yaml::Node& n, const DataNode& def) {
    const DataNode* required = def.find("required");
    if (!required) return true;
    for (const DataNode& k : required->list())
      if (!n.find(k.text())) return false;
    return true;
  }

  // The shape a mapping takes among a one-of's: the one whose first key it
  // has; else, when every shape has such a key, none (an error); else the
  // one it fits best.
  const DataNode* pickMapping(const yaml::Node& n, const std::vector<const DataNode*>& shapes,
                              std::vector<std::string>* firstKeys) {
    bool allFirst = true;
    for (const DataNode* d : shapes) {
      const DataNode* first = d->find("first");
      if (!first) {
        allFirst = false;
        continue;
      }
      for (const DataNode& k : first->list()) {
        if (n.find(k.text())) return d;
        if (std::find(firstKeys->begin(), firstKeys->end(), k.text()) == firstKeys->end())
          firstKeys->emplace_back(k.text());
      }
    }
    if (allFirst) return nullptr;
    const DataNode* best = nullptr;
    size_t bestScore = 0;
    for (const DataNode* d : shapes) {
      if (d->find("first")) continue;
      size_t score = knownKeys(n, *d) * 2 + (hasRequired(n, *d) ? 1 : 0);
      if (!best || score > bestScore) {
        best = d;
        bestScore = score;
      }
    }
    return best;
  }

  void walkAnyOf(const yaml::Node& n, const DataNode& def, std::string_view section,
                 const yaml::Node* ownerKey) {
    std::vector<const DataNode*> strings, sequences, mappings;
    bool any = false;
    collect(def, strings, sequences, mappings, &any);
    if (any) return;
    if (n.isScalar()) {
      for (const DataNode* d : strings)
        if (accepts(n, *d)) return;
      if (strings.empty()) {
        mismatch(n, sequences.empty() ? "mapping" : "sequence", section);
        return;
      }
      walkString(n, *strings.front(), section);
      return;
    }
    if (n.isSequence()) {
      if (sequences.empty()) {
        mismatch(n, mappings.empty() ? "string" : "mapping", section);
        return;
      }
      walk(n, *sequences.front(), section, ownerKey);
      return;
    }
    if (mappings.empty()) {
      mismatch(n, sequences.empty() ? "string" : "sequence", section);
      return;
    }
    if (mappings.size() == 1) {
      walk(n, *mappings.front(), section, ownerKey);
      return;
    }
    std::vector<std::string> firstKeys;
    if (const DataNode* d = pickMapping(n, mappings, &firstKeys)) {
      walk(n, *d, section, ownerKey);
      return;
    }
    if (hasDirective(n)) return;
    // A key that is close to one of the first keys is a typo of it.
    std::string hint;
    for (const auto& e : n.entries)
      if (hint.empty()) hint = didYouMean(e.key.value, firstKeys);
    diags_.error(n.entries.empty() ? n.where : n.entries.front().key.where, "missing-key",
                 "'" + std::string(section) + "' needs one of the keys " + quoteList(firstKeys),
                 hint);
  }

  static void collect(const DataNode& def, std::vector<const DataNode*>& strings,
                      std::vector<const DataNode*>& sequences,
                      std::vector<const DataNode*>& mappings, bool* any) {
    for (const DataNode& v : def["variants"].list()) {
      const DataNode* d = definition(v.text());
      if (!d) continue;
      std::string_view kind = field(*d, "kind");
      if (kind == "anyOf")
        collect(*d, strings, sequences, mappings, any);
      else if (kind == "string")
        strings.push_back(d);
      else if (kind == "sequence")
        sequences.push_back(d);
      else if (kind == "mapping")
        mappings.push_back(d);
      else if (kind == "any")
        *any = true;
    }
  }

  Diagnostics& diags_;
  int depth_ = 0;
};

}  // namespace

bool hasShape(std::string_view shape) {
  return definition(shape) != nullptr;
}

void checkShape(const yaml::Node& node, std::string_view shape, std::string_view section,
                Diagnostics& diags) {
  const DataNode* def = definition(shape);
  if (!def) return;
  Walker(diags).walk(node, *def, section, nullptr);
}

}  // namespace galley::lint::azure
