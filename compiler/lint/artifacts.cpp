// Artifacts as a way in and a way out: a checkout's token uploaded with its
// .git directory (artipacked), and a workflow_run workflow that downloads the
// triggering run's artifacts and lets their contents reach a script through
// step outputs or GITHUB_ENV (artifact-poisoning).
#include <fnmatch.h>

#include <map>
#include <optional>
#include <set>

#include "compiler/expr/scalar_map.h"
#include "compiler/lint/checks.h"
#include "compiler/lint/expr_text.h"

namespace galley::lint {

namespace {

// --- artipacked -----------------------------------------------------------

// A path as segments below the workspace root, or nullopt when it cannot be
// known (an expression other than github.workspace, an absolute path
// elsewhere). `.` and empty segments are dropped: the root is no segment.
std::optional<std::vector<std::string>> workspaceSegments(std::string_view path) {
  auto trim = [](std::string_view s) {
    size_t b = s.find_first_not_of(" \t\r");
    if (b == std::string_view::npos) return std::string_view();
    return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
  };
  path = trim(path);
  // ${{ github.workspace }} (spaced any way) is the root.
  if (path.starts_with("${{")) {
    ExprSpan span = nextExpression(path);
    if (span.begin != 0 || span.end > path.size() ||
        !equalsIgnoreCase(trim(span.inner), "github.workspace"))
      return std::nullopt;
    path.remove_prefix(span.end);
    if (!path.empty() && path[0] != '/') return std::nullopt;
  } else if (path.starts_with('/') || path.starts_with('~')) {
    return std::nullopt;
  }
  if (path.find("${{") != std::string_view::npos || path.find("..") != std::string_view::npos)
    return std::nullopt;
  std::vector<std::string> out;
  for (size_t b = 0; b <= path.size();) {
    size_t e = std::min(path.find('/', b), path.size());
    std::string_view seg = path.substr(b, e - b);
    if (!seg.empty() && seg != ".") out.emplace_back(seg);
    b = e + 1;
  }
  return out;
}

bool isWildcard(const std::string& seg) {
  return seg.find_first_not_of('*') == std::string::npos;
}

// Whether an upload pattern (segments, as upload-artifact's globs read
// them: `*` matches dot files, a matched directory is uploaded whole)
// takes in the .git directory at `gitDir`.
bool uploadsGitDir(const std::vector<std::string>& pattern,
                   const std::vector<std::string>& gitDir) {
  size_t i = 0;
  for (; i < pattern.size(); ++i) {
    const std::string& seg = pattern[i];
    // `**` reaches any depth: the rest must match whatever .git holds.
    if (seg == "**") return std::all_of(pattern.begin() + i + 1, pattern.end(), isWildcard);
    if (i == gitDir.size())  // inside .git: only wildcards take its files
      return std::all_of(pattern.begin() + i, pattern.end(), isWildcard);
    if (fnmatch(seg.c_str(), gitDir[i].c_str(), 0) != 0) return false;
  }
  return true;  // the pattern names .git or a directory above it
}

struct Checkout {
  const yaml::Node* uses;
  std::vector<std::string> gitDir;  // <path>/.git, below the workspace
};

// upload-artifact from v4.4.0 leaves hidden files out unless asked
// (include-hidden-files), so `.git` is not uploaded even with `path: .`:
// a floating @v4 resolves to such a release.
bool skipsHiddenFiles(const StepKeys& upload) {
  if (const yaml::Node* with = upload.with; with && with->isMapping())
    if (const yaml::Node* h = with->find("include-hidden-files"); h && h->isScalar())
      if (equalsIgnoreCase(h->value, "true")) return false;
  std::string spec = actionSpecOf(*upload.uses);
  std::string_view ref = std::string_view(spec).substr(spec.find('@') + 1);
  if (!ref.starts_with('v')) return false;  // a branch or an unexplained SHA
  ref.remove_prefix(1);
  unsigned major = 0, minor = 0;
  size_t i = 0;
  auto number = [&](unsigned& n) {
    bool any = false;
    for (; i < ref.size() && isAsciiDigit(ref[i]); ++i, any = true)
      n = n * 10 + unsigned(ref[i] - '0');
    return any;
  };
  if (!number(major)) return false;
  if (major != 4) return major > 4;
  if (i == ref.size()) return true;  // v4: its newest release
  if (ref[i] != '.') return false;
  ++i;
  return number(minor) && minor >= 4;
}

class ArtipackedChecker {
 public:
  explicit ArtipackedChecker(Diagnostics& diags) : diags_(diags) {}

