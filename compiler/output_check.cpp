#include "compiler/output_check.h"

#include <filesystem>

#include "compiler/lint/lint.h"
#include "compiler/yaml.h"

namespace galley {

namespace {

namespace fs = std::filesystem;

// A range of the compiled file and the user's text it was made from.
struct Origin {
  Position begin, end;
  Location user;
};

// Walks the loaded file beside the tree it was written from (the same
// shape: the writer keeps order and adds nothing), giving each node the
// position of its own Out node, else of the nearest ancestor that has one.
void collect(const yaml::Node& node, const yaml::Out& out, Location inherited,
             std::vector<Origin>& origins) {
  Location here = out.where().known() ? out.where() : inherited;
  origins.push_back({node.where.begin, node.where.end, here});
  if (node.isMapping() && out.kind() == yaml::Out::Kind::Mapping &&
      node.entries.size() == out.entries().size()) {
    for (size_t i = 0; i < node.entries.size(); ++i) {
      const yaml::Out& value = out.entries()[i].second;
      Location key = value.where().known() ? value.where() : here;
      origins.push_back({node.entries[i].key.where.begin, node.entries[i].key.where.end, key});
      collect(node.entries[i].value, value, here, origins);
    }
  } else if (node.isSequence() && out.kind() == yaml::Out::Kind::Sequence &&
             node.items.size() == out.items().size()) {
    for (size_t i = 0; i < node.items.size(); ++i)
      collect(node.items[i], out.items()[i], here, origins);
  }
}

// The user's text for a position of the compiled file: that of the
// innermost node holding it (the latest to begin at or before it).
Location userText(const std::vector<Origin>& origins, Position at) {
  const Origin* best = nullptr;
  for (const auto& o : origins) {
    bool holds = o.begin <= at && (at < o.end || at == o.begin);
    if (holds && (!best || best->begin <= o.begin)) best = &o;
  }
  return best ? best->user : Location{};
}

// The path of a file below root as .galley.yml's globs see it.
std::string rootRelative(const std::string& path, const std::string& root) {
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec);
  fs::path rel = ec ? fs::path(path) : abs.lexically_normal().lexically_relative(root);
  std::string s = rel.generic_string();
  return rel.empty() || s.starts_with("..") ? fs::path(path).generic_string() : s;
}

}  // namespace

OutputCheckConfig outputCheckConfig(const std::string& outDir,
                                    const std::vector<std::string>& runnerLabels, Sources& sources,
                                    Diagnostics& diags) {
  OutputCheckConfig c;
  std::error_code ec;
  // Not lint::repoRootOf, which stops at a .github folder: compile creates
  // one in outDir, and the settings found must not change after the first
  // compile.
  fs::path start = fs::absolute(outDir, ec).lexically_normal();
  c.root = start.string();
  for (fs::path p = start; !p.empty(); p = p.parent_path()) {
    if (fs::exists(p / ".galley.yml", ec) || fs::exists(p / ".git", ec)) {
      c.root = p.string();
      break;
    }
    if (p == p.parent_path()) break;
  }
  // Named as the project's own files are: from outDir when it is the root,
  // else from the working folder when the root is below it.
  fs::path candidate = fs::path(c.root) / ".galley.yml";
  if (fs::equivalent(fs::path(outDir), fs::path(c.root), ec)) {
    candidate = fs::path(outDir) / ".galley.yml";
  } else if (fs::path cwd = fs::current_path(ec); !ec) {
    fs::path rel = candidate.lexically_relative(cwd);
    if (!rel.empty() && !rel.generic_string().starts_with("..")) candidate = rel;
  }
  if (fs::is_regular_file(candidate, ec)) {
    std::string err;
    if (const SourceFile* f = sources.read(candidate.lexically_normal().string(), &err))
      lint::loadConfig(*f, &c.lint, diags);
    else
      diags.error({}, "io", "cannot read the lint settings: " + err);
  }
  for (const auto& l : runnerLabels)
    c.lint.runnerLabels.push_back(l);
  return c;
}

void checkEmitted(const EmittedFile& file, const OutputCheckConfig& config, Sources& sources,
                  Diagnostics& diags) {
  std::string relative = rootRelative(file.path, config.root);
  if (config.lint.ignores(relative)) return;
  const SourceFile* compiled = sources.add(file.path, file.text);
  lint::LintOptions options;
  options.config = config.lint.forPath(relative);
  options.forcedKind = file.azure ? lint::FileKind::Azure : lint::FileKind::Workflow;
  Diagnostics found;
  lint::lintFile(*compiled, *options.forcedKind, nullptr, options, found);
  if (found.empty()) return;
  std::vector<Origin> origins;
  Diagnostics ignored;
  if (auto root = yaml::load(*compiled, ignored)) collect(*root, *file.tree, {}, origins);
  for (auto& f : found.all()) {
    if (f.severity == Severity::Note) continue;
    Location user = userText(origins, f.where.begin);
    std::string what = file.azure ? "pipeline" : "workflow";
    Diagnostic& d = diags.error(user.known() ? user : file.fallback, f.rule, f.message, f.hint);
    d.notes.push_back({f.where, "galley lint would report this in the compiled " + what});
    for (auto& n : f.notes)
      d.notes.push_back(std::move(n));
  }
}

}  // namespace galley
