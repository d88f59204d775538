#include <map>
#include <nlohmann/json.hpp>

#include "compiler/expr/scalar_map.h"
#include "compiler/lint/checks.h"
#include "compiler/lint/expr_text.h"
#include "compiler/lint/scripts.h"
#include "compiler/process.h"

namespace galley::lint {

namespace {

struct Script {
  const yaml::Node* node;
  std::string shell;  // bash or sh
  std::string text;   // with ${{ }} blanked to the same width
};

std::string effectiveShell(const yaml::Node* stepShell, const yaml::Node* jobDefaults,
                           const yaml::Node* wfDefaults, bool windows) {
  const yaml::Node* s = stepShell;
  if (!s) s = defaultShell(jobDefaults);
  if (!s) s = defaultShell(wfDefaults);
  if (!s) return windows ? "" : "bash";
  if (!s->isScalar()) return "";
  std::string v = s->value;
  if (v == "bash" || v.rfind("bash ", 0) == 0) return "bash";
  if (v == "sh" || v.rfind("sh ", 0) == 0) return "sh";
  return "";
}

bool onWindows(const yaml::Node& job) {
  const yaml::Node* r = job.find("runs-on");
  if (!r) return false;
  auto isWin = [](const yaml::Node& n) {
    return lowerCase(n.value).find("windows") != std::string::npos;
  };
  if (r->isScalar()) return isWin(*r);
  for (const auto& i : r->items)
    if (isWin(i)) return true;
  return false;
}

void collect(const yaml::Node& root, std::vector<Script>& out) {
  const yaml::Node* wfDefaults = root.find("defaults");
  forEachScript(root, [&](const yaml::Node& step, const yaml::Node& run, const yaml::Node* job) {
    std::string shell = effectiveShell(step.find("shell"), job ? job->find("defaults") : nullptr,
                                       wfDefaults, job && onWindows(*job));
    if (!shell.empty()) out.push_back({&run, shell, blankExpressions(run.value)});
  });
}

Severity levelOf(const std::string& level) {
  return level == "error" || level == "warning" ? Severity::Warning : Severity::Note;
}

void report(const Script& s, const nlohmann::json& c, CheckContext& cx) {
  // Lines and columns are 1-based in the script; map them into the scalar.
  size_t line = c.value("line", 1), col = c.value("column", 1);
  size_t endCol = c.value("endColumn", col + 1);
  size_t width = c.value("endLine", line) == line && endCol > col ? endCol - col : 1;
  Location at = expr::ScalarMap(*s.node).location(scriptOffset(s.text, line, col), width);
  std::string code = "SC" + std::to_string(c.value("code", 0));
  cx.diags.report(levelOf(c.value("level", "")), at, "shellcheck",
                  code + ": " + c.value("message", std::string()),
                  "https://www.shellcheck.net/wiki/" + code);
}

// Checks that only make sense for hand-written scripts: the runner defines
// the GITHUB_* variables and ${{ }} placeholders look like constants.
const char* kExcluded = "SC1091,SC2043,SC2050,SC2154,SC2157,SC2194,SC2016";

}  // namespace

void checkScripts(const yaml::Node& root, CheckContext& cx) {
  if (cx.options.shellcheck.empty() || !root.isMapping()) return;
  std::vector<Script> scripts;
  collect(root, scripts);
  if (scripts.empty()) return;
  ScriptFiles files;
  if (!files.ok()) return;
  std::map<std::string, std::vector<std::string>> byShell;  // shell -> script paths
  for (size_t i = 0; i < scripts.size(); ++i)
    byShell[scripts[i].shell].push_back(files.write(i, scripts[i].text, ".sh"));
  for (const auto& [shell, paths] : byShell) {
    std::vector<std::string> argv = {cx.options.shellcheck, "--norc", "--format=json1",
                                     "--shell=" + shell, "--exclude=" + std::string(kExcluded)};
    argv.insert(argv.end(), paths.begin(), paths.end());
    std::string out;
    if (!proc::capture(argv, &out)) {
      cx.diags.error({&cx.file, {1, 1}, {1, 1}}, "shellcheck",
                     "cannot run " + cx.options.shellcheck);
      break;
    }
    nlohmann::json j = nlohmann::json::parse(out, nullptr, false);
    if (j.is_discarded() || !j.contains("comments")) continue;
    for (const auto& c : j["comments"]) {
      size_t idx = files.indexOf(c.value("file", ""));
      if (idx < scripts.size()) report(scripts[idx], c, cx);
    }
  }
}

}  // namespace galley::lint