  void steps(const yaml::Node& owner) {
    std::vector<Checkout> checkouts;
    for (const yaml::Node* step : stepsOf(owner)) {
      StepKeys keys(*step);
      if (keys.usesAction("actions/checkout") && persistsCredentials(keys)) {
        const yaml::Node* dir =
            keys.with && keys.with->isMapping() ? keys.with->find("path") : nullptr;
        std::optional<std::vector<std::string>> segs;
        if (!dir || !dir->isScalar())
          segs.emplace();  // the workspace root
        else
          segs = workspaceSegments(dir->value);
        if (segs) {
          segs->push_back(".git");
          checkouts.push_back({keys.uses, std::move(*segs)});
        }
      } else if (!checkouts.empty() && keys.usesAction("actions/upload-artifact") &&
                 !skipsHiddenFiles(keys)) {
        upload(keys, checkouts);
      }
    }
  }

 private:
  static bool persistsCredentials(const StepKeys& step) {
    const yaml::Node* with = step.with;
    const yaml::Node* pc = with && with->isMapping() ? with->find("persist-credentials") : nullptr;
    // Action inputs arrive as strings: a quoted 'false' turns persistence off too.
    if (!pc || !pc->isScalar()) return true;
    return !equalsIgnoreCase(pc->value, "false");
  }

  // The first line of the upload's path that takes in a checkout's .git,
  // unless a `!` line leaves that .git out; reported there.
  void upload(const StepKeys& keys, const std::vector<Checkout>& checkouts) {
    const yaml::Node* path =
        keys.with && keys.with->isMapping() ? keys.with->find("path") : nullptr;
    if (!path || !path->isScalar()) return;
    struct Line {
      size_t offset;
      std::string_view text;
      bool exclude;
    };
    std::vector<Line> lines;
    const std::string& v = path->value;
    for (size_t b = 0; b < v.size();) {
      size_t e = std::min(v.find('\n', b), v.size());
      std::string_view line(v.data() + b, e - b);
      size_t lead = line.find_first_not_of(" \t");
      if (lead != std::string_view::npos) {
        bool exclude = line[lead] == '!';
        std::string_view text = line.substr(lead, line.find_last_not_of(" \t\r") + 1 - lead);
        lines.push_back({b + lead, exclude ? text.substr(1) : text, exclude});
      }
      b = e + 1;
    }
    auto excluded = [&](const Checkout& c) {
      for (const Line& l : lines)
        if (auto segs = l.exclude ? workspaceSegments(l.text) : std::nullopt)
          if (uploadsGitDir(*segs, c.gitDir)) return true;
      return false;
    };
    for (const Line& l : lines) {
      auto segs = l.exclude ? std::nullopt : workspaceSegments(l.text);
      if (!segs) continue;
      for (const Checkout& c : checkouts)
        if (uploadsGitDir(*segs, c.gitDir) && !excluded(c)) {
          report(*path, l.offset, l.text, c);
          return;
        }
    }
  }

