// The run number (Build.BuildNumber) an Azure pipeline's top-level `name:`
// makes, with the tokens of Microsoft's "Configure run or build numbers"
// page: $(Date:FORMAT) (.NET custom date format), $(DayOfMonth),
// $(DayOfYear), $(Hours), $(Minutes), $(Month), $(Seconds), $(Year:yy),
// $(Year:yyyy), $(Rev:r) (more r's pad with zeros; $(Rev:.r) puts a '.'
// before it), $(Build.DefinitionName), $(Build.BuildId), $(TeamProject),
// $(SourceBranchName), and variables.
#pragma once

#include <ctime>
#include <functional>
#include <string>
#include <string_view>

#include "runtime/azure/variables.h"

namespace galley::run::azure {

struct BuildNumberFacts {
  std::tm time{};  // when the run started, local time
  std::string definitionName, buildId, teamProject, sourceBranchName;
  // Any other `$(name)`: a variable here, or left as written.
  const Variables* variables = nullptr;
};

// The build number for format. When it has a $(Rev:...) token, rev(key) is
// asked for the revision: key is the build number with that token replaced
// by a marker, so that runs whose numbers differ only in it share a key.
std::string buildNumber(std::string_view format, const BuildNumberFacts& facts,
                        const std::function<int(const std::string& key)>& rev);

// .NET custom date and time format (yyyy, yy, MM, M, MMM, MMMM, dd, d, ddd,
// dddd, HH, H, hh, h, mm, m, ss, s, f..., tt, 'quoted', \c); other
// characters are kept.
std::string formatDate(std::string_view format, const std::tm& t);

// The next revision for key among the runs under dir: 1 for the first,
// then one more than the last, each claimed by creating dir/<hash>/<n>
// exclusively, so that runs at the same time get different numbers. 0 when
// dir cannot be written.
int claimRevision(const std::string& dir, const std::string& key);

}  // namespace galley::run::azure
