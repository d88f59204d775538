#include "runtime/azure/tasks.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "compiler/ascii.h"
#include "compiler/lint/glob.h"
#include "compiler/process.h"
#include "runtime/actions.h"
#include "runtime/files.h"
#include "runtime/shell.h"

namespace galley::run::azure {

namespace fs = std::filesystem;

const std::vector<std::string>& builtinTasks() {
  static const std::vector<std::string> tasks = {"AzureCLI@2",
                                                 "Bash@3",
                                                 "Cache@2",
                                                 "CmdLine@2",
                                                 "CopyFiles@2",
                                                 "DownloadBuildArtifacts@1",
                                                 "DownloadPipelineArtifact@2",
                                                 "ManualValidation@0",
                                                 "ManualValidation@1",
                                                 "PublishBuildArtifacts@1",
                                                 "PublishCodeCoverageResults@2",
                                                 "PublishPipelineArtifact@1",
                                                 "PublishTestResults@2",
                                                 "PythonScript@0",
                                                 "UsePythonVersion@0"};
  return tasks;
}

bool isBuiltinTask(std::string_view task) {
  for (const auto& t : builtinTasks())
    if (equalsIgnoreCase(t, task)) return true;
  return false;
}

std::string taskName(std::string_view task) {
  return lowerCase(task.substr(0, task.find('@')));
}

namespace {

using Inputs = std::vector<std::pair<std::string, std::string>>;

// An input by any of its names (task.json aliases), or fallback.
std::string input(const Inputs& in, std::initializer_list<const char*> names,
                  const std::string& fallback = "") {
  for (const char* n : names)
    for (const auto& [k, v] : in)
      if (equalsIgnoreCase(k, n) && !v.empty()) return v;
  return fallback;
}

bool flag(const Inputs& in, const char* name, bool fallback = false) {
  std::string v = input(in, {name});
  return v.empty() ? fallback : equalsIgnoreCase(v, "true");
}

std::string under(const std::string& base, const std::string& p) {
  if (p.empty()) return base;
  return fs::path(p).is_absolute() ? p : (fs::path(base) / p).lexically_normal().string();
}

std::string sources(TaskHost& h) {
  return h.variable("System.DefaultWorkingDirectory");
}

bool validArtifactName(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name)
    if (c == '/' || c == '\\' || c == ':' || c == '<' || c == '>' || c == '|' || c == '*' ||
        c == '?' || c == '"' || c == '\r' || c == '\n')
      return false;
  return name != "." && name != "..";
}

Result publish(TaskHost& h, const std::string& path, const std::string& artifact) {
  if (!validArtifactName(artifact)) {
    h.error("artifact name '" + artifact + "' is not valid");
    return Result::Failure;
  }
  fs::path from = under(sources(h), path);
  std::error_code ec;
  if (!fs::exists(from, ec)) {
    h.error("Path does not exist: " + from.string());
    return Result::Failure;
  }
  fs::path store = fs::path(h.actions().job.options().artifactsDir);
  fs::path dest = store / artifact;
  if (fs::exists(dest, ec)) {
    h.error("An artifact with the name '" + artifact + "' already exists in this run");
    return Result::Failure;
  }
  // Copied under a temporary name, then renamed: a reader never sees half.
  fs::path partial = store / (artifact + ".partial-" + std::to_string(getpid()));
  std::string err;
  if (!copyInto(from, partial, &err)) {
    h.error("cannot publish '" + from.string() + "': " + err);
    return Result::Failure;
  }
  fs::rename(partial, dest, ec);
  if (ec) {
    h.error("cannot publish artifact '" + artifact + "': " + ec.message());
    return Result::Failure;
  }
  h.log("Published " + from.string() + " as artifact '" + artifact + "'");
  return Result::Success;
}

// artifact empty: every artifact, each in its own folder under path.
Result download(TaskHost& h, const std::string& artifact, const std::string& path, bool intoSub) {
  fs::path store = fs::path(h.actions().job.options().artifactsDir);
  std::error_code ec;
  std::string err;
  if (!artifact.empty()) {
    if (!fs::is_directory(store / artifact, ec)) {
      h.error("Artifact '" + artifact + "' was not found in this run");
      return Result::Failure;
    }
    fs::path dest = intoSub ? fs::path(path) / artifact : fs::path(path);
    if (!copyInto(store / artifact, dest, &err)) {
      h.error("cannot download '" + artifact + "': " + err);
      return Result::Failure;
    }
    h.log("Downloaded artifact '" + artifact + "' to " + dest.string());
    return Result::Success;
  }
  size_t n = 0;
  for (auto& e : fs::directory_iterator(store, ec)) {
    std::string name = e.path().filename().string();
    if (name.find(".partial-") != std::string::npos) continue;
    if (!copyInto(e.path(), fs::path(path) / name, &err)) {
      h.error("cannot download '" + name + "': " + err);
      return Result::Failure;
    }
    ++n;
  }
  h.log("Downloaded " + std::to_string(n) + " artifact(s) to " + path);
  return Result::Success;
}

// Files under root matching the patterns (minimatch-like: `!` excludes).
std::vector<fs::path> matching(const fs::path& root, const std::vector<std::string>& patterns) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string rel = it->path().lexically_relative(root).string();
    bool keep = false;
    for (const auto& p : patterns) {
      if (p.starts_with("!")) {
        if (lint::globMatch(p.substr(1), rel)) keep = false;
      } else if (lint::globMatch(p, rel) || (p == "**")) {
        keep = true;
      }
    }
    if (keep) out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result copyFiles(const Inputs& in, TaskHost& h) {
  std::string target = input(in, {"TargetFolder"});
  if (target.empty()) {
    h.error("Input required: TargetFolder");
    return Result::Failure;
  }
  fs::path src = under(sources(h), input(in, {"SourceFolder"}));
  fs::path dst = under(sources(h), target);
  std::vector<std::string> patterns = inputLines(input(in, {"Contents"}, "**"));
  std::error_code ec;
  if (flag(in, "CleanTargetFolder")) fs::remove_all(dst, ec);
  bool overwrite = flag(in, "OverWrite"), flatten = flag(in, "flattenFolders");
  size_t n = 0;
  for (const fs::path& f : matching(src, patterns)) {
    fs::path to = flatten ? dst / f.filename() : dst / f.lexically_relative(src);
    fs::create_directories(to.parent_path(), ec);
    if (fs::exists(to, ec) && !overwrite) {
      h.log("Skipped " + to.string() + ": it exists and OverWrite is false");
      continue;
    }
    fs::copy_file(f, to, fs::copy_options::overwrite_existing, ec);
    if (ec) {
      h.error("cannot copy " + f.string() + ": " + ec.message());
      return Result::Failure;
    }
    ++n;
  }
  h.log("Copied " + std::to_string(n) + " file(s) to " + dst.string());
  return Result::Success;
}

// ---- PublishTestResults@2: JUnit ------------------------------------------

struct Tally {
  int total = 0, failed = 0, skipped = 0;
  std::vector<std::string> failures;
};

bool xmlSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// The value of attribute `name` in an XML start tag, quoted either way; ""
// when the tag has none. Scanned by hand: std::regex recurses per
// character in libstdc++, and a test's name can be long.
std::string attribute(const std::string& tag, const std::string& name) {
  for (size_t at = tag.find(name); at != std::string::npos; at = tag.find(name, at + 1)) {
    if (at == 0 || !xmlSpace(tag[at - 1])) continue;
    size_t i = at + name.size();
    while (i < tag.size() && xmlSpace(tag[i]))
      ++i;
    if (i == tag.size() || tag[i] != '=') continue;
    ++i;
    while (i < tag.size() && xmlSpace(tag[i]))
      ++i;
    if (i == tag.size() || (tag[i] != '"' && tag[i] != '\'')) continue;
    size_t close = tag.find(tag[i], i + 1);
    if (close == std::string::npos) return "";
    return tag.substr(i + 1, close - i - 1);
  }
  return "";
}

// Counts <testcase> elements and the <failure>, <error> and <skipped> in
// each: the counts JUnit files' own totals may not agree with.
void tallyJUnit(const std::string& xml, Tally* t) {
  size_t pos = 0;
  while ((pos = xml.find("<testcase", pos)) != std::string::npos) {
    size_t tagEnd = xml.find('>', pos);
    if (tagEnd == std::string::npos) break;
    std::string tag = xml.substr(pos, tagEnd - pos);
    bool selfClosing = tagEnd > 0 && xml[tagEnd - 1] == '/';
    size_t end = selfClosing ? tagEnd : xml.find("</testcase>", tagEnd);
    if (end == std::string::npos) end = xml.size();
    std::string body = selfClosing ? "" : xml.substr(tagEnd, end - tagEnd);
    ++t->total;
    std::string name = attribute(tag, "classname");
    name += (name.empty() ? "" : ".") + attribute(tag, "name");
    if (body.find("<failure") != std::string::npos || body.find("<error") != std::string::npos) {
      ++t->failed;
      t->failures.push_back(name);
    } else if (body.find("<skipped") != std::string::npos) {
      ++t->skipped;
    }
    pos = end;
  }
}

Result publishTestResults(const Inputs& in, TaskHost& h) {
  std::string format = input(in, {"testResultsFormat", "testRunner"}, "JUnit");
  if (!equalsIgnoreCase(format, "JUnit")) {
    h.error("testResultsFormat '" + format + "' is not read by galley run; JUnit is");
    return Result::Failure;
  }
  std::string pattern = input(in, {"testResultsFiles"}, "**/TEST-*.xml");
  fs::path root = under(sources(h), input(in, {"searchFolder"}));
  std::vector<fs::path> files = matching(root, inputLines(pattern));
  if (files.empty()) {
    h.warning("No test result files matching '" + pattern + "' were found.");
    return Result::Success;
  }
  Tally t;
  for (const auto& f : files) {
    std::ifstream s(f, std::ios::binary);
    std::ostringstream text;
    text << s.rdbuf();
    tallyJUnit(text.str(), &t);
  }
  int passed = t.total - t.failed - t.skipped;
  std::string title = input(in, {"testRunTitle"}, "Test results");
  std::ostringstream md;
  md << "### " << title << "\n\n| Total | Passed | Failed | Skipped |\n|---:|---:|---:|---:|\n| "
     << t.total << " | " << passed << " | " << t.failed << " | " << t.skipped << " |\n";
  for (const auto& f : t.failures)
    md << "\n- failed: `" << f << "`";
  if (!t.failures.empty()) md << '\n';
  h.summary(md.str());
  h.notice(title + ": " + std::to_string(t.total) + " tests, " + std::to_string(passed) +
           " passed, " + std::to_string(t.failed) + " failed, " + std::to_string(t.skipped) +
           " skipped (" + std::to_string(files.size()) + " file(s))");
  if (t.failed > 0 && flag(in, "failTaskOnFailedTests")) {
    h.error("There are one or more test failures.");
    return Result::Failure;
  }
  return Result::Success;
}

// ---- scripts -------------------------------------------------------------

Result bashTask(const Inputs& in, TaskHost& h, const std::string& cwd) {
  std::string type = input(in, {"targetType"}, "filePath");
  bool failOnStderr = flag(in, "failOnStderr");
  if (equalsIgnoreCase(type, "inline"))
    return h.runScript(StepKind::Bash, input(in, {"script"}), cwd, failOnStderr, "");
  std::string file = input(in, {"filePath"});
  if (file.empty()) {
    h.error("Input required: filePath");
    return Result::Failure;
  }
  file = under(sources(h), file);
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    h.error("Not found filePath: " + file);
    return Result::Failure;
  }
  std::string quoted = "'";
  for (char c : file)
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  quoted += "'";
  return h.runScript(StepKind::Bash, "exec bash " + quoted + " " + input(in, {"arguments"}), cwd,
                     failOnStderr, "");
}

