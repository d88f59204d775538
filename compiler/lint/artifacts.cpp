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
}

}  // namespace galley::lint
