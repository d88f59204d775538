// task: steps against azure_tasks.json (scripts/azure_tasks.py builds it
// from the tasks' own task.json files).
#include <map>

#include "compiler/ascii.h"
#include "compiler/lint/azure/checks.h"
#include "compiler/lint/data.h"

namespace galley::lint::azure {

namespace {

const DataNode& tasks() {
  static const DataNode& t = embeddedData("azure_tasks.json")["tasks"];
  return t;
}

std::vector<std::string> taskNames() {
  std::vector<std::string> out;
  for (const auto& m : tasks().object())
    out.emplace_back(m.value["name"].text());
  return out;
}

bool computed(std::string_view v) {
  return v.find("${{") != std::string_view::npos || v.find("$(") != std::string_view::npos ||
         v.find("$[") != std::string_view::npos;
}

// The inputs a step gives, by the name task.json uses (aliases resolved),
// lower-cased: Azure compares input names without case.
struct Given {
  std::map<std::string, const yaml::Node*> byName;  // canonical name, lower case -> value
  bool open = false;  // ${{ }} keys or an inputs: expression: not all inputs are known
};

// A visibleRule ("a = b", "a == b", "a != b", joined by && or ||) under the inputs
// given and the defaults. Unknown forms are taken as hidden: an input is
// asked for only when its rule surely shows it. nullopt: unknowable (an
// input it reads is an expression).
std::optional<bool> visible(std::string_view rule, const Given& given, const DataNode& version) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
      s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
      s.remove_suffix(1);
    return s;
  };
  auto valueOf = [&](std::string_view name) -> std::optional<std::string> {
    auto it = given.byName.find(lowerCase(name));
    if (it != given.byName.end()) {
      if (!it->second->isScalar() || computed(it->second->value)) return std::nullopt;
      return it->second->value;
    }
    // A default counts only for an input always shown: a hidden one's
    // value does not make others visible (HelmDeploy's chartType, hidden
    // for `command: delete`, does not ask for chartName).
    if (const DataNode* required = version.find("required"))
      for (const DataNode& r : required->list())
        if (equalsIgnoreCase(r["name"].text(), name) && r.find("visibleRules")) return std::nullopt;
    if (const DataNode* d = version.find("defaults"))
      for (const auto& m : d->object())
        if (equalsIgnoreCase(m.key(), name)) return std::string(m.value.text());
    return std::string();
  };
  auto one = [&](std::string_view c) -> std::optional<bool> {
    size_t ne = c.find("!=");
    size_t eq = c.find('=');
    if (eq == std::string_view::npos) return false;
    bool negate = ne != std::string_view::npos && ne < eq;
    std::string_view name = trim(c.substr(0, negate ? ne : eq));
    // `a = b` and `a == b` alike.
    std::string_view want = trim(c.substr(c.compare(eq, 2, "==") == 0 ? eq + 2 : eq + 1));
    std::optional<std::string> have = valueOf(name);
    if (!have) return std::nullopt;
    bool same = equalsIgnoreCase(*have, want);
    return negate ? !same : same;
  };
  bool anyOr = rule.find("||") != std::string_view::npos;
  std::string_view sep = anyOr ? "||" : "&&";
  std::optional<bool> result = !anyOr;
  for (size_t b = 0; b <= rule.size();) {
    size_t e = rule.find(sep, b);
    if (e == std::string_view::npos) e = rule.size();
    std::optional<bool> r = one(rule.substr(b, e - b));
    if (!r) return std::nullopt;
    result = anyOr ? (*result || *r) : (*result && *r);
    b = e + 2;
  }
  return result;
}

