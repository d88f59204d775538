// Artifact wiring: each artifact a job downloads must be published by a job
// it waits for, directly or through others. Downloads only see the current
// run's artifacts, so anything else fails at run time: a name no job
// publishes (a typo, a recipe's default left in place), or a publisher the
// job does not wait for (it races the upload).
#pragma once

#include "compiler/diagnostic.h"
#include "compiler/pipeline_ir.h"

namespace galley {

// Reports each unwired download of p at the user's text: the artifact name
// where galley.yml gives it, else the galley.yml use it comes from, with a
// note at the recipe's step; the hint names the artifact meant or the
// `needs` to add.
void checkArtifacts(const ir::Pipeline& p, Diagnostics& diags);

}  // namespace galley