Result pythonScript(const Inputs& in, TaskHost& h, const std::string& cwd) {
  std::string python = input(in, {"pythonInterpreter"});
  std::string path = h.actions().job.path();
  if (python.empty()) python = findProgram("python", path);
  if (python.empty()) python = findProgram("python3", path);
  if (python.empty()) {
    h.error("no python on this host's PATH (UsePythonVersion@0 puts one there)");
    return Result::Failure;
  }
  std::string file;
  if (equalsIgnoreCase(input(in, {"scriptSource"}, "filePath"), "inline")) {
    file = h.actions().job.temp() + "/pythonscript-" + h.stepId() + ".py";
    std::ofstream(file, std::ios::binary) << input(in, {"script"});
  } else {
    file = input(in, {"scriptPath"});
    if (file.empty()) {
      h.error("Input required: scriptPath");
      return Result::Failure;
    }
    file = under(sources(h), file);
  }
  // The arguments are split as a shell would split them.
  return h.runProcess(
      {"bash", "-c", "exec \"$@\" " + input(in, {"arguments"}), "PythonScript", python, file}, cwd,
      {}, flag(in, "failOnStderr"), "Python exited with code '{code}'.");
}

// ---- AzureCLI@2 -------------------------------------------------------------

// A local run has no service connection to log in with: az runs as this
// host's own login (`az login` beforehand), which `az account show` reads
// from az's local profile, without the network. True with *who naming
// the subscription and user; false with *why.
bool azAccount(const std::string& az, const std::string& cwd, TaskHost& h, std::string* who,
               std::string* why) {
  proc::Spec spec;
  spec.argv = {az, "account", "show", "--output", "json"};
  spec.cwd = cwd;
  spec.env = h.actions().job.env({}, {}, {});
  std::string out, err;
  proc::Result r = proc::run(
      spec,
      [&](proc::Stream s, std::string_view chunk) {
        (s == proc::Stream::Out ? out : err).append(chunk.substr(0, 64 * 1024));
      },
      std::chrono::seconds(60));
  if (!r.started || r.timedOut || r.exitCode != 0) {
    std::string text = !r.started ? r.error : r.timedOut ? "it did not answer in 60 s" : err;
    size_t a = text.find_first_not_of(" \t\r\n"), b = text.find_last_not_of(" \t\r\n");
    *why = a == std::string::npos ? "exit code " + std::to_string(r.exitCode)
                                  : text.substr(a, std::min<size_t>(b - a + 1, 300));
    return false;
  }
  nlohmann::json account = nlohmann::json::parse(out, nullptr, false);
  auto field = [&](const char* key) -> std::string {
    const auto it = account.is_object() ? account.find(key) : account.end();
    return it != account.end() && it->is_string() ? it->get<std::string>() : "";
  };
  std::string user;
  if (account.is_object() && account.contains("user") && account["user"].is_object() &&
      account["user"].value("name", nlohmann::json()).is_string())
    user = account["user"]["name"].get<std::string>();
  *who = "subscription '" + field("name") + "' (" + field("id") + ")" +
         (user.empty() ? "" : " as " + user);
  return true;
}