void checkInputs(const yaml::Node& step, const yaml::Node& taskRef, const DataNode& version,
                 const std::string& spec, Diagnostics& diags) {
  const yaml::Node* inputs = step.find("inputs");
  if (inputs && !inputs->isMapping()) return;  // an expression, or the schema's finding
  const DataNode* names = version.find("inputs");
  if (!names) return;
  std::map<std::string, std::string> canonical;  // lower case -> name
  std::vector<std::string> shown;
  for (const DataNode& n : names->list()) {
    canonical[lowerCase(n.text())] = std::string(n.text());
    shown.emplace_back(n.text());
  }
  if (const DataNode* aliases = version.find("aliases"))
    for (const auto& m : aliases->object()) {
      canonical[lowerCase(m.key())] = std::string(m.value.text());
      shown.emplace_back(m.key());
    }
  Given given;
  if (inputs)
    for (const auto& e : inputs->entries) {
      if (computed(e.key.value)) {
        given.open = true;
        continue;
      }
      auto it = canonical.find(lowerCase(e.key.value));
      if (it == canonical.end()) {
        diags.error(e.key.where, "task-input",
                    "task " + spec + " has no input '" + e.key.value + "'",
                    didYouMean(e.key.value, shown));
        continue;
      }
      given.byName[lowerCase(it->second)] = &e.value;
    }
  if (given.open) return;
  const DataNode* required = version.find("required");
  if (!required) return;
  for (const DataNode& r : required->list()) {
    std::string_view name = r["name"].text();
    if (given.byName.count(lowerCase(name)) || r.find("default")) continue;
    bool shownNow = true;
    if (const DataNode* rules = r.find("visibleRules"))
      for (const DataNode& rule : rules->list()) {
        std::optional<bool> v = visible(rule.text(), given, version);
        shownNow = shownNow && v && *v;
      }
    if (!shownNow) continue;
    std::string alias;
    if (const DataNode* aliases = version.find("aliases"))
      for (const auto& m : aliases->object())
        if (m.value.text() == name) alias = " (or its alias '" + std::string(m.key()) + "')";
    diags.error(inputs ? inputs->where : taskRef.where, "task-input",
                "task " + spec + " requires the input '" + std::string(name) + "'" + alias);
  }
}

void checkTask(const yaml::Node& step, Diagnostics& diags) {
  const yaml::Node* ref = step.find("task");
  if (!ref || !ref->isScalar() || computed(ref->value)) return;
  const std::string& v = ref->value;
  size_t at = v.find('@');
  std::string name = v.substr(0, at);
  // A task named by its GUID (or contributed by an extension with a
  // publisher prefix) is not in the built-in table.
  if (name.find('.') != std::string::npos || name.find('-') != std::string::npos) return;
  const DataNode* task = tasks().find(lowerCase(name));
  if (!task) {
    diags.warning(ref->where, "unknown-task",
                  "'" + name +
                      "' is not a built-in task: galley cannot check it (an "
                      "extension's task, or a typo)",
                  didYouMean(name, taskNames()));
    return;
  }
  std::string canonical(task->find("name")->text());
  const DataNode& versions = (*task)["versions"];
  std::vector<std::string> majors;
  for (const auto& m : versions.object())
    majors.push_back(canonical + "@" + std::string(m.key()));
  if (at == std::string::npos) {
    diags.error(
        ref->where, "task-version",
        "task '" + v + "' names no version: write its major version, as in " + quoteList(majors));
    return;
  }
  std::string major = v.substr(at + 1);
  const DataNode* version = versions.find(major);
  if (!version) {
    diags.error(ref->where, "task-version",
                "task " + canonical + " has no version " + major + "; it has " + quoteList(majors));
    return;
  }
  std::string spec = canonical + "@" + major;
  if (const DataNode* dep = version->find("deprecated"))
    diags.warning(ref->where, "deprecated-task",
                  spec + " is deprecated: " + std::string(dep->text()));
  checkInputs(step, *ref, *version, spec, diags);
}

}  // namespace

void checkTasks(const Pipeline& p, Diagnostics& diags) {
  for (const auto& s : p.stages)
    for (const auto& j : s.jobs)
      for (const auto& st : j.steps)
        if (st.kind == "task") checkTask(*st.node, diags);
}

}  // namespace galley::lint::azure
