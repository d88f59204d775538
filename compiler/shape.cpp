#include "compiler/shape.h"

#include <cmath>

namespace galley::shape {

namespace {

void wrongKind(const yaml::Node& n, const std::string& what, const char* expected,
               Diagnostics& diags) {
  diags.error(n.where, "type", what + " must be " + expected + ", not " + n.typeName());
}

}  // namespace

bool isMapping(const yaml::Node& n, const std::string& what, Diagnostics& diags) {
  if (n.isMapping()) return true;
  wrongKind(n, what, "a mapping", diags);
  return false;
}

bool isSequence(const yaml::Node& n, const std::string& what, Diagnostics& diags) {
  if (n.isSequence()) return true;
  wrongKind(n, what, "a sequence", diags);
  return false;
}

bool mapping(const yaml::Node& n, std::initializer_list<const char*> allowed,
             const std::string& what, Diagnostics& diags) {
  if (!isMapping(n, what, diags)) return false;
  std::vector<std::string> names(allowed.begin(), allowed.end());
  for (const auto& e : n.entries) {
    bool known = false;
    for (const auto& a : names)
      known |= e.key.value == a;
    if (!known)
      diags.error(e.key.where, "unknown-key", "unknown key '" + e.key.value + "' in " + what,
                  didYouMean(e.key.value, names));
  }
  return true;
}

std::optional<std::string> scalar(const yaml::Node& n, const std::string& what,
                                  Diagnostics& diags) {
  if (n.isScalar()) return n.value;
  wrongKind(n, what, "a string", diags);
  return std::nullopt;
}

std::optional<bool> boolean(const yaml::Node& n, const std::string& what, Diagnostics& diags) {
  if (auto b = n.asBool()) return b;
  wrongKind(n, what, "true or false", diags);
  return std::nullopt;
}

std::optional<long> integer(const yaml::Node& n, const std::string& what, long min, long max,
                            Diagnostics& diags) {
  auto d = n.asNumber();
  if (!d || std::floor(*d) != *d) {
    wrongKind(n, what, "a whole number", diags);
    return std::nullopt;
  }
  if (*d < min || *d > max) {
    diags.error(n.where, "range",
                what + " must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return static_cast<long>(*d);
}

std::optional<std::vector<std::string>> stringList(const yaml::Node& n, const std::string& what,
                                                   Diagnostics& diags) {
  if (n.isScalar()) return std::vector<std::string>{n.value};
  if (!n.isSequence()) {
    wrongKind(n, what, "a string or a list of strings", diags);
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& item : n.items) {
    if (!item.isScalar()) {
      wrongKind(item, "each item of " + what, "a string", diags);
      return std::nullopt;
    }
    out.push_back(item.value);
  }
  return out;
}

const yaml::Node* require(const yaml::Node& map, const char* key, const std::string& what,
                          Diagnostics& diags) {
  const yaml::Node* v = map.find(key);
  if (!v) diags.error(map.where, "missing-key", what + " is missing '" + key + "'");
  return v;
}

bool validId(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

bool id(const yaml::Node& n, const std::string& what, Diagnostics& diags) {
  if (validId(n.value)) return true;
  diags.error(n.where, "invalid-id",
              what + " '" + excerpt(n.value) +
                  "' must start with a letter or '_' and hold only letters, digits, '_' and '-'");
  return false;
}

}  // namespace galley::shape
