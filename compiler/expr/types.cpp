#include "compiler/expr/types.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>

#include "compiler/expr/functions.h"

namespace galley::expr {

namespace {

// Compares a stored (lower-case) name with any spelling of a name.
int compareName(std::string_view stored, std::string_view name) {
  size_t n = std::min(stored.size(), name.size());
  for (size_t i = 0; i < n; ++i) {
    char a = stored[i], b = asciiLower(name[i]);
    if (a != b) return a < b ? -1 : 1;
  }
  return stored.size() == name.size() ? 0 : stored.size() < name.size() ? -1 : 1;
}

TypePtr make(TypeKind kind) {
  auto t = std::make_shared<Type>();
  t->kind = kind;
  return t;
}

bool isScalar(TypeKind k) {
  return k == TypeKind::String || k == TypeKind::Number || k == TypeKind::Bool;
}

// A recursive-descent reader of the notation toString writes.
class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}

  TypePtr type() {
    skip();
    if (eat("{")) return object();
    std::string word = name();
    if (word == "any") return types::any();
    if (word == "null") return types::null();
    if (word == "number") return types::number();
    if (word == "bool") return types::boolean();
    if (word == "string") return types::string();
    if (word == "object") return types::object();
    if (word == "array" && eat("<")) {
      TypePtr e = type();
      return e && eat(">") ? types::arrayOf(e) : nullptr;
    }
    return nullptr;
  }

  bool done() {
    skip();
    return i_ == s_.size();
  }

 private:
  TypePtr object() {
    std::vector<std::pair<std::string, TypePtr>> props;
    if (eat("}")) return types::objectOf({});
    size_t mark = i_;
    if (name() == "string" && eat("=>")) {
      TypePtr e = type();
      return e && eat("}") ? types::mapOf(e) : nullptr;
    }
    i_ = mark;
    while (true) {
      std::string key = name();
      if (key.empty() || !eat(":")) return nullptr;
      TypePtr t = type();
      if (!t) return nullptr;
      props.emplace_back(std::move(key), std::move(t));
      if (eat("}")) return types::objectOf(std::move(props));
      if (!eat(";")) return nullptr;
      if (eat("}")) return types::objectOf(std::move(props));
    }
  }

