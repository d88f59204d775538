#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "compiler/expr/scalar_map.h"
#include "compiler/lint/checks.h"
#include "compiler/lint/expr_text.h"
#include "compiler/lint/subprocess.h"

namespace galley::lint {

namespace {

struct PythonScript {
  const yaml::Node* node;
  std::string text;  // with ${{ }} blanked to the same width
};

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

const yaml::Node* defaultShell(const yaml::Node* defaults) {
  if (!defaults || !defaults->isMapping()) return nullptr;
  const yaml::Node* run = defaults->find("run");
  return run && run->isMapping() ? run->find("shell") : nullptr;
}

std::vector<PythonScript> collect(const yaml::Node& root) {
  std::vector<PythonScript> out;
  const yaml::Node* wfShell = defaultShell(root.find("defaults"));
  auto add = [&out](const yaml::Node& step, const yaml::Node* fallback) {
    const yaml::Node* run = step.find("run");
    if (!run || !run->isScalar() || run->value.empty()) return;
    const yaml::Node* shell = step.find("shell");
    if (isPython(shell ? shell : fallback)) out.push_back({run, blankExpressions(run->value)});
  };
  if (const yaml::Node* jobs = root.find("jobs"); jobs && jobs->isMapping())
    for (const auto& e : jobs->entries) {
      if (!e.value.isMapping()) continue;
      const yaml::Node* jobShell = defaultShell(e.value.find("defaults"));
      for (const yaml::Node* step : stepsOf(e.value))
        add(*step, jobShell ? jobShell : wfShell);
    }
  if (const yaml::Node* runs = root.find("runs"); runs && runs->isMapping())
    for (const yaml::Node* step : stepsOf(*runs))
      add(*step, nullptr);
  return out;
}

// One line of pyflakes output, "DIR/N.py:LINE:COL: MESSAGE" (COL 1-based),
// mapped into script N. Other lines (a syntax error's source line and caret)
// are skipped.
void reportLine(std::string_view line, const std::string& dir,
                const std::vector<PythonScript>& scripts, CheckContext& cx) {
  if (line.substr(0, dir.size() + 1) != dir + "/") return;
  line.remove_prefix(dir.size() + 1);
  char* end = nullptr;
  std::string rest(line);
  size_t idx = std::strtoul(rest.c_str(), &end, 10);
  if (std::string_view(end).substr(0, 4) != ".py:" || idx >= scripts.size()) return;
  size_t lineNo = std::strtoul(end + 4, &end, 10);
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
  const PythonScript& s = scripts[idx];
  size_t offset = 0;
  for (size_t l = 1; l < lineNo; ++l) {
    size_t nl = s.text.find('\n', offset);
    if (nl == std::string::npos) break;
    offset = nl + 1;
  }
  offset += col > 0 ? col - 1 : 0;
  Location at = expr::ScalarMap(*s.node).location(std::min(offset, s.text.size()), 1);
  cx.diags.warning(at, "pyflakes", message);
}

}  // namespace

void checkPythonScripts(const yaml::Node& root, CheckContext& cx) {
  if (cx.options.pyflakes.empty() || !root.isMapping()) return;
  std::vector<PythonScript> scripts = collect(root);
  if (scripts.empty()) return;
  char tmpl[] = "/tmp/galley-pyflakes-XXXXXX";
  if (!mkdtemp(tmpl)) return;
  std::string dir = tmpl;
  std::vector<std::string> argv = {cx.options.pyflakes};
  for (size_t i = 0; i < scripts.size(); ++i) {
    std::string path = dir + "/" + std::to_string(i) + ".py";
    std::ofstream(path) << scripts[i].text << '\n';
    argv.push_back(path);
  }
  std::string out;
  if (!runCapture(argv, &out, true)) {
    cx.diags.error({&cx.file, {1, 1}, {1, 1}}, "pyflakes", "cannot run " + cx.options.pyflakes);
  } else {
    size_t start = 0;
    while (start < out.size()) {
      size_t nl = out.find('\n', start);
      if (nl == std::string::npos) nl = out.size();
      reportLine(std::string_view(out).substr(start, nl - start), dir, scripts, cx);
      start = nl + 1;
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace galley::lint
