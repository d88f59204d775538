// The lint configuration: `.galley.yml` at the repository root (or
// --config), its `lint:` section:
//
//   lint:
//     rules:                     # per rule: off | error | warning | note
//       unpinned-uses: error
//     ignore: [".github/workflows/generated-*.yml"]   # path globs
//     runner-labels: [gpu, my-fleet-*]              # custom self-hosted labels
//     pinning: sha               # unpinned-uses policy: ref (default) | sha | off
//     trusted-owners: [actions, github]             # exempt from `pinning: sha`
//     config-variables: [DEPLOY_ENV]                # every `vars.NAME` there is
//     paths:                     # rules per path glob, over the ones above
//       .github/workflows/legacy-*.yml:
//         rules: {unpinned-uses: off}
//
// and its `environments:` section, the approvers `galley run` asks for a
// job of a GitHub workflow bound to one of them (galley.yml pipelines have
// their own):
//
//   environments:
//     prod:
//       approvers: [ml-leads@example.com]
//       description: Production endpoint.
//
// Without config-variables here, a repository's .github/actionlint.yaml (or
// .yml) `config-variables:` list is used, as actionlint reads it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diagnostic.h"
#include "compiler/source.h"

namespace galley::lint {

enum class Pinning { Off, Ref, Sha };

// A rule mapped to nullopt is off; absent rules keep their defaults.
using RuleSettings = std::map<std::string, std::optional<Severity>, std::less<>>;

struct Config {
  RuleSettings rules;
  // Settings for the files a glob matches, applied over `rules` in order.
  struct PathRules {
    std::string glob;
    RuleSettings rules;
  };
  std::vector<PathRules> paths;
  std::vector<std::string> ignore;
  std::vector<std::string> runnerLabels;
  Pinning pinning = Pinning::Ref;
  std::vector<std::string> trustedOwners = {"actions", "github"};
  // The configuration variables (`vars.NAME`) the repository defines;
  // nullopt when not listed (any name goes).
  std::optional<std::vector<std::string>> configVariables;
  // `environments:`: each environment named there, with its approvers
  // (an empty list: no approval).
  std::map<std::string, std::vector<std::string>> environments;

  // Whether a rule is on in a file, and its severity after the config.
  std::optional<Severity> severityOf(std::string_view rule, Severity fallback,
                                     std::string_view path) const;
  bool ignores(std::string_view path) const;
  // The settings of one file (path relative to the root): the `paths:`
  // rules whose glob matches it folded into `rules`, and `paths` empty, so
  // that the result applies to the file whatever name it is linted under.
  Config forPath(std::string_view path) const;
};

// Reads the `lint:` and `environments:` sections of a .galley.yml. Problems
// (unknown rules or keys, bad severities, wrong types) go into diags as
// errors at their positions; returns false if any.
bool loadConfig(const SourceFile& file, Config* config, Diagnostics& diags);

// What galley reads of an actionlint configuration file
// (.github/actionlint.yaml), so a repository set up for actionlint needs no
// second list. Unreadable or differently shaped parts give nothing: that
// file is actionlint's to check. Other keys are actionlint's and ignored.
struct ActionlintConfig {
  // `self-hosted-runner: labels:`, globs allowed.
  std::vector<std::string> runnerLabels;
  // `config-variables:`, or nullopt when it has none.
  std::optional<std::vector<std::string>> configVariables;
  // `environments:`: each environment named there, with its approvers
  // (an empty list: no approval).
  std::map<std::string, std::vector<std::string>> environments;
  // The globs of `paths:` that list `ignore:` patterns, each where it is
  // written. galley does not apply those patterns (they are regular
  // expressions over actionlint's messages, which galley's do not share) and
  // says so on the files they would cover.
  struct Ignores {
    std::string glob;  // relative to the repository root; {a,b} alternatives allowed
    Location where;
  };
  std::vector<Ignores> pathIgnores;
};
ActionlintConfig readActionlintConfig(const SourceFile& file);

}  // namespace galley::lint
