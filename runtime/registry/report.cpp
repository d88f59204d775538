#include "runtime/registry/report.h"

#include <algorithm>
#include <cstdio>
#include <ostream>

#include "runtime/display.h"

namespace galley::registry {

namespace {

using Table = std::vector<std::vector<std::string>>;

// Columns padded to their widest cell, two spaces apart; the last column
// is not padded.
void writeTable(std::ostream& out, const Table& rows) {
  std::vector<size_t> width;
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], run::displayWidth(row[i]));
    }
  std::string line;
  for (const auto& row : rows) {
    line.clear();
    for (size_t i = 0; i < row.size(); ++i)
      line += i + 1 == row.size() ? row[i] : run::padTo(row[i], width[i]) + "  ";
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    out << line << '\n';
  }
}

std::string orDash(int64_t n) {
  return n ? std::to_string(n) : "-";
}

std::string orDash(const std::string& s) {
  return s.empty() ? "-" : run::printable(s, false);
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items)
    out += (out.empty() ? "" : ",") + s;
  return orDash(out);
}

// key=value pairs of a JSON object, values as JSON unless strings.
std::string pairs(const nlohmann::json& object) {
  std::string out;
  if (!object.is_object()) return orDash(object.dump());
  for (const auto& [k, v] : object.items())
    out += (out.empty() ? "" : " ") + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
  return orDash(out);
}

// Seconds are enough on a screen: 2026-12-05T17:30:00Z.
std::string shortTime(const std::string& iso) {
  if (iso.size() == 24 && iso[19] == '.') return iso.substr(0, 19) + "Z";
  return iso;
}

}  // namespace

std::string formatSize(uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double v = double(bytes);
  size_t u = 0;
  for (v /= 1024; v >= 1024 && u + 1 < std::size(units); ++u)
    v /= 1024;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
  return buf;
}

void writeModels(std::ostream& out, const std::vector<ModelSummary>& models) {
  Table t = {{"NAME", "VERSIONS", "LATEST", "PRODUCTION", "STAGING", "UPDATED"}};
  for (const ModelSummary& m : models)
    t.push_back({run::printable(m.name), std::to_string(m.versions), orDash(m.latest),
                 orDash(m.production), orDash(m.staging), shortTime(m.updatedAt)});
  writeTable(out, t);
}

VersionTable::VersionTable() {
  for (const char* h : {"VERSION", "STAGE", "ALIASES", "CREATED", "BY", "RUN"})
    cell(h);
}

void VersionTable::cell(std::string_view text) {
  size_t w = run::displayWidth(text);
  cells_.append(text);
  cells_.push_back('\0');
  widths_.push_back(uint16_t(std::min<size_t>(w, UINT16_MAX)));
  columnWidth_[column_] = std::max(columnWidth_[column_], w);
  column_ = (column_ + 1) % kColumns;
}

void VersionTable::add(const Version& v) {
  char number[24];
  std::snprintf(number, sizeof number, "%lld", static_cast<long long>(v.version));
  cell(number);
  cell(stageName(v.stage));
  cell(v.aliases.empty() ? "-" : joined(v.aliases));
  cell(shortTime(v.createdAt));
  cell(orDash(v.lineage.user));
  cell(orDash(v.lineage.runId));
}

void VersionTable::write(std::ostream& out) const {
  std::string line;
  size_t at = 0;
  for (size_t i = 0; i < widths_.size(); ++i) {
    size_t end = cells_.find('\0', at);
    size_t column = i % kColumns;
    line.append(cells_, at, end - at);
    at = end + 1;
    if (column + 1 < kColumns) {
      line.append(columnWidth_[column] - widths_[i] + 2, ' ');
      continue;
    }
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    line.push_back('\n');
    out << line;
    line.clear();
  }
}

void writeVersions(std::ostream& out, const std::vector<Version>& versions) {
  VersionTable t;
  for (const Version& v : versions)
    t.add(v);
  t.write(out);
}

void writeVersion(std::ostream& out, const Version& v) {
  out << run::printable(v.name) << '@' << v.version << '\n';
  Table t = {
      {"  stage", stageName(v.stage)},
      {"  aliases", joined(v.aliases)},
      {"  created", shortTime(v.createdAt) + " by " + orDash(v.lineage.user)},
      {"  commit", orDash(v.lineage.gitCommit)},
      {"  run", orDash(v.lineage.runId)},
      {"  pipeline", orDash(v.lineage.pipeline)},
      {"  metrics", run::printable(pairs(v.metrics), false)},
      {"  params", run::printable(pairs(v.params), false)},
      {"  tags", run::printable(pairs(v.tags), false)},
      {"  files", std::to_string(v.files.size()) + (v.singleFile ? " (a file), " : ", ") +
                      formatSize(v.size())},
  };
  writeTable(out, t);
  Table files;
  for (const StoredFile& f : v.files)
    files.push_back(
        {"    " + run::printable(f.path, false), formatSize(f.size), "sha256:" + f.sha256});
  writeTable(out, files);
}

void writeHistory(std::ostream& out, const std::vector<HistoryEntry>& history) {
  Table t = {{"AT", "WHO", "EVENT", "VERSION", "CHANGE", "RUN", "COMMENT"}};
  for (const HistoryEntry& h : history) {
    std::string change = h.from.empty() && h.to.empty() ? "-"
                         : h.from.empty()               ? h.to
                         : h.to.empty()                 ? h.from + " -> (none)"
                                                        : h.from + " -> " + h.to;
    std::string event = h.alias.empty() ? h.event : h.event + " @" + h.alias;
    t.push_back({shortTime(h.at), orDash(h.who), run::printable(event, false),
                 std::to_string(h.version), run::printable(change, false), orDash(h.runId),
                 orDash(h.comment)});
  }
  writeTable(out, t);
}

}  // namespace galley::registry
