#include "compiler/output_check.h"

#include "compiler/lint/lint.h"
#include "compiler/yaml.h"

namespace galley {

namespace {

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

}  // namespace

void checkEmitted(const EmittedFile& file, const std::vector<std::string>& runnerLabels,
                  Sources& sources, Diagnostics& diags) {
  const SourceFile* compiled = sources.add(file.path, file.text);
  lint::LintOptions options;
  options.config.runnerLabels = runnerLabels;
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
