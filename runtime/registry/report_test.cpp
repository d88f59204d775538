#include "runtime/registry/report.h"

#include <doctest/doctest.h>

#include <sstream>

namespace galley::registry {

TEST_CASE("sizes read in binary units") {
  CHECK(formatSize(512) == "512 B");
  CHECK(formatSize(10 * 1024) == "10.0 KiB");
  CHECK(formatSize(10485760) == "10.0 MiB");
}

TEST_CASE("the version table pads its columns to the widest cell") {
  Version a;
  a.version = 9;
  a.stage = Stage::Archived;
  a.createdAt = "2026-12-05T17:30:00.123Z";
  a.lineage.user = "alice";
  Version b = a;
  b.version = 10;
  b.stage = Stage::Production;
  b.aliases = {"champion", "stable"};
  b.lineage.runId = "42";
  std::ostringstream out;
  writeVersions(out, {a, b});
  CHECK(out.str() ==
        "VERSION  STAGE       ALIASES          CREATED               BY     RUN\n"
        "9        archived    -                2026-12-05T17:30:00Z  alice  -\n"
        "10       production  champion,stable  2026-12-05T17:30:00Z  alice  42\n");
}

TEST_CASE("history shows each change as from -> to, with the alias it moved") {
  HistoryEntry h;
  h.version = 2;
  h.event = "alias-set";
  h.alias = "champion";
  h.from = "1";
  h.to = "2";
  h.who = "bob";
  h.at = "2026-12-05T17:30:00.123Z";
  std::ostringstream out;
  writeHistory(out, {h});
  CHECK(out.str() ==
        "AT                    WHO  EVENT                VERSION  CHANGE  RUN  COMMENT\n"
        "2026-12-05T17:30:00Z  bob  alias-set @champion  2        1 -> 2  -    -\n");
}

}  // namespace galley::registry
