#include <algorithm>
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

// A Docker action's `image:` is a registry image (docker://...) or a
// Dockerfile beside action.yml, which GitHub requires to be named Dockerfile.
// (entrypoint and its pre/post forms are paths inside the container, so they
// are not looked for here.)
void checkDockerImage(const yaml::Node& runs, CheckContext& cx) {
  const yaml::Node* using_ = runs.find("using");
  const yaml::Node* image = runs.find("image");
  if (!using_ || using_->value != "docker" || !image || !image->isScalar()) return;
  const std::string& v = image->value;
  // A tag or digest marks an image reference (ghcr.io/owner/image:tag); a
  // path to a Dockerfile has neither.
  if (v.empty() || v.rfind("docker://", 0) == 0 || hasExpression(v) ||
      v.find_first_of(":@") != std::string::npos)
    return;
  std::error_code ec;
  std::filesystem::path p = std::filesystem::path(dirOf(cx.file.path())) / v;
  if (!std::filesystem::exists(cx.file.path(), ec)) return;
  if (!std::filesystem::exists(p, ec)) {
    cx.diags.error(image->where, "action-metadata",
                   "'image' names '" + v + "', which does not exist beside this action.yml",
                   "name a Dockerfile in the action's directory or an image as docker://IMAGE");
  } else if (p.filename() != "Dockerfile") {
    cx.diags.error(image->where, "action-metadata",
                   "'image' names '" + v + "': a local Dockerfile must be named 'Dockerfile'");
  }
}

// pre-if and post-if are conditions for the pre and post scripts.
void checkConditionsHaveScripts(const yaml::Node& runs, CheckContext& cx) {
  const yaml::Node* using_ = runs.find("using");
  if (!using_ || using_->value.rfind("node", 0) != 0) return;
  for (const char* key : {"pre", "post"}) {
    const yaml::Entry* cond = runs.entry(std::string(key) + "-if");
    if (cond && !runs.find(key))
      cx.diags.error(
          cond->key.where, "action-metadata",
          "'" + cond->key.value + "' is set but there is no '" + key + "' script for it to guard");
  }
}

void checkDeprecatedInputs(const yaml::Node& root, CheckContext& cx) {
  const yaml::Node* inputs = root.find("inputs");
  if (!inputs || !inputs->isMapping()) return;
  static const std::vector<std::string> known = {"description", "required", "default",
                                                 "deprecationMessage"};
  for (const auto& e : inputs->entries) {
    if (!e.value.isMapping()) continue;
    // The runner ignores other keys, so a misspelt 'required' goes unnoticed.
    for (const auto& k : e.value.entries)
      if (std::find(known.begin(), known.end(), k.key.value) == known.end())
        cx.diags.error(
            k.key.where, "action-metadata",
            "unexpected key '" + k.key.value + "' in the definition of input '" + e.key.value + "'",
            didYouMean(k.key.value, known));
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
  checkDockerImage(*runs, cx);
  checkConditionsHaveScripts(*runs, cx);
}

}  // namespace galley::lint