  void report(const yaml::Node& path, size_t offset, std::string_view shown, const Checkout& c) {
    Position at = c.uses->where.begin;
    Diagnostic& d = diags_.warning(
        expr::ScalarMap(path).location(offset, shown.size()), "artipacked",
        "the upload's path '" + std::string(shown) + "' includes the .git directory of the " +
            "checkout at " + std::to_string(at.line) + ":" + std::to_string(at.column) +
            ", where actions/checkout keeps the token (persist-credentials defaults to true)",
        "set 'persist-credentials: false' on the checkout, or upload only the files the "
        "artifact needs");
    d.notes.push_back({c.uses->where, "the checkout that keeps the token"});
  }

  Diagnostics& diags_;
};

// --- artifact-poisoning ---------------------------------------------------

// Whether a step downloads artifacts of another run: in a workflow_run
// workflow, the triggering run's, which a pull request's code may have
// written.
bool downloadsForeignArtifacts(const StepKeys& step) {
  const yaml::Node* with = step.with && step.with->isMapping() ? step.with : nullptr;
  if (step.usesAction("actions/download-artifact")) return with && with->find("run-id");
  if (step.usesAction("dawidd6/action-download-artifact")) return true;
  if (step.usesAction("actions/github-script") && with)
    if (const yaml::Node* script = with->find("script"); script && script->isScalar())
      return script->value.find("downloadArtifact") != std::string::npos;
  return step.run && step.run->isScalar() &&
         step.run->value.find("gh run download") != std::string::npos;
}

// Whether a line of shell reads a file's contents.
bool readsFile(std::string_view line) {
  static constexpr std::string_view readers[] = {"cat ", "$(<",  "jq ",  "head ", "tail ",
                                                 "awk ", "sed ", "cut ", "< ",    "<\""};
  return std::any_of(std::begin(readers), std::end(readers),
                     [&](std::string_view r) { return line.find(r) != std::string_view::npos; });
}

bool isNameChar(char c) {
  return isAsciiAlnum(c) || c == '_';
}

// Whether line expands the shell variable name ($NAME or ${NAME}).
bool expandsVariable(std::string_view line, std::string_view name) {
  for (size_t i = line.find('$'); i != std::string_view::npos; i = line.find('$', i + 1)) {
    size_t b = i + 1 + (i + 1 < line.size() && line[i + 1] == '{');
    size_t e = b;
    while (e < line.size() && isNameChar(line[e]))
      ++e;
    if (line.substr(b, e - b) == name) return true;
  }
  return false;
}

// The name a line's `echo "NAME=..."` (or printf) writes, or "" when it is
// not plain to see (then every output may be the file's).
std::string writtenName(std::string_view line) {
  for (std::string_view cmd : {"echo ", "printf "}) {
    size_t at = line.find(cmd);
    if (at == std::string_view::npos) continue;
    size_t b = line.find_first_not_of(" \t", at + cmd.size());
    while (b < line.size() && (line[b] == '"' || line[b] == '\'' || line[b] == '-'))
      b = line[b] == '-' ? line.find_first_of(" \t", b) + 1 : b + 1;
    size_t e = b;
    while (e < line.size() && isNameChar(line[e]))
      ++e;
    if (e > b && e < line.size() && line[e] == '=') return lowerCase(line.substr(b, e - b));
  }
  return "";
}

// The first quoted argument of each call of fn in a script:
// core.setOutput('name', ...) gives "name".
std::vector<std::string> quotedArguments(std::string_view script, std::string_view fn) {
  std::vector<std::string> out;
  for (size_t i = script.find(fn); i != std::string_view::npos; i = script.find(fn, i + 1)) {
    size_t q = script.find_first_not_of(" \t", i + fn.size());
    if (q == std::string_view::npos || (script[q] != '\'' && script[q] != '"' && script[q] != '`'))
      continue;
    size_t e = script.find(script[q], q + 1);
    if (e != std::string_view::npos) out.push_back(lowerCase(script.substr(q + 1, e - q - 1)));
  }
  return out;
}

class PoisoningChecker {
 public:
  explicit PoisoningChecker(Diagnostics& diags) : diags_(diags) {}

