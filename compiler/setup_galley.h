// What a compiled job needs before its `galley:` steps run (the recipes'
// `backend: local`): agents that keep what galley writes between jobs, and
// galley itself, at the version galley.yml pins, on the PATH.
#pragma once

#include "compiler/diagnostic.h"
#include "compiler/pipeline_ir.h"

namespace galley {

// An error for each target whose agents are hosted (GitHub-hosted runners,
// Microsoft-hosted images) while a job runs galley steps: such agents start
// empty for every job, so the registry and endpoints one job writes are gone
// in the next. Reported at the recipe use in galley.yml.
void checkGalleyAgents(const ir::Pipeline& pipeline, Diagnostics& diags);

// Puts the "Set up galley" step first in every job with a galley step: a
// `galley:` step, or a script that runs `galley registry` or `galley
// endpoint` as a command.
void addGalleySetup(ir::Pipeline& pipeline);

// The step: checks that the agent's galley is the pinned version; with
// galley.source, builds the pinned source instead when it is not, once per
// agent into its tool cache (under a lock, so parallel jobs build it once),
// and puts it on the PATH in the host's own way.
ir::Step setupGalleyStep(const GalleyPin& pin);

}  // namespace galley