  std::string name() {
    skip();
    size_t b = i_;
    while (i_ < s_.size() &&
           (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_' || s_[i_] == '-'))
      ++i_;
    return std::string(s_.substr(b, i_ - b));
  }

  bool eat(std::string_view tok) {
    skip();
    if (s_.substr(i_, tok.size()) != tok) return false;
    i_ += tok.size();
    return true;
  }

  void skip() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n'))
      ++i_;
  }

  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

const TypePtr* Type::find(std::string_view name) const {
  auto it = std::lower_bound(
      props.begin(), props.end(), name,
      [](const auto& p, std::string_view n) { return compareName(p.first, n) < 0; });
  if (it == props.end() || compareName(it->first, name) != 0) return nullptr;
  return &it->second;
}

namespace types {

const TypePtr& any() {
  static const TypePtr t = make(TypeKind::Any);
  return t;
}
const TypePtr& null() {
  static const TypePtr t = make(TypeKind::Null);
  return t;
}
const TypePtr& number() {
  static const TypePtr t = make(TypeKind::Number);
  return t;
}
const TypePtr& boolean() {
  static const TypePtr t = make(TypeKind::Bool);
  return t;
}
const TypePtr& string() {
  static const TypePtr t = make(TypeKind::String);
  return t;
}
const TypePtr& object() {
  static const TypePtr t = mapOf(any());
  return t;
}

TypePtr arrayOf(TypePtr elem) {
  auto t = std::make_shared<Type>();
  t->kind = TypeKind::Array;
  t->elem = std::move(elem);
  return t;
}

TypePtr mapOf(TypePtr elem) {
  return objectOf({}, std::move(elem));
}

TypePtr objectOf(std::vector<std::pair<std::string, TypePtr>> props, TypePtr rest) {
  auto t = std::make_shared<Type>();
  t->kind = TypeKind::Object;
  for (auto& p : props)
    for (char& c : p.first)
      c = asciiLower(c);
  // Stable, as a later duplicate must not win; most objects have a few
  // properties, sorted in place without the buffer std::stable_sort takes.
  auto less = [](const auto& a, const auto& b) { return a.first < b.first; };
  if (props.size() <= 16) {
    for (size_t i = 1; i < props.size(); ++i)
      for (size_t j = i; j > 0 && less(props[j], props[j - 1]); --j)
        std::swap(props[j], props[j - 1]);
  } else {
    std::stable_sort(props.begin(), props.end(), less);
  }
  props.erase(std::unique(props.begin(), props.end(),
                          [](const auto& a, const auto& b) { return a.first == b.first; }),
              props.end());
  t->props = std::move(props);
  t->elem = std::move(rest);
  return t;
}

TypePtr parse(std::string_view text) {
  Reader r(text);
  TypePtr t = r.type();
  return t && r.done() ? t : nullptr;
}

TypePtr ofValue(const Value& v) {
  switch (v.kind()) {
    case Kind::Null:
      return null();
    case Kind::Boolean:
      return boolean();
    case Kind::Number:
      return number();
    case Kind::String:
      return string();
    case Kind::Array: {
      TypePtr e;
      for (const Value& i : v.items())
        e = e ? merge(e, ofValue(i)) : ofValue(i);
      return arrayOf(e ? e : any());
    }
    case Kind::Object: {
      std::vector<std::pair<std::string, TypePtr>> props;
      for (const auto& [k, x] : v.asObject().entries())
        props.emplace_back(k, ofValue(x));
      return objectOf(std::move(props));
    }
  }
  return any();
}

TypePtr merge(const TypePtr& a, const TypePtr& b) {
  TypeKind x = a->kind, y = b->kind;
  if (x == TypeKind::Any || y == TypeKind::Any) return any();
  if (x == TypeKind::String && isScalar(y)) return a;
  if (y == TypeKind::String && isScalar(x)) return b;
  if (x != y) return any();
  if (x == TypeKind::Array) return arrayOf(merge(a->elem, b->elem));
  if (x != TypeKind::Object) return a;
  // Two objects: the union of their properties; a map stays a map.
  if (a == b) return a;
  std::vector<std::pair<std::string, TypePtr>> props = a->props;
  for (const auto& prop : b->props) {
    const auto& [k, t] = prop;
    auto it = std::find_if(props.begin(), props.end(),
                           [&](const auto& p) { return p.first == prop.first; });
    if (it == props.end())
      props.emplace_back(k, t);
    else
      it->second = merge(it->second, t);
  }
  TypePtr rest;
  if (a->elem && b->elem)
    rest = merge(a->elem, b->elem);
  else if (a->elem || b->elem)
    rest = any();
  return objectOf(std::move(props), std::move(rest));
}

bool assignable(const Type& to, const Type& from) {
  if (to.kind == TypeKind::Any || from.kind == TypeKind::Any) return true;
  if (isScalar(to.kind)) return isScalar(from.kind) || from.kind == TypeKind::Null;
  if (to.kind == TypeKind::Array)
    return from.kind == TypeKind::Array && assignable(*to.elem, *from.elem);
  return to.kind == from.kind;
}

bool comparable(const Type& a, const Type& b, bool equality) {
  TypeKind x = a.kind, y = b.kind;
  if (!equality) {
    // Null, bools, objects and arrays have no order (actionlint's rule;
    // GitHub converts them to numbers, which rarely means what was meant).
    auto unordered = [](TypeKind k) {
      return k == TypeKind::Null || k == TypeKind::Bool || k == TypeKind::Object ||
             k == TypeKind::Array;
    };
    return !unordered(x) && !unordered(y);
  }
  if (x == TypeKind::Any || y == TypeKind::Any) return true;
  if (x == TypeKind::Null || y == TypeKind::Null) return true;
  if (isScalar(x) || isScalar(y)) return isScalar(x) && isScalar(y);
  if (x != y) return false;
  return x == TypeKind::Object || comparable(*a.elem, *b.elem, true);
}

std::string toString(const Type& t) {
  switch (t.kind) {
    case TypeKind::Any:
      return "any";
    case TypeKind::Null:
      return "null";
    case TypeKind::Number:
      return "number";
    case TypeKind::Bool:
      return "bool";
    case TypeKind::String:
      return "string";
    case TypeKind::Array:
      return "array<" + toString(*t.elem) + ">";
    case TypeKind::Object:
      break;
  }
  if (t.elem && t.props.empty())
    return t.elem->kind == TypeKind::Any ? "object" : "{string => " + toString(*t.elem) + "}";
  std::string r = "{";
  for (size_t i = 0; i < t.props.size(); ++i)
    r += (i ? "; " : "") + t.props[i].first + ": " + toString(*t.props[i].second);
  if (t.elem) r += std::string(t.props.empty() ? "" : "; ") + "string => " + toString(*t.elem);
  return r + "}";
}

// Source: docs.github.com "Contexts reference" (github, runner, job,
// strategy contexts), and actionlint's types of the same contexts for the
// properties GitHub sets without documenting them (action_ref, path, ...).
// run_id, run_number and run_attempt are strings there, as GitHub gives them.
constexpr std::pair<std::string_view, std::string_view> kContexts[] = {
    {"github",
     "{action: string; action_path: string; action_ref: string; action_repository: string; "
     "action_status: string; actor: string; actor_id: string; api_url: string; base_ref: string; "
     "env: string; event: object; event_name: string; event_path: string; graphql_url: string; "
     "head_ref: string; job: string; job_workflow_sha: string; output: string; path: string; "
     "ref: string; ref_name: string; ref_protected: bool; ref_type: string; repository: string; "
     "repository_id: string; repository_owner: string; repository_owner_id: string; "
     "repositoryurl: string; retention_days: number; run_attempt: string; run_id: string; "
     "run_number: string; secret_source: string; server_url: string; sha: string; "
     "state: string; step_summary: string; token: string; triggering_actor: string; "
     "workflow: string; workflow_ref: string; workflow_sha: string; workspace: string}"},
    {"runner",
     "{arch: string; debug: string; environment: string; name: string; os: string; "
     "temp: string; tool_cache: string; workspace: string}"},
    {"job",
     "{check_run_id: number; container: {id: string; network: string}; "
     "services: {string => {id: string; network: string; ports: {string => string}}}; "
     "status: string; workflow_file_path: string; workflow_ref: string; "
     "workflow_repository: string; workflow_sha: string}"},
    {"strategy", "{fail-fast: bool; job-index: number; job-total: number; max-parallel: number}"},
    {"env", "{string => string}"},
    {"vars", "{string => string}"},
    {"secrets", "{string => string}"},
    {"inputs", "object"},
    {"matrix", "object"},
    {"steps", "{string => {conclusion: string; outcome: string; outputs: {string => string}}}"},
    {"needs", "{string => {outputs: {string => string}; result: string}}"},
    {"jobs", "object"},
};

const TypePtr& context(std::string_view name) {
  static const std::map<std::string, TypePtr, std::less<>> table = [] {
    std::map<std::string, TypePtr, std::less<>> m;
    for (const auto& [n, t] : kContexts) {
      TypePtr p = parse(t);
      if (!p) std::abort();  // a defect in the table above
      m.emplace(n, std::move(p));
    }
    return m;
  }();
  auto it = table.find(lowerCase(name));
  return it == table.end() ? any() : it->second;
}

bool isContext(std::string_view name) {
  return std::any_of(std::begin(kContexts), std::end(kContexts),
                     [&](const auto& c) { return equalsIgnoreCase(c.first, name); });
}

}  // namespace types
}  // namespace galley::expr