// The script the task runs, as its scriptType's shell reads it.
bool cliScript(const Inputs& in, TaskHost& h, bool powershell, std::string* script) {
  if (equalsIgnoreCase(input(in, {"scriptLocation"}, "scriptPath"), "inlineScript")) {
    *script = input(in, {"inlineScript"});
    return true;
  }
  std::string path = input(in, {"scriptPath"});
  if (path.empty()) {
    h.error("Input required: scriptPath");
    return false;
  }
  path = under(sources(h), path);
  std::string args = input(in, {"arguments", "scriptArguments"});
  if (powershell) {
    std::string quoted;
    for (char c : path)
      quoted += c == '\'' ? std::string("''") : std::string(1, c);
    *script = "& '" + quoted + "' " + args;
  } else {
    *script = "exec bash '" + path + "' " + args;
  }
  return true;
}

Result azureCli(const Inputs& in, TaskHost& h, const std::string& cwd) {
  std::string path = h.actions().job.path();
  std::string az = findProgram("az", path);
  if (az.empty()) {
    h.error("AzureCLI@2 runs the Azure CLI (az), which is not installed on this host");
    return Result::Failure;
  }
  std::string type = lowerCase(input(in, {"scriptType"}, "bash"));
  bool powershell = type == "ps" || type == "pscore";
  if (type == "batch") {
    h.error(
        "AzureCLI@2 with scriptType 'batch' runs a Windows batch file, which a Linux agent "
        "cannot run; use scriptType: bash or pscore");
    return Result::Failure;
  }
  if (!powershell && type != "bash") {
    h.error("AzureCLI@2: unknown scriptType '" + type + "' (bash, pscore, ps or batch)");
    return Result::Failure;
  }
  if (powershell && findProgram("pwsh", path).empty()) {
    h.error("AzureCLI@2 with scriptType '" + type +
            "' runs PowerShell (pwsh), which is not installed on this host");
    return Result::Failure;
  }
  std::string connection = input(in, {"azureSubscription", "connectedServiceNameARM"});
  std::string who, why;
  if (!azAccount(az, cwd, h, &who, &why)) {
    h.error("AzureCLI@2: az is not logged in on this host (az account show: " + why +
            "); a local run cannot use service connection '" + connection +
            "': run 'az login' first");
    return Result::Failure;
  }
  h.log("AzureCLI@2: service connection '" + connection +
        "' is not used by a local run; az runs with this host's login: " + who);
  if (flag(in, "addSpnToEnvironment"))
    h.warning(
        "addSpnToEnvironment: servicePrincipalId, servicePrincipalKey and tenantId are not "
        "set: a local run has no service connection");
  std::string script;
  if (!cliScript(in, h, powershell, &script)) return Result::Failure;
  return h.runScript(powershell ? StepKind::Pwsh : StepKind::Bash, script, cwd,
                     flag(in, "failOnStandardError"),
                     input(in, {"powerShellErrorActionPreference"}, "stop"));
}

