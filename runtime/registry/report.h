// The registry for people: `galley registry list`, `show` and `history` as
// text. Every piece of stored text comes out printable().
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/registry/registry.h"

namespace galley::registry {

// "512 B", "9.8 KiB", "10.0 MiB", "1.2 GiB".
std::string formatSize(uint64_t bytes);

// NAME  VERSIONS  LATEST  PRODUCTION  STAGING  UPDATED, one model a line.
void writeModels(std::ostream& out, const std::vector<ModelSummary>& models);
// VERSION  STAGE  ALIASES  CREATED  BY  RUN, one version a line.
void writeVersions(std::ostream& out, const std::vector<Version>& versions);
// The same table built one version at a time: each add() copies the
// version's cells into one buffer, so listing 10,000 versions keeps no
// Version and makes no allocation per cell.
class VersionTable {
 public:
  VersionTable();
  void add(const Version& v);
  void write(std::ostream& out) const;

 private:
  static constexpr size_t kColumns = 6;
  void cell(std::string_view text);
  std::string cells_;             // every cell, each ended by '\0'
  std::vector<uint16_t> widths_;  // each cell's display width
  size_t columnWidth_[kColumns] = {};
  size_t column_ = 0;
};
// One version: stage, aliases, lineage, metrics, params, tags, files.
void writeVersion(std::ostream& out, const Version& v);
// AT  WHO  EVENT  VERSION  CHANGE  RUN  COMMENT, oldest first.
void writeHistory(std::ostream& out, const std::vector<HistoryEntry>& history);

}  // namespace galley::registry
