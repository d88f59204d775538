// Lint output beyond the foundation's text and JSON: SARIF 2.1.0 for GitHub
// code scanning, and workflow-command annotations for GitHub Actions and
// Azure Pipelines logs. All render the same Diagnostic objects.
#pragma once

#include <iosfwd>
#include <string_view>

#include "compiler/diagnostic.h"

namespace galley::lint {

// Paths in the output are made relative to `root` when they lie below it.
void renderSarif(std::ostream& out, const Diagnostics& ds, std::string_view root);
// ::error file=F,line=L,col=C,endLine=..,endColumn=..,title=RULE::message
void renderGithub(std::ostream& out, const Diagnostics& ds, std::string_view root);
// ##vso[task.logissue type=error;sourcepath=F;linenumber=L;columnnumber=C;code=RULE]message
void renderAzure(std::ostream& out, const Diagnostics& ds, std::string_view root);

}  // namespace galley::lint