// ---- Cache@2 ---------------------------------------------------------------

// A key as Cache@2 reads it: segments split at '|'; a quoted segment is
// text; one that names files (a path or glob under the working directory)
// stands for the hash of their contents; any other is text.
std::string cacheKey(const std::string& key, TaskHost& h) {
  std::string out, segment;
  std::istringstream in(key);
  while (std::getline(in, segment, '|')) {
    size_t a = segment.find_first_not_of(" \t"), b = segment.find_last_not_of(" \t");
    segment = a == std::string::npos ? "" : segment.substr(a, b - a + 1);
    std::string part = segment;
    if (segment.size() >= 2 && segment.front() == '"' && segment.back() == '"') {
      part = segment.substr(1, segment.size() - 2);
    } else if (!segment.empty()) {
      std::string hash, err;
      std::vector<std::string> patterns{segment};
      if (hashWorkspaceFiles(sources(h), patterns, &hash, &err) && !hash.empty()) part = hash;
    }
    out += (out.empty() ? "" : "|") + part;
  }
  return out;
}

Result cacheTask(const Step& step, const Inputs& in, TaskHost& h) {
  ActionCall call;
  call.uses = "actions/cache";
  call.where = step.taskWhere;
  call.stepId = h.stepId();
  std::string restore;
  for (const auto& line : inputLines(input(in, {"restoreKeys"})))
    restore += cacheKey(line, h) + "\n";
  // Each job has its own Pipeline.Workspace here: a path under it is kept
  // relative to the sources folder, so that another job restores it into
  // its own workspace.
  std::string path = under(sources(h), input(in, {"path"}));
  std::string workspace = h.variable("Pipeline.Workspace");
  if (!workspace.empty() && path.starts_with(workspace + "/"))
    path = fs::path(path).lexically_relative(sources(h)).string();
  call.with = {{"key", cacheKey(input(in, {"key"}), h)}, {"path", path}, {"restore-keys", restore}};
  Result r = runActionStep(call, h.actions());
  std::string var = input(in, {"cacheHitVar"});
  if (!var.empty()) {
    const auto& out = h.actions().record.outputs;
    auto hit = out.find("cache-hit");
    bool exact = hit != out.end() && hit->second == "true";
    bool matched = out.count("cache-matched-key") > 0;
    h.setVariable(var, exact ? "true" : matched ? "inexact" : "false");
  }
  return r;
}

