#include "compiler/project.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

#include "compiler/ascii.h"

#include "compiler/shape.h"

namespace galley {

const Environment* Project::environment(const std::string& name) const {
  for (const auto& e : environments)
    if (e.name == name) return &e;
  return nullptr;
}

bool Project::hasSecret(const std::string& name) const {
  for (const auto& s : secrets)
    if (s == name) return true;
  return false;
}

std::vector<Use> parseUses(const yaml::Node& map, Diagnostics& diags) {
  std::vector<Use> uses;
  if (!shape::isMapping(map, "recipes", diags)) return uses;
  for (const auto& e : map.entries) {
    if (!shape::id(e.key, "recipe use id", diags)) continue;
    Use u;
    u.id = e.key.value;
    u.recipe = u.id;
    u.where = e.key.where;
    u.recipeWhere = e.key.where;
    std::string what = "recipe use '" + u.id + "'";
    if (!e.value.isNull()) {
      if (!shape::mapping(e.value, {"recipe", "with", "needs", "if", "name"}, what, diags))
        continue;
      if (const yaml::Node* r = e.value.find("recipe")) {
        if (auto s = shape::scalar(*r, what + "'s recipe", diags)) {
          u.recipe = *s;
          u.recipeWhere = r->where;
        }
      }
      if (const yaml::Node* w = e.value.find("with")) {
        if (w->isNull() || shape::isMapping(*w, what + "'s with", diags))
          u.with = w->isNull() ? nullptr : w;
      }
      if (const yaml::Node* n = e.value.find("needs")) {
        if (n->isScalar()) {
          u.needs.push_back({n->value, n->where});
        } else if (shape::isSequence(*n, what + "'s needs", diags)) {
          for (const auto& item : n->items)
            if (shape::scalar(item, "each need", diags))
              u.needs.push_back({item.value, item.where});
        }
      }
      if (const yaml::Node* c = e.value.find("if")) u.condition = c;
      if (const yaml::Node* n = e.value.find("name"))
        u.name = shape::scalar(*n, what + "'s name", diags).value_or("");
    }
    uses.push_back(std::move(u));
  }
  return uses;
}

namespace {

// A scan, not std::regex: libstdc++'s regex recurses once per character and
// overflows the stack on a name of a few ten thousand characters.
bool isEnvName(const std::string& s) {
  if (s.empty() || !(isAsciiAlpha(s[0]) || s[0] == '_')) return false;
  for (char c : s)
    if (!isAsciiAlnum(c) && c != '_') return false;
  return true;
}

bool envName(const yaml::Node& key, const std::string& what, Diagnostics& diags) {
  if (isEnvName(key.value)) return true;
  diags.error(key.where, "invalid-id",
              what + " '" + excerpt(key.value) +
                  "' must be a valid environment variable name: letters, digits and '_'");
  return false;
}

// Reads `galley: {version, source, ref}`.
void parseGalleyPin(const yaml::Node& n, GalleyPin& pin, Diagnostics& diags) {
  if (!shape::mapping(n, {"version", "source", "ref"}, "galley", diags)) return;
  auto field = [&](const char* key, std::string& out) {
    if (const yaml::Node* v = n.find(key)) {
      auto s = shape::scalar(*v, std::string("galley.") + key, diags);
      if (s && s->empty())
        diags.error(v->where, "galley", std::string("galley.") + key + " is empty");
      else if (s)
        out = *s;
    }
  };
  field("version", pin.version);
  field("source", pin.source);
  field("ref", pin.ref);
  if (pin.ref.empty() && !pin.source.empty()) pin.ref = "v" + pin.version;
  if (!pin.ref.empty() && pin.source.empty())
    diags.error(n.find("ref")->where, "galley",
                "galley.ref needs galley.source, the repository it is in");
}

// Reads an 'agents' mapping over `agents`: a key given replaces that
// target's agents, a key left out keeps them.
void parseAgents(const yaml::Node& n, const std::string& what, Agents& agents, Diagnostics& diags) {
  if (!shape::mapping(n, {"github", "ado"}, what, diags)) return;
  if (const yaml::Node* g = n.find("github")) {
    if (auto labels = shape::stringList(*g, what + ".github", diags)) {
      agents.githubLabels = *labels;
      agents.githubWhere = g->where;
    }
  }
  if (const yaml::Node* a = n.find("ado")) {
    if (!shape::mapping(*a, {"pool", "vmImage"}, what + ".ado", diags)) return;
    const yaml::Node* pool = a->find("pool");
    const yaml::Node* image = a->find("vmImage");
    if (pool && image) {
      diags.error(image->where, "agents",
                  "give " + what + ".ado either 'pool' (self-hosted) or 'vmImage', not both");
      return;
    }
    if (pool) {
      agents.adoPool = shape::scalar(*pool, what + ".ado.pool", diags).value_or("");
      agents.adoVmImage.clear();
      agents.adoWhere = pool->where;
    }
    if (image) {
      agents.adoVmImage = shape::scalar(*image, what + ".ado.vmImage", diags).value_or("");
      agents.adoPool.clear();
      agents.adoWhere = image->where;
    }
  }
}

void parseEnvironments(const yaml::Node& n, Project& p, Diagnostics& diags) {
  if (!shape::isMapping(n, "environments", diags)) return;
  for (const auto& e : n.entries) {
    if (!shape::id(e.key, "environment name", diags)) continue;
    Environment env{e.key.value, {}, {}, e.key.where};
    if (!e.value.isNull()) {
      std::string what = "environment '" + env.name + "'";
      if (!shape::mapping(e.value, {"approvers", "description"}, what, diags)) continue;
      if (const yaml::Node* a = e.value.find("approvers"))
        env.approvers = shape::stringList(*a, what + "'s approvers", diags)
                            .value_or(std::vector<std::string>{});
      if (const yaml::Node* d = e.value.find("description")) env.description = d->value;
    }
    p.environments.push_back(std::move(env));
  }
}

void parseFilter(const yaml::Node& n, BranchFilter& f, const std::string& what,
                 Diagnostics& diags) {
  f.present = true;
  if (n.isNull()) return;
  if (!shape::mapping(n, {"branches", "paths"}, what, diags)) return;
  if (const yaml::Node* b = n.find("branches"))
    f.branches =
        shape::stringList(*b, what + ".branches", diags).value_or(std::vector<std::string>{});
  if (const yaml::Node* p = n.find("paths"))
    f.paths = shape::stringList(*p, what + ".paths", diags).value_or(std::vector<std::string>{});
}

// Reads digits at s[i...]; false when there are none.
bool cronNumber(const std::string& s, size_t& i) {
  size_t start = i;
  while (i < s.size() && isAsciiDigit(s[i]))
    ++i;
  return i > start;
}

// One field: part (',' part)*, part = ('*' | N ['-' N]) ['/' N]. A scan, not
// std::regex, which recursed per character and overflowed the stack on a
// field of ten thousand parts.
bool validCronField(const std::string& s) {
  size_t i = 0;
  for (;;) {
    if (i < s.size() && s[i] == '*') {
      ++i;
    } else {
      if (!cronNumber(s, i)) return false;
      if (i < s.size() && s[i] == '-' && !cronNumber(s, ++i)) return false;
    }
    if (i < s.size() && s[i] == '/' && !cronNumber(s, ++i)) return false;
    if (i == s.size()) return true;
    if (s[i++] != ',') return false;
  }
}

bool validCron(const std::string& cron) {
  std::istringstream in(cron);
  std::string field;
  int fields = 0;
  while (in >> field) {
    ++fields;
    if (!validCronField(field)) return false;
  }
  return fields == 5;
}

void parseManual(const yaml::Node& n, Triggers& t, Diagnostics& diags) {
  t.manual = true;
  if (n.isNull()) return;
  if (!shape::mapping(n, {"inputs"}, "on.manual", diags)) return;
  const yaml::Node* inputs = n.find("inputs");
  if (!inputs || !shape::isMapping(*inputs, "on.manual.inputs", diags)) return;
  for (const auto& e : inputs->entries) {
    std::string what = "input '" + e.key.value + "'";
    if (!shape::id(e.key, "input name", diags) ||
        !shape::mapping(e.value, {"type", "description", "default", "options"}, what, diags))
      continue;
    ManualInput in;
    in.name = e.key.value;
    in.where = e.key.where;
    in.type = "string";
    if (const yaml::Node* ty = e.value.find("type")) {
      static const std::vector<std::string> types = {"string", "number", "boolean", "choice"};
      if (std::find(types.begin(), types.end(), ty->value) == types.end()) {
        diags.error(ty->where, "type",
                    "input type must be string, number, boolean or choice, not '" + ty->value + "'",
                    didYouMean(ty->value, types));
        continue;
      }
      in.type = ty->value;
    }
    if (const yaml::Node* d = e.value.find("description")) in.description = d->value;
    if (const yaml::Node* o = e.value.find("options"))
      in.options =
          shape::stringList(*o, what + "'s options", diags).value_or(std::vector<std::string>{});
    if (in.type == "choice" && in.options.empty()) {
      diags.error(e.key.where, "missing-key", "choice " + what + " needs 'options'");
      continue;
    }
    if (const yaml::Node* d = e.value.find("default")) in.defaultValue = *d;
    t.inputs.push_back(std::move(in));
  }
}

void parseTriggers(const yaml::Node& n, Triggers& t, Diagnostics& diags) {
  if (!shape::mapping(n, {"push", "pull-request", "schedule", "manual"}, "on", diags)) return;
  if (const yaml::Node* p = n.find("push")) parseFilter(*p, t.push, "on.push", diags);
  if (const yaml::Node* p = n.find("pull-request"))
    parseFilter(*p, t.pullRequest, "on.pull-request", diags);
  if (const yaml::Node* m = n.find("manual")) parseManual(*m, t, diags);
  if (const yaml::Node* s = n.find("schedule")) {
    if (!shape::isSequence(*s, "on.schedule", diags)) return;
    for (const auto& item : s->items) {
      if (!shape::mapping(item, {"cron", "branches"}, "schedule", diags)) continue;
      const yaml::Node* cron = shape::require(item, "cron", "schedule", diags);
      if (!cron) continue;
      if (!validCron(cron->value)) {
        diags.error(cron->where, "cron",
                    "'" + excerpt(cron->value) +
                        "' is not a cron schedule of five fields (minute hour day month weekday)");
        continue;
      }
      Schedule sch{cron->value, {}, cron->where, {}};
      if (const yaml::Node* b = item.find("branches")) {
        sch.branchesWhere = b->where;
        sch.branches =
            shape::stringList(*b, "schedule branches", diags).value_or(std::vector<std::string>{});
      }
      t.schedules.push_back(std::move(sch));
    }
  }
}

// A pipeline's id names its files (.github/workflows/ID.yml): it must fit a
// file name, and differ from the others in more than case, or the two files
// would be one on a case-insensitive file system (macOS, Windows).
bool pipelineFileName(const yaml::Node& key, std::map<std::string, const yaml::Node*>& folded,
                      Diagnostics& diags) {
  constexpr size_t kMaxId = 100;
  const std::string& id = key.value;
  if (id.size() > kMaxId) {
    diags.error(key.where, "invalid-id",
                "pipeline id '" + excerpt(id) + "' is " + std::to_string(id.size()) +
                    " characters long; at most " + std::to_string(kMaxId) +
                    ", since it names the generated files");
    return false;
  }
  auto [it, fresh] = folded.emplace(lowerCase(id), &key);
  if (fresh || it->second->value == id) return true;  // the same key twice: YAML's to report
  Diagnostic& d = diags.error(key.where, "id-clash",
                              "pipeline '" + id + "' differs from '" + it->second->value +
                                  "' only in case: their generated files would be one file on "
                                  "a case-insensitive file system (macOS, Windows)");
  d.notes.push_back({it->second->where, "'" + it->second->value + "' is here"});
  return false;
}

void parsePipeline(const yaml::Entry& e, Project& p, Diagnostics& diags) {
  if (!shape::id(e.key, "pipeline id", diags)) return;
  std::string what = "pipeline '" + e.key.value + "'";
  if (!shape::mapping(e.value, {"name", "on", "agents", "recipes"}, what, diags)) return;
  PipelineSpec spec;
  spec.id = e.key.value;
  spec.agents = p.agents;
  if (const yaml::Node* a = e.value.find("agents"))
    parseAgents(*a, "pipelines." + spec.id + ".agents", spec.agents, diags);
  spec.name = spec.id;
  spec.where = e.key.where;
  if (const yaml::Node* n = e.value.find("name")) {
    spec.name = shape::scalar(*n, what + "'s name", diags).value_or(spec.id);
    spec.nameWhere = n->where;
  }
  if (const yaml::Node* on = e.value.find("on")) parseTriggers(*on, spec.on, diags);
  const yaml::Node* recipes = shape::require(e.value, "recipes", what, diags);
  if (recipes) spec.uses = parseUses(*recipes, diags);
  if (recipes && spec.uses.empty() && !diags.hasErrors())
    diags.error(recipes->where, "empty", what + " uses no recipes");
  p.pipelines.push_back(std::move(spec));
}

}  // namespace

std::optional<Project> parseProject(const SourceFile& file, Diagnostics& diags) {
  auto doc = yaml::load(file, diags);
  if (!doc) return std::nullopt;
  if (doc->isNull()) {
    diags.error(doc->where, "empty-file",
                "galley.yml is empty: it needs at least 'name' and 'pipelines'");
    return std::nullopt;
  }
  Project p;
  p.document = std::move(*doc);
  const yaml::Node& d = p.document;
  // Lint settings live in .galley.yml: a `lint:` here is no typo, and
  // "unknown key" would not say where it belongs.
  if (const yaml::Entry* lint = d.isMapping() ? d.entry("lint") : nullptr)
    diags.error(lint->key.where, "misplaced-key",
                "galley.yml has no 'lint' settings: galley lint reads them from .galley.yml at "
                "the repository root",
                "move this 'lint:' block to .galley.yml (docs/lint.md describes it)");
  if (!shape::mapping(d,
                      {"name", "targets", "agents", "galley", "environments", "variables",
                       "secrets", "recipes-dir", "pipelines", "lint"},
                      "galley.yml", diags))
    return std::nullopt;
  p.path = file.path();
  p.dir = std::filesystem::path(file.path()).parent_path().string();
  if (p.dir.empty()) p.dir = ".";
  const yaml::Node* name = shape::require(d, "name", "galley.yml", diags);
  if (name) p.name = shape::scalar(*name, "name", diags).value_or("");
  if (const yaml::Node* t = d.find("targets")) {
    if (auto list = shape::stringList(*t, "targets", diags)) {
      p.github = p.ado = false;
      for (size_t i = 0; i < list->size(); ++i) {
        const std::string& target = (*list)[i];
        const yaml::Node& at = t->isSequence() ? t->items[i] : *t;
        if (target == "github")
          p.github = true;
        else if (target == "ado")
          p.ado = true;
        else
          diags.error(at.where, "target", "unknown target '" + target + "': use github or ado",
                      didYouMean(target, {"github", "ado"}));
      }
    }
  }
  if (const yaml::Node* a = d.find("agents")) parseAgents(*a, "agents", p.agents, diags);
  if (const yaml::Node* g = d.find("galley")) parseGalleyPin(*g, p.galley, diags);
  if (const yaml::Node* e = d.find("environments")) parseEnvironments(*e, p, diags);
  if (const yaml::Node* v = d.find("variables")) {
    if (shape::isMapping(*v, "variables", diags))
      for (const auto& e : v->entries)
        if (envName(e.key, "variable", diags))
          if (auto s = shape::scalar(e.value, "variable '" + e.key.value + "'", diags)) {
            if (s->find("${{") != std::string::npos) {
              // Copied as written, a reference would mean something else on
              // each target (an Azure template expression that knows no
              // secrets): recipes translate references, variables do not.
              diags.error(e.value.where, "reference",
                          "variable '" + e.key.value +
                              "' holds a '${{': variables are plain values, written as they "
                              "are into every target's file",
                          "read secrets, inputs and run facts in recipes and their 'with:' "
                          "values, where galley writes them for each target");
              continue;
            }
            p.variables.emplace_back(e.key.value, *s);
            p.variableWhere.push_back(e.value.where);
          }
  }
  if (const yaml::Node* s = d.find("secrets")) {
    if (shape::isSequence(*s, "secrets", diags))
      for (const auto& item : s->items)
        if (shape::scalar(item, "secret name", diags) && envName(item, "secret", diags))
          p.secrets.push_back(item.value);
  }
  std::string recipesDir = "recipes";
  if (const yaml::Node* r = d.find("recipes-dir"))
    recipesDir = shape::scalar(*r, "recipes-dir", diags).value_or(recipesDir);
  p.recipesDir = (std::filesystem::path(p.dir) / recipesDir).lexically_normal().string();
  const yaml::Node* pipelines = shape::require(d, "pipelines", "galley.yml", diags);
  if (pipelines && shape::isMapping(*pipelines, "pipelines", diags)) {
    std::map<std::string, const yaml::Node*> folded;  // ids lower-cased
    for (const auto& e : pipelines->entries) {
      if (!pipelineFileName(e.key, folded, diags)) continue;
      parsePipeline(e, p, diags);
    }
  }
  return p;
}

}  // namespace galley
