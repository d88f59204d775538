#include "compiler/lint/rules.h"

#include <unordered_map>

namespace galley::lint {

const std::vector<RuleInfo>& allRules() {
  using S = Severity;
  static const std::vector<RuleInfo> rules = {
      // The loader's rules.
      {"yaml-syntax", S::Error, "the file is not valid YAML, or not text"},
      {"yaml-limit", S::Error, "the file nests too deep or expands too many aliases"},
      {"duplicate-key", S::Error, "a mapping repeats a key"},
      {"unused-anchor", S::Warning, "an anchor that no alias refers to"},
      {"yaml-anchor", S::Error, "Azure: an anchor or alias, which Azure Pipelines does not read"},
      {"io", S::Error, "a file cannot be read"},
      {"config", S::Error, "the .galley.yml lint section is invalid"},
      {"actionlint-paths", S::Note, "actionlint.yaml ignore patterns galley does not apply"},
      // Shape, from GitHub's schema.
      {"unknown-key", S::Error, "a key that does not exist at this place"},
      {"missing-key", S::Error, "a required key is missing"},
      {"type-mismatch", S::Error, "a value of the wrong type"},
      {"empty-value", S::Error, "an empty value where one is required"},
      {"invalid-value", S::Error, "a value outside the allowed set"},
      {"events", S::Error, "unknown webhook events, activity types or event filters"},
      {"permissions", S::Error, "unknown permission scopes or levels"},
      // The workflow model.
      {"job-needs", S::Error, "needs naming unknown jobs, or a cycle of needs"},
      {"duplicate-id", S::Error, "two jobs or steps with the same id"},
      {"invalid-id", S::Error, "a job or step id GitHub rejects"},
      {"runner-label", S::Error, "an unknown runs-on label"},
      {"action-ref", S::Error, "a uses: value in an invalid format"},
      {"action-input", S::Error, "unknown, missing or deprecated inputs of an action"},
      {"outdated-action", S::Error, "an action version whose runtime GitHub no longer runs"},
      {"node20-action", S::Warning, "an action built for Node.js 20, which runners force onto 24"},
      {"local-action", S::Error, "a local action whose metadata is invalid"},
      {"action-metadata", S::Error, "invalid action.yml metadata"},
      {"workflow-call", S::Error, "reusable workflow calls and their inputs, outputs, secrets"},
      {"workflow-inputs", S::Error, "workflow_dispatch and workflow_call input definitions"},
      {"shell-name", S::Error, "an unknown shell"},
      {"cron", S::Error,
       "invalid cron syntax, or a schedule more often than the host runs (GitHub: every 5 minutes; "
       "Azure: about 1000 runs a week)"},
      {"glob", S::Error, "invalid branch, tag or path filter patterns"},
      {"env-var-name", S::Error, "environment variable names GitHub rejects"},
      {"matrix", S::Error, "matrix include/exclude that match nothing, duplicate values"},
      {"timeout", S::Error, "timeout-minutes that is not a positive number"},
      {"deprecated-command", S::Error, "::set-output, ::save-state, ::set-env, ::add-path"},
      {"constant-if", S::Error, "an if: condition that is always true or always false"},
      {"expression", S::Error, "errors inside ${{ }} expressions"},
      {"shellcheck", S::Warning, "shellcheck findings in run: scripts"},
      {"pyflakes", S::Warning, "pyflakes findings in Python run: scripts"},
      // Security audits.
      {"template-injection", S::Error, "untrusted event data expanded into a script"},
      {"dangerous-trigger", S::Error,
       "pull_request_target or workflow_run checking out the pull request's code"},
      {"excessive-permissions", S::Warning, "write-all or broad write permissions"},
      {"missing-permissions", S::Note, "no permissions: the token gets the repository default"},
      {"unpinned-uses", S::Warning, "an action not pinned as the pinning policy asks"},
      {"artipacked", S::Warning, "an artifact upload that includes a checkout's token in .git"},
      {"github-env", S::Error, "untrusted data written to GITHUB_ENV or GITHUB_PATH"},
      {"artifact-poisoning", S::Error,
       "a workflow_run artifact's contents reaching scripts through outputs or GITHUB_ENV"},
      {"secrets-inherit", S::Warning, "a reusable workflow called with every secret"},
      {"secrets-to-json", S::Warning, "toJSON(secrets) exposes every secret"},
      {"self-hosted-runner", S::Warning, "a self-hosted runner reachable from pull requests"},
      {"if-always-true", S::Error, "an if: block scalar or mixed text that is always true"},
      {"hardcoded-credentials", S::Error, "a password or token written in the workflow", true},
      // Azure Pipelines (compiler/lint/azure/).
      {"deprecated-key", S::Warning, "Azure: a key the schema marks deprecated (phases, queue)"},
      {"depends-on", S::Error, "Azure: dependsOn naming unknown stages or jobs, or a cycle"},
      {"output-reference", S::Error,
       "Azure: dependencies/stageDependencies naming unknown stages, jobs, steps or outputs"},
      {"constant-condition", S::Error, "Azure: a condition that can never be true"},
      {"expression-place", S::Error,
       "Azure: a runtime $[ ] where it is not evaluated, or run-time values in ${{ }}"},
      {"undefined-variable", S::Note, "Azure: a $(var) macro no variable in the file defines"},
      {"unknown-task", S::Warning, "Azure: a task that is not built in"},
      {"task-version", S::Error,
       "Azure: a task without a version, or a version that does not exist"},
      {"deprecated-task", S::Warning, "Azure: a deprecated task version"},
      {"task-input", S::Error, "Azure: unknown task inputs, or required inputs missing"},
      {"variable-injection", S::Error,
       "Azure: user-controlled variables (branch names, commit messages) pasted into scripts"},
      {"persist-credentials", S::Warning, "Azure: checkout with persistCredentials: true"},
      {"secret-echo", S::Error, "Azure: a script printing a secret to the log"},
      {"self-hosted-pr", S::Warning, "Azure: pull-request builds on a self-hosted pool"},
      {"unpinned-template", S::Warning,
       "Azure: templates from a repository pinned to a branch, not a tag or commit"},
      {"template-file", S::Error, "Azure: an included template that does not exist"},
      {"template-parameter", S::Error,
       "Azure: a template parameter of the wrong type, or one the template does not declare"},
      {"template-repository", S::Note,
       "Azure: templates from a repository resource that --repo does not map, not checked"},
  };
  return rules;
}

const RuleInfo* findRule(std::string_view id) {
  // Asked once per finding: a hash, not a scan of every rule.
  static const auto byId = [] {
    std::unordered_map<std::string_view, const RuleInfo*> out;
    for (const auto& r : allRules())
      out.emplace(r.id, &r);
    return out;
  }();
  auto it = byId.find(id);
  return it == byId.end() ? nullptr : it->second;
}

}  // namespace galley::lint
