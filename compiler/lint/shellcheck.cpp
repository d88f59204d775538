// run: scripts through shellcheck, with the shell and options GitHub runs
// them with, many scripts (of many files) per process.
#include <map>
#include <nlohmann/json.hpp>

#include "compiler/lint/checks.h"
#include "compiler/lint/expr_text.h"
#include "compiler/lint/scripts.h"
#include "compiler/process.h"

namespace galley::lint {

namespace {

// How GitHub runs a script: the shell and whether -e (errexit) is on.
struct ShellRun {
  std::string shell;  // bash or sh
  bool errexit = false;
};

// A custom shell command (`bash -x {0}`, `/bin/sh -eu {0}`): its program
// and options.
std::optional<ShellRun> customShell(std::string_view command) {
  ShellRun run;
  size_t i = 0;
  auto word = [&] {
    size_t b = command.find_first_not_of(" \t", i);
    if (b == std::string_view::npos) return std::string_view();
    size_t e = std::min(command.find_first_of(" \t", b), command.size());
    i = e;
    return command.substr(b, e - b);
  };
  std::string_view program = word();
  program = program.substr(program.rfind('/') + 1);
  if (program != "bash" && program != "sh") return std::nullopt;
  run.shell = std::string(program);
  for (std::string_view w; !(w = word()).empty();) {
    bool option = w.size() > 1 && w[0] == '-' && w[1] != '-';
    if (option && w.ends_with('o')) {
      std::string_view option = word();
      run.errexit |= option == "errexit";
    }
    if (option && w.find('e') != std::string_view::npos) run.errexit = true;
  }
  return run;
}

// The shell GitHub runs a step's script with (docs.github.com, "jobs.<id>.
// steps[*].shell"): no shell: at all is `bash -e {0}` (pwsh on Windows);
// `bash` is `bash --noprofile --norc -eo pipefail {0}`; `sh` is
// `sh -e {0}`; others are not shellcheck's.
std::optional<ShellRun> shellRunOf(const yaml::Node* shell, bool windowsLegs) {
  if (!shell) {
    if (windowsLegs) return std::nullopt;
    return ShellRun{"bash", true};
  }
  if (!shell->isScalar()) return std::nullopt;
  const std::string& v = shell->value;
  if (v == "bash") return ShellRun{"bash", true};
  if (v == "sh") return ShellRun{"sh", true};
  return customShell(v);
}

bool isWindowsLabel(const yaml::Node& n) {
  return n.isScalar() && lowerCase(n.value).find("windows") != std::string::npos;
}

// The values a `${{ matrix.KEY }}` runs-on may take: the axis and include:.
bool matrixHasWindows(const yaml::Node& job, std::string_view key) {
  const yaml::Node* strategy = job.find("strategy");
  const yaml::Node* matrix = strategy && strategy->isMapping() ? strategy->find("matrix") : nullptr;
  if (!matrix || !matrix->isMapping()) return false;
  auto any = [&](const yaml::Node* v) {
    if (!v) return false;
    if (isWindowsLabel(*v)) return true;
    return std::any_of(v->items.begin(), v->items.end(), isWindowsLabel);
  };
  for (const auto& e : matrix->entries)
    if (equalsIgnoreCase(e.key.value, key) &&
        (any(&e.value) || std::any_of(e.value.items.begin(), e.value.items.end(),
                                      [&](const yaml::Node& i) { return any(&i); })))
      return true;
  if (const yaml::Node* include = matrix->find("include"); include && include->isSequence())
    for (const auto& row : include->items)
      if (row.isMapping())
        for (const auto& e : row.entries)
          if (equalsIgnoreCase(e.key.value, key) && any(&e.value)) return true;
  return false;
}

// Whether any leg of the job runs on Windows, where a step without shell:
// runs pwsh: a windows label, or a matrix axis runs-on names that holds one.
bool hasWindowsLeg(const yaml::Node& job) {
  const yaml::Node* r = job.find("runs-on");
  if (r && r->isMapping()) r = r->find("labels");
  if (!r) return false;
  std::vector<const yaml::Node*> labels;
  if (r->isScalar()) labels.push_back(r);
  for (const auto& i : r->items)
    labels.push_back(&i);
  for (const yaml::Node* l : labels) {
    if (isWindowsLabel(*l)) return true;
    if (!l->isScalar()) continue;
    for (const auto& span : expressionsIn(l->value))
      for (const auto& cp : contextPaths(span.inner))
        if (cp.path.rfind("matrix.", 0) == 0 &&
            matrixHasWindows(job, std::string_view(cp.path).substr(7)))
          return true;
  }
  return false;
}

// The script with each ${{ }} replaced, width for width (newlines kept), by
// a run of 1s: a word that is valid wherever the runner's text could be, a
// number to -le as much as a string to =. Only before `=` at a word's start
// (an assignment's name) do underscores stand in: a name cannot begin with
// a digit.
std::string placeholders(const std::string& text) {
  std::string out = text;
  for (const auto& span : findExpressions(text)) {
    bool nameStart =
        span.begin == 0 || !(isAsciiAlnum(text[span.begin - 1]) || text[span.begin - 1] == '_');
    char fill = nameStart && span.end < text.size() && text[span.end] == '=' ? '_' : '1';
    for (size_t i = span.begin; i < span.end; ++i)
      if (out[i] != '\n') out[i] = fill;
  }
  return out;
}

// The first line shellcheck reads: the shell and -e as GitHub runs them, so
// that shellcheck leaves out what -e covers (SC2164, cd without || exit).
// A shebang takes one argument (SC2096): pipefail is not passed, and no
// check of shellcheck's default set reads it.
std::string shebang(const ShellRun& run) {
  return "#!/bin/" + run.shell + (run.errexit ? " -e\n" : "\n");
}

std::string duration(std::chrono::milliseconds t) {
  long long ms = t.count();
  return ms >= 1000 && ms % 1000 == 0 ? std::to_string(ms / 1000) + " s"
                                      : std::to_string(ms) + " ms";
}

Severity levelOf(const std::string& level) {
  return level == "error" || level == "warning" ? Severity::Warning : Severity::Note;
}

// Checks that only make sense for hand-written scripts: the runner defines
// the GITHUB_* variables, and ${{ }} placeholders look like constants to
// the constant-expression checks (SC2050, SC2078 `[ "${{ secrets.X }}" ]`,
// SC2157, SC2193, SC2194, SC2043); a script's own #! line is on line 2
// behind galley's.
const char* kExcluded = "SC1091,SC1128,SC2016,SC2043,SC2050,SC2078,SC2154,SC2157,SC2193,SC2194";

// One script's comments: the first of each code is reported, with how many
// more the script has (a script repeating one mistake fifty times is one
// finding to fix).
void reportScript(const Script& s, const std::vector<const nlohmann::json*>& comments,
                  Diagnostics& found) {
  std::map<int, size_t> count;
  for (const auto* c : comments)
    ++count[c->value("code", 0)];
  std::map<int, bool> reported;
  for (const auto* c : comments) {
    int code = c->value("code", 0);
    if (reported[code]) continue;
    reported[code] = true;
    size_t line = c->value("line", 1), col = c->value("column", 1);
    size_t endCol = c->value("endColumn", col + 1);
    size_t width = c->value("endLine", line) == line && endCol > col ? endCol - col : 1;
    std::string id = "SC" + std::to_string(code);
    std::string message = id + ": " + c->value("message", std::string());
    if (size_t more = count[code] - 1; more > 0)
      message += " (and " + std::to_string(more) + " more in this script)";
    found.report(levelOf(c->value("level", "")), scriptLocation(s, line, col, width), "shellcheck",
                 std::move(message), "https://www.shellcheck.net/wiki/" + id);
  }
}

}  // namespace

void collectShellScripts(const yaml::Node& root, std::vector<Script>& out) {
  const yaml::Node* wfShell = defaultShell(root.find("defaults"));
  forEachScript(root, [&](const yaml::Node& step, const yaml::Node& run, const yaml::Node* job) {
    const yaml::Node* shell = step.find("shell");
    if (!shell && job) shell = defaultShell(job->find("defaults"));
    if (!shell) shell = wfShell;
    std::optional<ShellRun> how = shellRunOf(shell, job && hasWindowsLeg(*job));
    if (!how) return;
    out.push_back({run, shebang(*how) + placeholders(run.value), 1});
  });
}

void runShellcheck(const std::vector<const Script*>& scripts, const LintOptions& options,
                   std::vector<Diagnostics>& found) {
  ScriptFiles files;
  if (!files.ok()) return;
  std::vector<std::string> argv = {options.shellcheck, "--norc", "--format=json1",
                                   "--exclude=" + std::string(kExcluded)};
  for (size_t i = 0; i < scripts.size(); ++i)
    argv.push_back(files.write(i, scripts[i]->text, ".sh"));
  std::string out;
  proc::Result r;
  proc::capture(argv, &out, false, options.batchTimeout, &r);
  if (!r.started) {
    for (size_t i = 0; i < scripts.size(); ++i)
      found[i].error({scripts[i]->run.where.file, {1, 1}, {1, 1}}, "shellcheck",
                     "cannot run " + options.shellcheck);
    return;
  }
  if (r.timedOut) {
    std::string why = "shellcheck took more than " + duration(options.batchTimeout) +
                      " over the batch of " + std::to_string(scripts.size()) +
                      " scripts that holds it, and was stopped";
    for (size_t i = 0; i < scripts.size(); ++i)
      noteUnchecked(*scripts[i], "shellcheck", why, found[i]);
    return;
  }
  nlohmann::json j = nlohmann::json::parse(out, nullptr, false);
  if (j.is_discarded() || !j.contains("comments")) return;
  std::vector<std::vector<const nlohmann::json*>> byScript(scripts.size());
  for (const auto& c : j["comments"]) {
    size_t idx = files.indexOf(c.value("file", ""));
    if (idx < scripts.size()) byScript[idx].push_back(&c);
  }
  for (size_t i = 0; i < scripts.size(); ++i)
    reportScript(*scripts[i], byScript[i], found[i]);
}

}  // namespace galley::lint
