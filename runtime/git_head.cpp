#include "runtime/git_head.h"

#include <sys/stat.h>

#include <cstdlib>
#include <optional>
#include <string_view>
#include <vector>

#include "compiler/ascii.h"
#include "runtime/files.h"

namespace galley::run {

namespace {

bool isDirectory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

std::optional<std::string> read(const std::string& path) {
  std::string text, err;
  if (!readWholeFile(path, &text, &err)) return std::nullopt;
  return text;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() &&
         (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  return s;
}

bool isSha(std::string_view s) {
  if (s.size() != 40 && s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string relativeTo(const std::string& base, std::string_view path) {
  if (!path.empty() && path[0] == '/') return std::string(path);
  return base + "/" + std::string(path);
}

// The repository's folders: gitDir holds HEAD; commonDir (a worktree's main
// repository) holds refs, packed-refs and config.
struct Layout {
  std::string gitDir, commonDir;
};

bool findLayout(const std::string& repoRoot, Layout* out) {
  std::string dotGit = repoRoot + "/.git";
  if (isDirectory(dotGit)) {
    out->gitDir = dotGit;
  } else {
    std::optional<std::string> file = read(dotGit);
    if (!file || !file->starts_with("gitdir: ")) return false;
    out->gitDir = relativeTo(repoRoot, trimmed(std::string_view(*file).substr(8)));
  }
  out->commonDir = out->gitDir;
  if (std::optional<std::string> common = read(out->gitDir + "/commondir"))
    out->commonDir = relativeTo(out->gitDir, trimmed(*common));
  // Refs in a reftable are not files this reader follows.
  return isDirectory(out->commonDir) && !exists(out->commonDir + "/reftable");
}

class Refs {
 public:
  explicit Refs(const Layout& layout) : layout_(layout) {
    std::optional<std::string> text = read(layout.commonDir + "/packed-refs");
    if (!text) return;
    std::string_view rest(*text);
    while (!rest.empty()) {
      size_t nl = rest.find('\n');
      std::string_view line = rest.substr(0, nl);
      rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
      if (line.empty() || line[0] == '#' || line[0] == '^') continue;
      size_t space = line.find(' ');
      if (space == std::string_view::npos) continue;
      packed_.emplace_back(std::string(trimmed(line.substr(space + 1))),
                           std::string(line.substr(0, space)));
    }
  }

  // The value of a ref ("sha" or "ref: other"), loose files first.
  std::optional<std::string> value(const std::string& name) const {
    // Per-worktree refs (HEAD and the like) live in gitDir, shared ones in
    // commonDir.
    for (const std::string* dir : {&layout_.gitDir, &layout_.commonDir})
      if (std::optional<std::string> loose = read(*dir + "/" + name))
        return std::string(trimmed(*loose));
    for (const auto& [ref, sha] : packed_)
      if (ref == name) return sha;
    return std::nullopt;
  }

  bool has(const std::string& name) const { return value(name).has_value(); }

 private:
  const Layout& layout_;
  std::vector<std::pair<std::string, std::string>> packed_;  // name, sha
};

// Follows symbolic refs from `name` to a commit. *sha stays "" for a
// branch with no commit yet; false for what git would report otherwise.
bool resolve(const Refs& refs, std::string name, std::string* sha) {
  for (int depth = 0; depth < 5; ++depth) {
    std::optional<std::string> v = refs.value(name);
    if (!v) return true;  // unborn
    if (isSha(*v)) {
      *sha = *v;
      return true;
    }
    if (!v->starts_with("ref: ")) return false;
    name = v->substr(5);
  }
  return false;
}

// `git symbolic-ref --short` prints refs/heads/NAME as NAME unless another
// of git's ref rules would read NAME as something else.
bool unambiguous(const Refs& refs, const Layout& layout, const std::string& name) {
  for (const std::string& other : {"refs/" + name, "refs/tags/" + name, "refs/remotes/" + name,
                                   "refs/remotes/" + name + "/HEAD"})
    if (refs.has(other)) return false;
  return !exists(layout.gitDir + "/" + name) && !exists(layout.commonDir + "/" + name);
}

// remote.origin.url from the repository's config, when the file is plain
// enough to read exactly. Git also reads the global and system files; a
// remote is defined in the repository's own.
bool originUrl(const Layout& layout, std::string* url) {
  std::optional<std::string> text = read(layout.commonDir + "/config");
  if (!text) return true;
  bool inOrigin = false;
  std::string_view rest(*text);
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = trimmed(rest.substr(0, nl));
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line[0] == '[') {
      std::string header = lowerCase(line);
      if (header.starts_with("[include") || line.back() != ']') return false;
      inOrigin = line == "[remote \"origin\"]" || header == "[remote.origin]";
      continue;
    }
    std::string lower = lowerCase(line);
    if (lower.find("worktreeconfig") != std::string::npos) return false;
    if (!inOrigin) continue;
    size_t eq = line.find('=');
    std::string key = lowerCase(trimmed(line.substr(0, eq)));
    if (key != "url") continue;
    if (eq == std::string_view::npos) return false;
    std::string_view value = trimmed(line.substr(eq + 1));
    if (value.find_first_of("\"\\#;") != std::string_view::npos) return false;
    *url = std::string(value);  // the last one wins, as with git config --get
  }
  return true;
}

}  // namespace

bool readGitHead(const std::string& repoRoot, GitHead* out) {
  for (const char* var : {"GIT_DIR", "GIT_COMMON_DIR", "GIT_WORK_TREE", "GIT_CONFIG",
                          "GIT_CONFIG_COUNT", "GIT_CONFIG_PARAMETERS"})
    if (std::getenv(var)) return false;
  Layout layout;
  if (!findLayout(repoRoot, &layout)) return false;
  std::optional<std::string> head = read(layout.gitDir + "/HEAD");
  if (!head) return false;
  std::string_view h = trimmed(*head);
  GitHead g;
  if (isSha(h)) {
    g.sha = std::string(h);
  } else {
    if (!h.starts_with("ref: refs/heads/")) return false;
    Refs refs(layout);
    std::string ref(h.substr(5));
    g.branch = ref.substr(11);
    if (!unambiguous(refs, layout, g.branch) || !resolve(refs, ref, &g.sha)) return false;
  }
  if (!originUrl(layout, &g.originUrl)) return false;
  *out = std::move(g);
  return true;
}

}  // namespace galley::run