// ---- PublishCodeCoverageResults@2: Cobertura --------------------------------

Result publishCoverage(const Inputs& in, TaskHost& h) {
  std::string pattern = input(in, {"summaryFileLocation"});
  if (pattern.empty()) {
    h.error("Input required: summaryFileLocation");
    return Result::Failure;
  }
  std::vector<fs::path> files = matching(sources(h), inputLines(pattern));
  if (files.empty() && fs::is_regular_file(under(sources(h), pattern)))
    files.push_back(under(sources(h), pattern));
  if (files.empty()) {
    h.warning("No code coverage results were found to publish (" + pattern + ").");
    return flag(in, "failIfCoverageEmpty") ? Result::Failure : Result::Success;
  }
  long covered = 0, valid = 0;
  for (const auto& f : files) {
    std::ifstream s(f, std::ios::binary);
    std::ostringstream text;
    text << s.rdbuf();
    std::string xml = text.str();
    size_t at = xml.find("<coverage");
    if (at == std::string::npos) {
      h.warning(f.string() + " is not a Cobertura report (no <coverage> element)");
      continue;
    }
    std::string tag = xml.substr(at, xml.find('>', at) - at);
    covered += std::atol(attribute(tag, "lines-covered").c_str());
    valid += std::atol(attribute(tag, "lines-valid").c_str());
  }
  if (valid == 0) {
    h.warning("the coverage reports hold no line counts (lines-covered, lines-valid)");
    return Result::Success;
  }
  char pct[32];
  snprintf(pct, sizeof pct, "%.1f%%", 100.0 * double(covered) / double(valid));
  std::string line = std::string("Coverage: ") + pct + " of lines (" + std::to_string(covered) +
                     "/" + std::to_string(valid) + ")";
  h.summary("### Code coverage\n\n" + line + "\n");
  h.notice(line);
  return Result::Success;
}

