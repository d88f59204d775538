#include "compiler/lint/azure/pipeline.h"

#include <functional>

#include "compiler/ascii.h"

namespace galley::lint::azure {

namespace {

bool isDirective(std::string_view key) {
  return key.find("${{") != std::string_view::npos;
}

const char* const kStepKinds[] = {
    "task",          "script",     "bash",   "pwsh",    "powershell", "checkout", "download",
    "downloadBuild", "getPackage", "upload", "publish", "template",   "reviewApp"};

// A script task's inline script input, and whether it runs in bash.
struct InlineInput {
  std::string_view task;   // lower case, without @version
  std::string_view input;  // the input holding the script
  bool bash;
};
constexpr InlineInput kInline[] = {
    {"bash", "script", true},
    {"cmdline", "script", true},
    {"powershell", "script", false},
    {"azurecli", "inlineScript", false},
    {"azurepowershell", "Inline", false},
    {"pythonscript", "script", false},
};

void readScript(Step& s, bool windows) {
  const yaml::Node& n = *s.node;
  if (s.kind == "script" || s.kind == "bash" || s.kind == "pwsh" || s.kind == "powershell") {
    s.script = n.find(s.kind);
    s.shell = s.kind == "bash" || (s.kind == "script" && !windows);
    s.knownOutputs = true;
    return;
  }
  if (s.kind != "task") return;
  const yaml::Node* task = n.find("task");
  const yaml::Node* inputs = n.find("inputs");
  if (!task || !task->isScalar() || !inputs || !inputs->isMapping()) return;
  std::string name = lowerCase(task->value.substr(0, task->value.find('@')));
  for (const auto& i : kInline) {
    if (name != i.task) continue;
    const yaml::Node* script = inputs->find(i.input);
    if (!script || !script->isScalar()) return;
    // AzureCLI runs bash only with scriptType: bash.
    bool bash = i.bash;
    if (name == "azurecli") {
      const yaml::Node* type = inputs->find("scriptType");
      bash = type && type->isScalar() && type->value == "bash";
    }
    if (name == "cmdline") bash = !windows;
    s.script = script;
    s.shell = bash;
    s.knownOutputs = name == "bash" || name == "cmdline" || name == "powershell";
    return;
  }
}

Step readStep(const yaml::Node& n, bool windows) {
  Step s;
  s.node = &n;
  s.name = n.find("name");
  for (const char* k : kStepKinds)
    if (n.find(k)) {
      s.kind = k;
      break;
    }
  readScript(s, windows);
  if (s.script && s.script->isScalar()) s.sets = setVariables(s.script->value);
  return s;
}

void readSteps(const yaml::Node* steps, bool windows, std::vector<Step>& out) {
  if (!steps || !steps->isSequence()) return;
  forEachItem(*steps, [&](const yaml::Node& n) { out.push_back(readStep(n, windows)); });
}

// A deployment's lifecycle hooks: strategy.<runOnce|rolling|canary>.<hook>.steps.
void readDeploymentSteps(const yaml::Node& job, bool windows, std::vector<Step>& out) {
  const yaml::Node* strategy = job.find("strategy");
  if (!strategy || !strategy->isMapping()) return;
  for (const auto& kind : strategy->entries) {
    if (!kind.value.isMapping()) continue;
    for (const auto& hook : kind.value.entries) {
      if (!hook.value.isMapping()) continue;
      if (hook.key.value == "on") {
        for (const auto& when : hook.value.entries)
          if (when.value.isMapping()) readSteps(when.value.find("steps"), windows, out);
        continue;
      }
      readSteps(hook.value.find("steps"), windows, out);
    }
  }
}

Job readJob(const yaml::Node& n, const yaml::Node* defaultPool) {
  Job j;
  j.node = &n;
  j.name = n.find("job");
  if (!j.name) {
    j.name = n.find("deployment");
    j.deployment = j.name != nullptr;
  }
  j.dependsOn = n.find("dependsOn");
  j.condition = n.find("condition");
  j.variables = n.find("variables");
  j.pool = n.find("pool");
  j.windows = isWindowsPool(j.pool ? j.pool : defaultPool);
  if (const yaml::Node* strategy = n.find("strategy"); strategy && strategy->isMapping())
    j.matrix = strategy->find("matrix") || strategy->find("parallel");
  if (j.deployment)
    readDeploymentSteps(n, j.windows, j.steps);
  else
    readSteps(n.find("steps"), j.windows, j.steps);
  return j;
}

void readJobs(const yaml::Node* jobs, const yaml::Node* pool, Stage& stage) {
  if (!jobs || !jobs->isSequence()) return;
  forEachItem(*jobs, [&](const yaml::Node& n) {
    if (n.find("template")) {  // a jobs template: its jobs are not known here
      stage.templatedJobs = true;
      return;
    }
    stage.jobs.push_back(readJob(n, pool));
  });
}

void addVariables(const yaml::Node* vars, std::set<std::string>& out) {
  if (!vars) return;
  for (const auto& e : vars->entries)
    if (e.value.isMapping())
      addVariables(&e.value, out);  // ${{ if }}: its keys
    else
      out.insert(lowerCase(e.key.value));
  for (const auto& i : vars->items)
    if (const yaml::Node* name = i.isMapping() ? i.find("name") : nullptr; name && name->isScalar())
      out.insert(lowerCase(name->value));
}

void collectVariables(const yaml::Node& root, Pipeline& p) {
  addVariables(root.find("variables"), p.variables);
  for (const auto& s : p.stages) {
    addVariables(s.variables, p.variables);
    for (const auto& j : s.jobs) {
      addVariables(j.variables, p.variables);
      const yaml::Node* strategy = j.node ? j.node->find("strategy") : nullptr;
      const yaml::Node* matrix = strategy ? strategy->find("matrix") : nullptr;
      if (matrix && matrix->isMapping())
        for (const auto& leg : matrix->entries)
          for (const auto& e : leg.value.entries)
            p.variables.insert(lowerCase(e.key.value));
      for (const auto& st : j.steps)
        for (const auto& v : st.sets)
          p.variables.insert(lowerCase(v.name));
    }
  }
}

}  // namespace

void forEachItem(const yaml::Node& seq, const std::function<void(const yaml::Node&)>& visit) {
  for (const auto& item : seq.items) {
    if (!item.isMapping()) continue;
    if (!item.entries.empty() && isDirective(item.entries.front().key.value)) {
      for (const auto& e : item.entries) {
        if (!isDirective(e.key.value)) continue;
        if (e.value.isSequence())
          forEachItem(e.value, visit);
        else if (e.value.isMapping() && !e.value.entries.empty() &&
                 !isDirective(e.value.entries.front().key.value))
          visit(e.value);
      }
      continue;
    }
    visit(item);
  }
}

std::vector<const yaml::Node*> dependsOnNames(const yaml::Node* dependsOn) {
  std::vector<const yaml::Node*> out;
  if (!dependsOn) return out;
  if (dependsOn->isScalar() && !dependsOn->value.empty()) out.push_back(dependsOn);
  for (const auto& i : dependsOn->items)
    if (i.isScalar()) out.push_back(&i);
  return out;
}

std::vector<SetVariable> setVariables(std::string_view script) {
  std::vector<SetVariable> out;
  constexpr std::string_view kCommand = "##vso[task.setvariable";
  for (size_t at = 0; (at = script.find(kCommand, at)) != std::string_view::npos;) {
    at += kCommand.size();
    size_t close = script.find(']', at);
    if (close == std::string_view::npos) break;
    std::string_view props = script.substr(at, close - at);
    SetVariable v;
    // Properties: name=value pairs separated by ';' (and the space after
    // the command name).
    size_t p = 0;
    while (p < props.size()) {
      size_t end = props.find(';', p);
      if (end == std::string_view::npos) end = props.size();
      std::string_view pair = props.substr(p, end - p);
      p = end + 1;
      while (!pair.empty() && (pair.front() == ' ' || pair.front() == '\t'))
        pair.remove_prefix(1);
      size_t eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      std::string key = lowerCase(pair.substr(0, eq));
      std::string_view value = pair.substr(eq + 1);
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
        value.remove_suffix(1);
      if (key == "variable") v.name = std::string(value);
      if (key == "isoutput") v.isOutput = equalsIgnoreCase(value, "true");
      if (key == "issecret") v.isSecret = equalsIgnoreCase(value, "true");
    }
    if (!v.name.empty()) out.push_back(std::move(v));
    at = close;
  }
  return out;
}

bool isWindowsPool(const yaml::Node* pool) {
  if (!pool) return false;
  const yaml::Node* image = pool->isMapping() ? pool->find("vmImage") : nullptr;
  return image && image->isScalar() && lowerCase(image->value).find("windows") == 0;
}

Pipeline readPipeline(const yaml::Node& root, bool isTemplate) {
  Pipeline p;
  p.isTemplate = isTemplate;
  if (!root.isMapping()) return p;
  p.pool = root.find("pool");
  if (const yaml::Node* stages = root.find("stages"); stages && stages->isSequence()) {
    forEachItem(*stages, [&](const yaml::Node& n) {
      if (n.find("template")) {
        p.templatedStages = true;
        return;
      }
      Stage s;
      s.node = &n;
      s.name = n.find("stage");
      s.dependsOn = n.find("dependsOn");
      s.condition = n.find("condition");
      s.variables = n.find("variables");
      const yaml::Node* pool = n.find("pool");
      readJobs(n.find("jobs"), pool ? pool : p.pool, s);
      p.stages.push_back(std::move(s));
    });
    collectVariables(root, p);
    return p;
  }
  Stage implicit;
  implicit.variables = root.find("variables");
  if (const yaml::Node* jobs = root.find("jobs")) {
    readJobs(jobs, p.pool, implicit);
  } else if (const yaml::Node* steps = root.find("steps")) {
    Job j;
    j.node = &root;
    j.pool = p.pool;
    j.windows = isWindowsPool(p.pool);
    readSteps(steps, j.windows, j.steps);
    implicit.jobs.push_back(std::move(j));
  }
  p.stages.push_back(std::move(implicit));
  collectVariables(root, p);
  return p;
}

}  // namespace galley::lint::azure