  void job(const yaml::Node& job) {
    download_ = nullptr;
    outputs_.clear();
    env_.clear();
    for (const yaml::Node* step : stepsOf(job)) {
      StepKeys keys(*step);
      if (!download_) {
        if (downloadsForeignArtifacts(keys)) download_ = keys.uses ? keys.uses : keys.run;
        continue;
      }
      if (keys.run && keys.run->isScalar()) {
        checkExpansions(*keys.run);
        readShell(keys, *keys.run);
      }
      if (keys.usesAction("actions/github-script") && keys.with && keys.with->isMapping())
        if (const yaml::Node* script = keys.with->find("script"); script && script->isScalar()) {
          checkExpansions(*script);
          readJavaScript(keys, *script);
        }
    }
  }

 private:
  std::string downloadedAt() const {
    Position p = download_->where.begin;
    return std::to_string(p.line) + ":" + std::to_string(p.column);
  }

  // Outputs and env vars written from the artifact, expanded with ${{ }}.
  void checkExpansions(const yaml::Node& script) {
    std::optional<expr::ScalarMap> map;
    for (const auto& span : expressionsIn(script.value))
      for (const auto& cp : contextPaths(span.inner)) {
        if (!tainted(cp.path)) continue;
        if (!map) map.emplace(script);
        size_t at = span.begin + 3 + cp.offset;
        diags_.error(map->location(at, cp.path.size()), "artifact-poisoning",
                     "'" + script.value.substr(at, cp.path.size()) +
                         "' holds data read from the artifact downloaded at " + downloadedAt() +
                         ", which the triggering run wrote: expanded into a script, it runs as "
                         "code with this workflow's secrets and token",
                     "bind it in env: (NAME: ${{ ... }}), check it (a number, a known name) and "
                     "read \"$NAME\" in the script instead of expanding ${{ }}");
      }
  }

  bool tainted(const std::string& path) const {
    if (path.rfind("env.", 0) == 0) return env_.count(path.substr(4)) || env_.count("*");
    if (path.rfind("steps.", 0) != 0) return false;
    size_t dot = path.find('.', 6);
    if (dot == std::string::npos || path.compare(dot, 9, ".outputs.") != 0) return false;
    auto it = outputs_.find(path.substr(6, dot - 6));
    if (it == outputs_.end()) return false;
    std::string name = path.substr(dot + 9);
    return it->second.count(name) || it->second.count("*");
  }

  // A shell script: variables assigned from files, and lines writing them
  // (or a file) to GITHUB_OUTPUT or GITHUB_ENV.
  void readShell(const StepKeys& keys, const yaml::Node& run) {
    const std::string& s = run.value;
    std::set<std::string> vars;  // shell variables holding file contents
    for (size_t b = 0; b < s.size();) {
      size_t e = std::min(s.find('\n', b), s.size());
      std::string_view line(s.data() + b, e - b);
      std::string_view t = line.substr(std::min(line.find_first_not_of(" \t"), line.size()));
      if (t.starts_with("export ")) t.remove_prefix(7);
      size_t n = 0;
      while (n < t.size() && isNameChar(t[n]))
        ++n;
      if (n > 0 && n < t.size() && t[n] == '=' && readsFile(t.substr(n)))
        vars.emplace(t.substr(0, n));
      if (size_t lt = t.find('<'); t.starts_with("read ") && lt != std::string_view::npos) {
        // read [-r] NAME < file: the last word before the '<'.
        std::string_view args = t.substr(5, lt - 5);
        size_t we = args.find_last_not_of(" \t");
        if (we != std::string_view::npos) {
          size_t wb = args.find_last_of(" \t", we);
          wb = wb == std::string_view::npos ? 0 : wb + 1;
          vars.emplace(args.substr(wb, we + 1 - wb));
        }
      }
      bool fromArtifact = readsFile(line) || std::any_of(vars.begin(), vars.end(), [&](auto& v) {
                            return expandsVariable(line, v);
                          });
      // The old workflow commands, still run: ::set-output name=N::$(<f).
      if (fromArtifact && line.find("::set-output name=") != std::string_view::npos && keys.id &&
          keys.id->isScalar()) {
        size_t nb = line.find("::set-output name=") + 18;
        size_t ne = line.find("::", nb);
        outputs_[lowerCase(keys.id->value)].insert(
            ne == std::string_view::npos ? "*" : lowerCase(line.substr(nb, ne - nb)));
      }
      if (fromArtifact && line.find('>') != std::string_view::npos) {
        if (line.find("GITHUB_OUTPUT") != std::string_view::npos && keys.id &&
            keys.id->isScalar()) {
          std::string name = writtenName(line);
          outputs_[lowerCase(keys.id->value)].insert(name.empty() ? "*" : name);
        }
        if (size_t at = line.find("GITHUB_ENV"); at != std::string_view::npos) {
          std::string name = writtenName(line);
          env_.insert(name.empty() ? "*" : name);
          reportEnv(run, b + at);
        }
      }
      b = e + 1;
    }
  }

