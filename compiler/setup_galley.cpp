#include "compiler/setup_galley.h"

#include <algorithm>
#include <string_view>

namespace galley {

namespace {

// Whether a script runs `galley registry` or `galley endpoint` as a command
// (at the start of a line or after a shell operator, `(` or `$(`): what a
// recipe's backend local does inside a larger script.
bool scriptCallsGalley(const std::string& script) {
  for (size_t at = script.find("galley "); at != std::string::npos;
       at = script.find("galley ", at + 1)) {
    size_t before = at;
    while (before > 0 && (script[before - 1] == ' ' || script[before - 1] == '\t'))
      --before;
    bool command = before == 0 ||
                   std::string_view("\n;|&($").find(script[before - 1]) != std::string_view::npos;
    std::string_view rest = std::string_view(script).substr(at + 7);
    if (command && (rest.starts_with("registry") || rest.starts_with("endpoint"))) return true;
  }
  return false;
}

bool hasGalleyStep(const ir::Job& job) {
  return std::any_of(job.steps.begin(), job.steps.end(), [](const ir::Step& s) {
    return s.kind == ir::Step::Kind::Run && scriptCallsGalley(s.script);
  });
}

// GitHub: labels without self-hosted name GitHub's runners (larger runners
// included). Azure DevOps: a vmImage, or the pool Microsoft hosts.
bool githubHosted(const Agents& a) {
  return std::find(a.githubLabels.begin(), a.githubLabels.end(), "self-hosted") ==
         a.githubLabels.end();
}
bool adoHosted(const Agents& a) {
  return !a.adoVmImage.empty() || a.adoPool == "Azure Pipelines";
}

// The script reads its settings from the environment (no value is pasted
// into it) and speaks both hosts: GITHUB_PATH on GitHub, prependpath on
// Azure DevOps, and PATH under `galley run` (which already provides itself).
// Without galley.source, the agent must have galley: a short check.
constexpr const char* kCheckScript =
    R"sh(if [ "$(galley --version 2>/dev/null)" != "galley $GALLEY_VERSION" ]; then
  echo "galley $GALLEY_VERSION is needed on this agent's PATH (found: $(galley --version 2>&1 | head -n 1)); install it, or give galley.source in galley.yml to build it" >&2
  exit 1
fi
)sh";

constexpr const char* kBuildScript = R"sh(want="galley $GALLEY_VERSION"
if command -v galley >/dev/null 2>&1 && [ "$(galley --version)" = "$want" ]; then
  echo "Using $want at $(command -v galley)"
  exit 0
fi
cache="${RUNNER_TOOL_CACHE:-${AGENT_TOOLSDIRECTORY:-$HOME/.cache}}/galley/$GALLEY_REF"
mkdir -p "$(dirname "$cache")"
(
  flock 9
  if [ ! -x "$cache/build/galley" ]; then
    rm -rf "$cache.partial"
    git clone --quiet "$GALLEY_SOURCE" "$cache.partial"
    git -C "$cache.partial" checkout --quiet "$GALLEY_REF"
    bash "$cache.partial/scripts/setup.sh"
    rm -rf "$cache"
    mv "$cache.partial" "$cache"
  fi
) 9>"$cache.lock"
if [ "$("$cache/build/galley" --version)" != "$want" ]; then
  echo "$GALLEY_SOURCE at $GALLEY_REF builds $("$cache/build/galley" --version), not $want" >&2
  exit 1
fi
if [ -n "${GITHUB_PATH:-}" ]; then
  echo "$cache/build" >>"$GITHUB_PATH"
else
  echo "##vso[task.prependpath]$cache/build"
fi
echo "Using $want built at $cache"
)sh";

// The use in galley.yml a stage comes from: the one whose id is the
// stage's, or the longest that prefixes it (nested uses are named
// OUTER-INNER).
const Use* topLevelUse(const Project& project, const ir::Pipeline& pipeline,
                       const std::string& stage) {
  const Use* best = nullptr;
  for (const PipelineSpec& spec : project.pipelines) {
    if (spec.id != pipeline.id) continue;
    for (const Use& u : spec.uses)
      if ((stage == u.id || stage.rfind(u.id + "-", 0) == 0) &&
          (!best || u.id.size() > best->id.size()))
        best = &u;
  }
  return best;
}

}  // namespace

void checkGalleyAgents(const ir::Pipeline& pipeline, Diagnostics& diags) {
  const Project& project = *pipeline.project;
  const bool github = project.github && githubHosted(pipeline.agents);
  const bool ado = project.ado && adoHosted(pipeline.agents);
  if (!github && !ado) return;
  std::vector<const Use*> reported;
  for (const ir::Stage& stage : pipeline.stages) {
    if (std::none_of(stage.jobs.begin(), stage.jobs.end(), hasGalleyStep)) continue;
    const Use* use = topLevelUse(project, pipeline, stage.id);
    if (std::find(reported.begin(), reported.end(), use) != reported.end()) continue;
    reported.push_back(use);
    std::string hosts = github && ado ? "GitHub-hosted runners and Microsoft-hosted agents"
                        : github      ? "GitHub-hosted runners"
                                      : "Microsoft-hosted agents";
    std::string fix = github && ado ? "agents: {github: [self-hosted, linux], ado: {pool: NAME}}"
                      : github      ? "agents: {github: [self-hosted, linux]}"
                                    : "agents: {ado: {pool: NAME}}";
    Diagnostic& d = diags.error(
        use ? use->where : stage.where, "hosted-agents",
        "'" + (use ? use->id : stage.id) +
            "' runs galley on its agent (backend: local keeps the model registry and endpoints " +
            "there), but pipeline '" + pipeline.id + "' runs on " + hosts +
            ", which start empty for every job: what one job registers is gone in the next",
        "give the pipeline self-hosted agents (" + fix + "), or use backend: azureml");
    if (use && stage.id != use->id)
      d.notes.push_back({stage.where, "galley runs in '" + stage.id + "', from here"});
  }
}

ir::Step setupGalleyStep(const GalleyPin& pin) {
  ir::Step step;
  step.kind = ir::Step::Kind::Run;
  step.name = "Set up galley " + pin.version;
  step.env.emplace_back("GALLEY_VERSION", Text::literal(pin.version));
  if (pin.source.empty()) {
    step.script = kCheckScript;
    return step;
  }
  step.script = kBuildScript;
  step.env.emplace_back("GALLEY_SOURCE", Text::literal(pin.source));
  step.env.emplace_back("GALLEY_REF", Text::literal(pin.ref));
  return step;
}

void addGalleySetup(ir::Pipeline& pipeline) {
  for (ir::Stage& stage : pipeline.stages)
    for (ir::Job& job : stage.jobs)
      if (hasGalleyStep(job))
        job.steps.insert(job.steps.begin(), setupGalleyStep(pipeline.project->galley));
}

}  // namespace galley
