// The registry for people: `galley registry list`, `show` and `history` as
// text. Every piece of stored text comes out printable().
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "runtime/registry/registry.h"

namespace galley::registry {

// "512 B", "9.8 KiB", "10.0 MiB", "1.2 GiB".
std::string formatSize(uint64_t bytes);

// NAME  VERSIONS  LATEST  PRODUCTION  STAGING  UPDATED, one model a line.
void writeModels(std::ostream& out, const std::vector<ModelSummary>& models);
// VERSION  STAGE  ALIASES  CREATED  BY  RUN, one version a line.
void writeVersions(std::ostream& out, const std::vector<Version>& versions);
// One version: stage, aliases, lineage, metrics, params, tags, files.
void writeVersion(std::ostream& out, const Version& v);
// AT  WHO  EVENT  VERSION  CHANGE  RUN  COMMENT, oldest first.
void writeHistory(std::ostream& out, const std::vector<HistoryEntry>& history);

}  // namespace galley::registry