  // actions/github-script: core.setOutput / core.exportVariable / return
  // after reading a file.
  void readJavaScript(const StepKeys& keys, const yaml::Node& script) {
    const std::string& s = script.value;
    if (s.find("readFileSync") == std::string::npos && s.find("readFile(") == std::string::npos)
      return;
    if (keys.id && keys.id->isScalar()) {
      auto& outs = outputs_[lowerCase(keys.id->value)];
      for (auto& name : quotedArguments(s, "setOutput("))
        outs.insert(name);
      if (s.find("return ") != std::string::npos) outs.insert("result");
    }
    for (auto& name : quotedArguments(s, "exportVariable(")) {
      env_.insert(name);
      reportEnv(script, s.find("exportVariable("));
    }
  }

  void reportEnv(const yaml::Node& script, size_t at) {
    diags_.error(expr::ScalarMap(script).location(at, 10), "artifact-poisoning",
                 "data read from the artifact downloaded at " + downloadedAt() +
                     " is written to the environment of later steps: whoever wrote the "
                     "artifact can set any variable (BASH_ENV, LD_PRELOAD, NODE_OPTIONS)",
                 "pass it through a step output, checked, instead");
  }

  Diagnostics& diags_;
  const yaml::Node* download_ = nullptr;                  // the first foreign download of the job
  std::map<std::string, std::set<std::string>> outputs_;  // step id -> outputs ("*": any)
  std::set<std::string> env_;                             // env names (lower case; "*": any)
};

bool triggeredByWorkflowRun(const yaml::Node& root) {
  const yaml::Node* on = root.find("on");
  if (!on) return false;
  if (on->isScalar()) return on->value == "workflow_run";
  for (const auto& i : on->items)
    if (i.isScalar() && i.value == "workflow_run") return true;
  return on->isMapping() && on->find("workflow_run");
}

}  // namespace

void checkArtifacts(const yaml::Node& root, CheckContext& cx) {
  if (!root.isMapping()) return;
  ArtipackedChecker artipacked(cx.diags);
  if (const yaml::Node* jobs = root.find("jobs"); jobs && jobs->isMapping())
    for (const auto& e : jobs->entries)
      if (e.value.isMapping()) artipacked.steps(e.value);
  // A composite action's steps run in the calling job's workspace.
  if (const yaml::Node* runs = root.find("runs"); runs && runs->isMapping())
    artipacked.steps(*runs);
  if (!triggeredByWorkflowRun(root)) return;
  PoisoningChecker poisoning(cx.diags);
  if (const yaml::Node* jobs = root.find("jobs"); jobs && jobs->isMapping())
    for (const auto& e : jobs->entries)
      if (e.value.isMapping()) poisoning.job(e.value);
}

}  // namespace galley::lint
