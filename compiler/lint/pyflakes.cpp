// Python run: scripts through pyflakes, many scripts (of many files) per
// process.
#include <cstdlib>

#include "compiler/lint/checks.h"
#include "compiler/lint/expr_text.h"
#include "compiler/lint/scripts.h"
#include "compiler/process.h"

namespace galley::lint {

namespace {

// shell: python, or a custom command running a Python interpreter
// (`python {0}`, `python3 -u {0}`).
bool isPython(const yaml::Node* shell) {
  if (!shell || !shell->isScalar()) return false;
  std::string first = shell->value.substr(0, shell->value.find(' '));
  size_t slash = first.rfind('/');
  if (slash != std::string::npos) first = first.substr(slash + 1);
  if (first.rfind("python", 0) != 0) return false;
  return first.find_first_not_of("0123456789.", 6) == std::string::npos;
}

// One line of pyflakes output, "DIR/N.py:LINE:COL: MESSAGE" (COL 1-based),
// mapped into script N. Other lines (a syntax error's source line and caret)
// are skipped.
void reportLine(std::string_view line, const ScriptFiles& files,
                const std::vector<const Script*>& scripts, std::vector<Diagnostics>& found) {
  size_t py = line.find(".py:");
  if (py == std::string_view::npos) return;
  size_t idx = files.indexOf(line.substr(0, py));
  if (idx >= scripts.size()) return;
  std::string rest(line.substr(py + 4));
  char* end = nullptr;
  size_t lineNo = std::strtoul(rest.c_str(), &end, 10);
  if (*end != ':') return;
  size_t col = 1;
  if (end[1] >= '0' && end[1] <= '9') {
    col = std::strtoul(end + 1, &end, 10);
    if (*end != ':') return;
  }
  std::string message = end + 1;
  while (!message.empty() && message.front() == ' ')
    message.erase(0, 1);
  // ${{ }} placeholders are underscores, not names the script forgot.
  if (message.rfind("undefined name '_", 0) == 0 &&
      message.find_first_not_of('_', 16) == message.size() - 1)
    return;
  found[idx].warning(scriptLocation(*scripts[idx], lineNo, col, 1), "pyflakes", message);
}

}  // namespace

void collectPythonScripts(const yaml::Node& root, std::vector<Script>& out) {
  const yaml::Node* wfShell = defaultShell(root.find("defaults"));
  forEachScript(root, [&](const yaml::Node& step, const yaml::Node& run, const yaml::Node* job) {
    const yaml::Node* shell = step.find("shell");
    if (!shell && job) shell = defaultShell(job->find("defaults"));
    if (!shell && job) shell = wfShell;
    // ${{ }} as underscores: a Python name wherever the runner's text goes.
    if (isPython(shell)) out.push_back({run, blankExpressions(run.value), 0});
  });
}

void runPyflakes(const std::vector<const Script*>& scripts, const LintOptions& options,
                 std::vector<Diagnostics>& found) {
  ScriptFiles files;
  if (!files.ok()) return;
  std::vector<std::string> argv = {options.pyflakes};
  for (size_t i = 0; i < scripts.size(); ++i)
    argv.push_back(files.write(i, scripts[i]->text, ".py"));
  std::string out;
  proc::Result r;
  proc::capture(argv, &out, true, options.batchTimeout, &r);
  if (!r.started) {
    for (size_t i = 0; i < scripts.size(); ++i)
      found[i].error({scripts[i]->run.where.file, {1, 1}, {1, 1}}, "pyflakes",
                     "cannot run " + options.pyflakes);
    return;
  }
  if (r.timedOut) {
    for (size_t i = 0; i < scripts.size(); ++i)
      noteUnchecked(*scripts[i], "pyflakes",
                    "pyflakes took too long over the batch of " + std::to_string(scripts.size()) +
                        " scripts that holds it, and was stopped",
                    found[i]);
    return;
  }
  for (size_t start = 0; start < out.size();) {
    size_t nl = out.find('\n', start);
    if (nl == std::string::npos) nl = out.size();
    reportLine(std::string_view(out).substr(start, nl - start), files, scripts, found);
    start = nl + 1;
  }
}

}  // namespace galley::lint
