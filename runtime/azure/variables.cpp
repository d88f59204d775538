#include "runtime/azure/variables.h"

#include "compiler/ascii.h"

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
      e.value = e.raw = value;
      // The agent keeps a variable that was secret secret, so that a value
      // nested in it never reaches the environment.
      e.secret = e.own = e.secret || secret;
      e.readonly = readonly;
      return true;
    }
  entries_.push_back({name, value, value, secret, secret, readonly});
  return true;
}

const Variables::Entry* Variables::find(std::string_view name) const {
  for (const Entry& e : entries_)
    if (equalsIgnoreCase(e.name, name)) return &e;
  return nullptr;
}

namespace {

constexpr size_t kMaxDepth = 50;  // the agent's MaxDepth
// galley's own bounds: nested references can double a value per level, and
// references to empty values cost time without growing it.
constexpr size_t kMaxExpanded = 4u << 20;
constexpr size_t kMaxReplacements = 1u << 20;

// One value being expanded: the next `$(` is searched from start; prefix
// and suffix delimit the reference being replaced.
struct Frame {
  std::string name, value;
  size_t start = 0, prefix = 0, suffix = 0;
};

bool nextReference(Frame& f) {
  if (f.start >= f.value.size()) return false;
  f.prefix = f.value.find("$(", f.start);
  if (f.prefix == std::string::npos) return false;
  f.suffix = f.value.find(')', f.prefix + 2);
  return f.suffix != std::string::npos;
}

}  // namespace

// A port of the agent's stack walk, so that the same values expand to the
// same text and the same variables are reported as cyclic.
std::vector<Variables::Warning> Variables::recalculate(std::vector<std::string>* secrets) {
  std::vector<Warning> warnings;
  for (Entry& e : entries_) {
    bool secret = e.own;
    std::vector<Frame> stack;
    Frame f{e.name, e.raw};
    std::string problem;
    size_t replaced = 0;
    while (problem.empty()) {
      while (nextReference(f)) {
        std::string_view name(f.value.data() + f.prefix + 2, f.suffix - f.prefix - 2);
        const Entry* nested = name.empty() ? nullptr : find(name);
        if (!nested) {
          f.start = f.prefix + 1;
          continue;
        }
        bool cycle = equalsIgnoreCase(f.name, name);
        for (const Frame& s : stack)
          cycle = cycle || equalsIgnoreCase(s.name, name);
        if (stack.size() + 1 == kMaxDepth) {
          problem = "Unable to expand variable '" + e.name + "'. The max expansion depth (" +
                    std::to_string(kMaxDepth) + ") was exceeded.";
        } else if (cycle) {
          problem =
              "Unable to expand variable '" + e.name + "'. A cyclical reference was detected.";
        }
        if (!problem.empty()) break;
        secret = secret || nested->own;
        stack.push_back(std::move(f));
        f = Frame{std::string(nested->name), nested->raw};
      }
      if (!problem.empty()) break;
      if (stack.empty()) break;
      Frame parent = std::move(stack.back());
      stack.pop_back();
      size_t size = parent.value.size() - (parent.suffix + 1 - parent.prefix) + f.value.size();
      if (size > kMaxExpanded) {
        problem = "Unable to expand variable '" + e.name + "'. Its expanded value exceeds " +
                  std::to_string(kMaxExpanded) + " bytes.";
        break;
      }
      if (++replaced > kMaxReplacements) {
        problem = "Unable to expand variable '" + e.name + "'. It needs more than " +
                  std::to_string(kMaxReplacements) + " replacements.";
        break;
      }
      parent.value.replace(parent.prefix, parent.suffix + 1 - parent.prefix, f.value);
      parent.start = parent.prefix + f.value.size();
      f = std::move(parent);
    }
    if (!problem.empty()) {
      warnings.push_back({e.name, problem});
      e.value = e.raw;
      e.secret = e.own;
      continue;
    }
    e.value = std::move(f.value);
    e.secret = e.value != e.raw ? secret : e.own;
    if (e.secret && e.value != e.raw && !e.value.empty() && secrets) secrets->push_back(e.value);
  }
  return warnings;
}

std::string Variables::expand(std::string_view text) const {
  Frame f{"", std::string(text)};
  while (nextReference(f)) {
    std::string_view name(f.value.data() + f.prefix + 2, f.suffix - f.prefix - 2);
    const Entry* e = name.empty() ? nullptr : find(name);
    if (!e) {
      f.start = f.prefix + 1;
      continue;
    }
    std::string value = e->value;
    f.value.replace(f.prefix, f.suffix + 1 - f.prefix, value);
    f.start = f.prefix + value.size();
  }
  return f.value;
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
