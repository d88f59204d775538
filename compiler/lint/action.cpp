#include <filesystem>

#include "compiler/lint/checks.h"

namespace galley::lint {

namespace {

std::string dirOf(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

void checkRuntime(const yaml::Node& runs, CheckContext& cx) {
  const yaml::Node* using_ = runs.find("using");
  if (!using_ || !using_->isScalar()) return;
  const std::string& u = using_->value;
  if (u == "node12" || u == "node16")
    cx.diags.error(using_->where, "action-metadata",
                   "runtime '" + u + "' is no longer run by GitHub; use node20 or node24");
  if (u.rfind("node", 0) == 0) {
    for (const char* key : {"main", "pre", "post"}) {
      const yaml::Node* f = runs.find(key);
      if (!f || !f->isScalar() || f->value.empty()) continue;
      std::error_code ec;
      std::filesystem::path p = std::filesystem::path(dirOf(cx.file.path())) / f->value;
      if (std::filesystem::exists(cx.file.path(), ec) && !std::filesystem::exists(p, ec))
        cx.diags.error(f->where, "action-metadata",
                       std::string("'") + key + "' names '" + f->value +
                           "', which does not exist beside this action.yml");
    }
  }
}

void checkCompositeSteps(const yaml::Node& runs, CheckContext& cx) {
  const yaml::Node* using_ = runs.find("using");
  if (!using_ || using_->value != "composite") return;
  for (const yaml::Node* step : stepsOf(runs)) {
    if (step->find("run") && !step->find("shell"))
      cx.diags.error(step->find("run")->where, "action-metadata",
                     "run steps of a composite action need a 'shell'");
  }
}

void checkDeprecatedInputs(const yaml::Node& root, CheckContext& cx) {
  const yaml::Node* inputs = root.find("inputs");
  if (!inputs || !inputs->isMapping()) return;
  for (const auto& e : inputs->entries) {
    if (!e.value.isMapping()) continue;
    const yaml::Node* m = e.value.find("deprecationMessage");
    if (m && (m->isNull() || (m->isScalar() && m->value.empty())))
      cx.diags.error(
          m->where, "action-metadata",
          "input '" + e.key.value + "' is deprecated but its deprecationMessage is empty",
          "say what to use instead");
  }
}

}  // namespace

void checkActionMetadata(const yaml::Node& root, CheckContext& cx) {
  if (!root.isMapping()) return;
  checkDeprecatedInputs(root, cx);
  const yaml::Node* runs = root.find("runs");
  if (!runs || !runs->isMapping()) return;
  checkRuntime(*runs, cx);
  checkCompositeSteps(*runs, cx);
}

}  // namespace galley::lint
