#include "compiler/lint/config.h"

#include "compiler/lint/glob.h"
#include "compiler/lint/rules.h"
#include "compiler/yaml.h"

namespace galley::lint {

namespace {

// Paths as globs see them: relative to the root, without a leading "./".
std::string_view globPath(std::string_view path) {
  if (path.substr(0, 2) == "./") path.remove_prefix(2);
  return path;
}

}  // namespace

std::optional<Severity> Config::severityOf(std::string_view rule, Severity fallback,
                                           std::string_view path) const {
  std::optional<Severity> s = fallback;
  if (auto it = rules.find(rule); it != rules.end()) s = it->second;
  for (const auto& p : paths)
    if (auto it = p.rules.find(rule); it != p.rules.end() && globMatch(p.glob, globPath(path)))
      s = it->second;
  return s;
}

bool Config::ignores(std::string_view path) const {
  for (const auto& g : ignore)
    if (globMatch(g, globPath(path))) return true;
  return false;
}

Config Config::forPath(std::string_view path) const {
  Config c = *this;
  c.paths.clear();
  for (const auto& p : paths)
    if (globMatch(p.glob, globPath(path)))
      for (const auto& [rule, severity] : p.rules)
        c.rules[rule] = severity;
  return c;
}

namespace {

bool readStrings(const yaml::Node& n, std::vector<std::string>* out, Diagnostics& diags) {
  if (!n.isSequence()) {
    diags.error(n.where, "config", "expected a sequence of strings");
    return false;
  }
  out->clear();
  for (const auto& item : n.items) {
    if (!item.isScalar()) {
      diags.error(item.where, "config", "expected a string");
      return false;
    }
    out->push_back(item.value);
  }
  return true;
}

void readRules(const yaml::Node& n, RuleSettings* rules, Diagnostics& diags) {
  if (!n.isMapping()) {
    diags.error(n.where, "config", "'rules' must map rule names to off, error, warning or note");
    return;
  }
  std::vector<std::string> ids;
  for (const auto& r : allRules())
    ids.emplace_back(r.id);
  for (const auto& e : n.entries) {
    if (!findRule(e.key.value)) {
      diags.error(e.key.where, "config", "unknown rule '" + e.key.value + "'",
                  didYouMean(e.key.value, ids));
      continue;
    }
    const std::string& v = e.value.value;
    if (v == "off" || e.value.asBool() == false) {
      (*rules)[e.key.value] = std::nullopt;
    } else if (v == "error") {
      (*rules)[e.key.value] = Severity::Error;
    } else if (v == "warning") {
      (*rules)[e.key.value] = Severity::Warning;
    } else if (v == "note") {
      (*rules)[e.key.value] = Severity::Note;
    } else {
      diags.error(e.value.where, "config",
                  "severity of '" + e.key.value + "' must be off, error, warning or note");
    }
  }
}

// paths: {GLOB: {rules: {...}}, ...}
void readPaths(const yaml::Node& n, Config* config, Diagnostics& diags) {
  if (!n.isMapping()) {
    diags.error(n.where, "config", "'paths' must map path globs to their settings");
    return;
  }
  for (const auto& e : n.entries) {
    size_t column = 0;
    if (std::string err = checkGlob(e.key.value, false, &column); !err.empty()) {
      diags.error(e.key.where, "config", "invalid path glob '" + e.key.value + "': " + err);
      continue;
    }
    if (!e.value.isMapping()) {
      diags.error(e.value.where, "config",
                  "the settings of '" + e.key.value + "' must be a mapping with 'rules'");
      continue;
    }
    Config::PathRules& p = config->paths.emplace_back();
    p.glob = e.key.value;
    for (const auto& s : e.value.entries) {
      if (s.key.value == "rules")
        readRules(s.value, &p.rules, diags);
      else
        diags.error(s.key.where, "config",
                    "unknown key '" + s.key.value + "' in a path's settings: only 'rules'");
    }
  }
}

void readPinning(const yaml::Node& n, Config* config, Diagnostics& diags) {
  if (n.value == "off" || n.asBool() == false) {
    config->pinning = Pinning::Off;
  } else if (n.value == "ref") {
    config->pinning = Pinning::Ref;
  } else if (n.value == "sha") {
    config->pinning = Pinning::Sha;
  } else {
    diags.error(n.where, "config", "'pinning' must be off, ref or sha");
  }
}

// environments: {NAME: {approvers: [...], description: TEXT}}
void readEnvironments(const yaml::Node& n, Config* config, Diagnostics& diags) {
  if (!n.isMapping()) {
    diags.error(n.where, "config", "'environments' must map environment names to their settings");
    return;
  }
  const std::vector<std::string> keys = {"approvers", "description"};
  for (const auto& e : n.entries) {
    std::vector<std::string>& approvers = config->environments[e.key.value];
    if (e.value.isNull()) continue;
    if (!e.value.isMapping()) {
      diags.error(
          e.value.where, "config",
          "the settings of environment '" + e.key.value + "' must be a mapping with 'approvers'");
      continue;
    }
    for (const auto& s : e.value.entries) {
      if (s.key.value == "approvers") {
        readStrings(s.value, &approvers, diags);
      } else if (s.key.value != "description") {
        diags.error(s.key.where, "config",
                    "unknown key '" + s.key.value + "' in environment '" + e.key.value +
                        "': only 'approvers' and 'description'",
                    didYouMean(s.key.value, keys));
      } else if (!s.value.isScalar()) {
        diags.error(s.value.where, "config", "'description' must be a string");
      }
    }
  }
}

}  // namespace

bool loadConfig(const SourceFile& file, Config* config, Diagnostics& diags) {
  size_t before = diags.errorCount();
  std::optional<yaml::Node> root = yaml::load(file, diags);
  if (!root) return false;
  if (root->isNull()) return true;
  if (!root->isMapping()) {
    diags.error(root->where, "config", "the configuration must be a mapping");
    return false;
  }
  if (const yaml::Node* envs = root->find("environments"); envs && !envs->isNull())
    readEnvironments(*envs, config, diags);
  const yaml::Node* lint = root->find("lint");
  if (!lint || lint->isNull()) return diags.errorCount() == before;
  if (!lint->isMapping()) {
    diags.error(lint->where, "config", "'lint' must be a mapping");
    return false;
  }
  const std::vector<std::string> keys = {
      "rules", "ignore", "runner-labels", "pinning", "trusted-owners", "config-variables", "paths"};
  for (const auto& e : lint->entries) {
    const std::string& k = e.key.value;
    if (k == "rules") {
      readRules(e.value, &config->rules, diags);
    } else if (k == "paths") {
      readPaths(e.value, config, diags);
    } else if (k == "ignore") {
      readStrings(e.value, &config->ignore, diags);
    } else if (k == "runner-labels") {
      readStrings(e.value, &config->runnerLabels, diags);
    } else if (k == "trusted-owners") {
      readStrings(e.value, &config->trustedOwners, diags);
    } else if (k == "config-variables") {
      std::vector<std::string> names;
      if (readStrings(e.value, &names, diags)) config->configVariables = std::move(names);
    } else if (k == "pinning") {
      readPinning(e.value, config, diags);
    } else {
      diags.error(e.key.where, "config", "unknown key '" + k + "' in 'lint'", didYouMean(k, keys));
    }
  }
  return diags.errorCount() == before;
}

ActionlintConfig readActionlintConfig(const SourceFile& file) {
  ActionlintConfig out;
  Diagnostics ignored;
  std::optional<yaml::Node> root = yaml::load(file, ignored);
  if (!root || !root->isMapping()) return out;
  auto strings = [](const yaml::Node* list) -> std::optional<std::vector<std::string>> {
    if (!list || !list->isSequence()) return std::nullopt;
    std::vector<std::string> values;
    for (const auto& i : list->items)
      if (i.isScalar()) values.push_back(i.value);
    return values;
  };
  if (const yaml::Node* runner = root->find("self-hosted-runner"); runner && runner->isMapping())
    out.runnerLabels = strings(runner->find("labels")).value_or(std::vector<std::string>{});
  out.configVariables = strings(root->find("config-variables"));
  if (const yaml::Node* paths = root->find("paths"); paths && paths->isMapping())
    for (const auto& e : paths->entries) {
      const yaml::Node* list = e.value.isMapping() ? e.value.find("ignore") : nullptr;
      if (list && list->isSequence() && !list->items.empty())
        out.pathIgnores.push_back({e.key.value, e.key.where});
    }
  return out;
}

}  // namespace galley::lint