Result manualValidation(const Step& step, const Inputs& in, TaskHost& h) {
  std::string approvers = input(in, {"approvers", "notifyUsers"});
  std::string what = step.displayName.empty() ? "ManualValidation" : step.displayName;
  std::string why;
  if (h.approve(what, approvers, input(in, {"instructions"}), &why)) return Result::Success;
  h.error(why);
  return Result::Failure;
}

}  // namespace

Result runTask(const Step& step, const Inputs& inputs, TaskHost& h) {
  std::string cwd = under(sources(h), input(inputs, {"workingDirectory", "cwd"}));
  std::string workspace = h.variable("Pipeline.Workspace");
  if (step.kind == StepKind::Checkout) {
    ActionCall call;
    call.uses = "actions/checkout";
    call.where = step.where;
    call.stepId = h.stepId();
    return runActionStep(call, h.actions());
  }
  if (step.kind == StepKind::Publish)
    return publish(h, step.script, input(inputs, {"artifact"}, "drop"));
  if (step.kind == StepKind::Download) {
    if (step.script == "none") return Result::Success;
    std::string artifact = input(inputs, {"artifact"});
    std::string path = input(inputs, {"path"});
    return download(h, artifact, path.empty() ? workspace : under(sources(h), path), path.empty());
  }
  std::error_code ec;
  if (!fs::is_directory(cwd, ec)) {
    h.error("workingDirectory '" + cwd + "' does not exist");
    return Result::Failure;
  }
  std::string name = taskName(step.task);
  if (name == "bash") return bashTask(inputs, h, cwd);
  if (name == "cmdline")
    return h.runScript(StepKind::Script, input(inputs, {"script"}, "echo Write your commands here"),
                       cwd, flag(inputs, "failOnStderr"), "");
  if (name == "pythonscript") return pythonScript(inputs, h, cwd);
  if (name == "usepythonversion") {
    ActionCall call;
    call.uses = "actions/setup-python";
    call.where = step.taskWhere;
    call.stepId = h.stepId();
    std::string spec = input(inputs, {"versionSpec"}, "3.x");
    call.with = {{"python-version", spec}};
    return runActionStep(call, h.actions());
  }
  if (name == "publishpipelineartifact") {
    if (equalsIgnoreCase(input(inputs, {"publishLocation", "artifactType"}, "pipeline"),
                         "filepath")) {
      h.error("publishLocation 'filepath' (a file share) cannot be used by a local run");
      return Result::Failure;
    }
    return publish(h, input(inputs, {"targetPath", "path"}, workspace),
                   input(inputs, {"artifact", "artifactName"}, "drop"));
  }
  if (name == "downloadpipelineartifact" || name == "downloadbuildartifacts") {
    std::string source = input(inputs, {"buildType", "source"}, "current");
    if (!equalsIgnoreCase(source, "current")) {
      h.error("artifacts of another pipeline run (" + source + ") cannot be downloaded locally");
      return Result::Failure;
    }
    bool build = name == "downloadbuildartifacts";
    std::string artifact = input(inputs, {"artifact", "artifactName"});
    std::string path = input(
        inputs, build ? std::initializer_list<const char*>{"downloadPath"}
                      : std::initializer_list<const char*>{"path", "targetPath", "downloadPath"});
    if (path.empty()) path = build ? h.variable("System.ArtifactsDirectory") : workspace;
    return download(h, artifact, under(sources(h), path), build);
  }
  if (name == "publishbuildartifacts")
    return publish(h,
                   input(inputs, {"PathtoPublish"}, h.variable("Build.ArtifactStagingDirectory")),
                   input(inputs, {"ArtifactName"}, "drop"));
  if (name == "copyfiles") return copyFiles(inputs, h);
  if (name == "publishtestresults") return publishTestResults(inputs, h);
  if (name == "manualvalidation") return manualValidation(step, inputs, h);
  if (name == "cache") return cacheTask(step, inputs, h);
  if (name == "publishcodecoverageresults") return publishCoverage(inputs, h);
  if (name == "azurecli") return azureCli(inputs, h, cwd);
  h.error("task '" + step.task + "' is not built into galley run");
  return Result::Failure;
}

}  // namespace galley::run::azure
