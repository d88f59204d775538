// Expansion: one pipeline of galley.yml, with its recipe uses resolved,
// parameters checked and substituted, and composite recipes flattened into
// stages of jobs. Reports every problem at the user's text and returns
// nullopt when the pipeline cannot be emitted.
#pragma once

#include <optional>

#include "compiler/pipeline_ir.h"
#include "compiler/project.h"
#include "compiler/recipe.h"

namespace galley {

std::optional<ir::Pipeline> expand(const Project& project, const PipelineSpec& spec,
                                   RecipeLibrary& library, Sources& sources, Diagnostics& diags);

}  // namespace galley
