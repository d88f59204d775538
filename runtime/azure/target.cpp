#include "runtime/azure/target.h"

#include <cstdlib>

#include "runtime/shell.h"

namespace galley::run::azure {

namespace {

// Steps that need a program this host lacks fail before the run, at the step.
void checkPrograms(const Pipeline& p, Diagnostics& diags) {
  const char* path = getenv("PATH");
  bool pwsh = !findProgram("pwsh", path ? path : "").empty();
  auto check = [&](const Step& s) {
    if ((s.kind == StepKind::Pwsh || s.kind == StepKind::PowerShell) && !pwsh)
      diags.error(s.scriptWhere, "unsupported",
                  std::string(s.kind == StepKind::Pwsh ? "pwsh" : "powershell") +
                      " steps run PowerShell (pwsh), which is not installed on this host");
  };
  for (const Stage& st : p.stages)
    for (const Job& j : st.jobs) {
      for (const Step& s : j.steps)
        check(s);
      for (const Hook& h : j.hooks)
        for (const Step& s : h.steps)
          check(s);
    }
}

}  // namespace

std::shared_ptr<Loaded> loadPipeline(const std::string& path,
                                     const std::vector<std::pair<std::string, std::string>>& queue,
                                     Sources& sources, Diagnostics& diags) {
  auto loaded = std::make_shared<Loaded>();
  galley::azure::ExpandOptions eo;
  eo.variables = queue;
  loaded->expansion = galley::azure::expand(path, eo, sources, diags);
  if (!loaded->expansion.pipeline || diags.hasErrors() || loaded->expansion.files.empty())
    return nullptr;
  const SourceFile& file = *loaded->expansion.files[0];
  if (!readPipeline(*loaded->expansion.pipeline, file, &loaded->pipeline, diags)) return nullptr;
  checkPrograms(loaded->pipeline, diags);
  if (diags.hasErrors()) return nullptr;
  loaded->scheduled = std::make_unique<Scheduled>(loaded->pipeline);
  return loaded;
}

}  // namespace galley::run::azure
