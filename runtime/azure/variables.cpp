#include "runtime/azure/variables.h"

#include "compiler/ascii.h"
#include "compiler/expr/azure.h"

namespace galley::run::azure {

std::string envName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name)
    out.push_back(c == '.' || c == ' ' ? '_' : (c >= 'a' && c <= 'z' ? char(c - 32) : c));
  return out;
}

bool Variables::set(const std::string& name, const std::string& value, bool secret, bool readonly,
                    std::string* err) {
  for (Entry& e : entries_)
    if (equalsIgnoreCase(e.name, name)) {
      if (e.readonly) {
        if (err) *err = "variable '" + e.name + "' is read-only and cannot be changed";
        return false;
      }
      e.value = value;
      e.secret = e.secret || secret;
      e.readonly = readonly;
      return true;
    }
  entries_.push_back({name, value, secret, readonly});
  return true;
}

const Variables::Entry* Variables::find(std::string_view name) const {
  for (const Entry& e : entries_)
    if (equalsIgnoreCase(e.name, name)) return &e;
  return nullptr;
}

bool Variables::expand(std::string_view text, std::string* out, std::string* err) const {
  auto lookup = [this](std::string_view name) -> const std::string* {
    const Entry* e = find(name);
    return e ? &e->value : nullptr;
  };
  return expr::azure::expandMacros(text, lookup, out, err);
}

expr::Value Variables::context() const {
  expr::Object o;
  // Object keeps the first of equal keys: the latest value wins because
  // set() replaces in place.
  for (const Entry& e : entries_)
    o.add(e.name, expr::Value::string(e.value));
  return expr::Value::object(std::move(o));
}

std::vector<std::pair<std::string, std::string>> Variables::environment() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Entry& e : entries_)
    if (!e.secret) out.emplace_back(envName(e.name), e.value);
  return out;
}

}  // namespace galley::run::azure
