#include "compiler/lint/scripts.h"

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "compiler/expr/scalar_map.h"
#include "compiler/lint/checks.h"

namespace galley::lint {

namespace {

std::string kilobytes(size_t bytes) {
  if (bytes < 10 * 1024) return std::to_string(bytes) + " bytes";
  return std::to_string((bytes + 1023) / 1024) + " KB";
}

const char* linterName(ScriptLinter linter) {
  return linter == ScriptLinter::Shellcheck ? "shellcheck" : "pyflakes";
}

}  // namespace

void collectScripts(const yaml::Node& root, const LintOptions& options, FileScripts& out,
                    Diagnostics& diags) {
  if (!root.isMapping()) return;
  if (!options.shellcheck.empty()) collectShellScripts(root, out[size_t(ScriptLinter::Shellcheck)]);
  if (!options.pyflakes.empty()) collectPythonScripts(root, out[size_t(ScriptLinter::Pyflakes)]);
  // A huge script (a YAML alias expanded into one line of 400 KB) costs a
  // linter minutes and gigabytes: it is named, not checked.
  for (size_t l = 0; l < kScriptLinters; ++l) {
    auto& scripts = out[l];
    std::erase_if(scripts, [&](const Script& s) {
      if (s.run.value.size() <= options.scriptBytes) return false;
      noteUnchecked(s, linterName(ScriptLinter(l)),
                    "it is " + kilobytes(s.run.value.size()) + ", more than the " +
                        kilobytes(options.scriptBytes) + " a script may have",
                    diags);
      return true;
    });
  }
}

void lintScripts(ScriptLinter linter, const std::vector<const Script*>& scripts,
                 const LintOptions& options, std::vector<Diagnostics>& found) {
  if (scripts.empty()) return;
  if (!options.writeScriptsTo.empty()) {
    static std::atomic<size_t> written{0};
    const char* ext = linter == ScriptLinter::Shellcheck ? ".sh" : ".py";
    for (const Script* s : scripts)
      std::ofstream(options.writeScriptsTo + "/" + std::to_string(written++) + ext)
          << s->text << '\n';
    return;
  }
  if (linter == ScriptLinter::Shellcheck)
    runShellcheck(scripts, options, found);
  else
    runPyflakes(scripts, options, found);
}

void forEachScript(const yaml::Node& root,
                   const std::function<void(const yaml::Node& step, const yaml::Node& run,
                                            const yaml::Node* job)>& visit) {
  auto each = [&visit](const yaml::Node& owner, const yaml::Node* job) {
    for (const yaml::Node* step : stepsOf(owner)) {
      const yaml::Node* run = step->find("run");
      if (run && run->isScalar() && !run->value.empty()) visit(*step, *run, job);
    }
  };
  if (const yaml::Node* jobs = root.find("jobs"); jobs && jobs->isMapping())
    for (const auto& e : jobs->entries)
      if (e.value.isMapping()) each(e.value, &e.value);
  if (const yaml::Node* runs = root.find("runs"); runs && runs->isMapping()) each(*runs, nullptr);
}

const yaml::Node* defaultShell(const yaml::Node* defaults) {
  if (!defaults || !defaults->isMapping()) return nullptr;
  const yaml::Node* run = defaults->find("run");
  return run && run->isMapping() ? run->find("shell") : nullptr;
}

size_t scriptOffset(std::string_view text, size_t line, size_t column) {
  size_t offset = 0;
  for (size_t l = 1; l < line; ++l) {
    size_t nl = text.find('\n', offset);
    if (nl == std::string_view::npos) break;
    offset = nl + 1;
  }
  offset += column > 0 ? column - 1 : 0;
  return std::min(offset, text.size());
}

Location scriptLocation(const Script& script, size_t line, size_t column, size_t width) {
  // The lines galley put before the script: a finding there is placed at
  // the script's start.
  if (line <= script.linesBefore) {
    line = script.linesBefore + 1;
    column = 1;
  }
  std::string_view body = script.text;
  for (uint32_t l = 0; l < script.linesBefore; ++l)
    body.remove_prefix(std::min(body.find('\n') + 1, body.size()));
  return expr::ScalarMap(script.run)
      .location(scriptOffset(body, line - script.linesBefore, column), width);
}

void noteUnchecked(const Script& script, std::string_view linter, const std::string& why,
                   Diagnostics& diags) {
  Location at = script.run.where;
  at.end = at.begin;
  diags.report(Severity::Note, at, std::string(linter),
               std::string(linter) + " did not check this script: " + why);
}

ScriptFiles::ScriptFiles() {
  char tmpl[] = "/tmp/galley-lint-XXXXXX";
  if (mkdtemp(tmpl)) dir_ = tmpl;
}

ScriptFiles::~ScriptFiles() {
  if (dir_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string ScriptFiles::write(size_t index, std::string_view text, std::string_view ext) {
  std::string path = dir_ + "/" + std::to_string(index) + std::string(ext);
  std::ofstream(path) << text << '\n';
  return path;
}

size_t ScriptFiles::indexOf(std::string_view path) const {
  if (path.substr(0, dir_.size() + 1) != dir_ + "/") return SIZE_MAX;
  std::string name(path.substr(dir_.size() + 1));
  char* end = nullptr;
  size_t index = std::strtoul(name.c_str(), &end, 10);
  // The number, then nothing or the file's extension.
  return end == name.c_str() || (*end != '\0' && *end != '.') ? SIZE_MAX : index;
}

}  // namespace galley::lint
