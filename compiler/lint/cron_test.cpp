#include "compiler/lint/cron.h"

#include <doctest/doctest.h>

#include "compiler/lint/lint.h"
#include "tests/testing.h"

namespace galley::lint {

namespace {

// The findings for one cron text, read as a YAML scalar at line 1 column 7.
std::string cronFindings(const std::string& cron, CronDialect dialect) {
  Sources sources;
  const SourceFile* f = sources.add("p.yml", "cron: '" + cron + "'\n");
  Diagnostics diags;
  auto root = yaml::load(*f, diags);
  REQUIRE(root);
  checkCron(*root->find("cron"), dialect, diags);
  return testing::headlines(diags);
}

// Azure lint's findings for a pipeline, notes left out.
std::string azureLint(const std::string& text) {
  Sources sources;
  const SourceFile* f = sources.add("azure-pipelines.yml", text);
  Diagnostics all, shown;
  lintFile(*f, FileKind::Azure, nullptr, LintOptions{}, all);
  for (auto& d : all.all())
    if (d.severity != Severity::Note) shown.add(std::move(d));
  return testing::headlines(shown);
}

}  // namespace

TEST_CASE("cron: both hosts read five fields of values, ranges, lists and steps") {
  for (auto dialect : {CronDialect::GitHub, CronDialect::Azure}) {
    CHECK(cronFindings("0 3 * * 1-5", dialect) == "");
    CHECK(cronFindings("*/15 8-18 1,15 jan-jun mon", dialect) == "");
    CHECK(cronFindings("0 3 * * 8", dialect) ==
          "p.yml:1:7: error: invalid cron '0 3 * * 8': day of week must be between 0 and 6 "
          "[cron]\n");
    CHECK(cronFindings("0 3 * *", dialect) ==
          "p.yml:1:7: error: cron '0 3 * *' must have 5 fields (minute hour day month weekday), "
          "not 4 [cron]\n");
  }
}

TEST_CASE("cron: a shorthand such as @daily is named, with its five fields") {
  CHECK(cronFindings("@daily", CronDialect::Azure) ==
        "p.yml:1:7: error: cron '@daily' is a shorthand Azure Pipelines does not read: write the "
        "five fields (minute hour day month weekday) [cron]\n");
  {
    Sources sources;
    const SourceFile* f = sources.add("p.yml", "cron: '@weekly'\n");
    Diagnostics diags;
    auto root = yaml::load(*f, diags);
    REQUIRE(root);
    checkCron(*root->find("cron"), CronDialect::GitHub, diags);
    REQUIRE(diags.all().size() == 1);
    CHECK(diags.all()[0].message ==
          "cron '@weekly' is a shorthand GitHub does not read: write the five fields (minute "
          "hour day month weekday)");
    CHECK(diags.all()[0].hint == "for @weekly, write '0 0 * * 0'");
  }
}

TEST_CASE("cron: Azure reads names written out and weekdays 0 to 6, GitHub 7 as Sunday too") {
  CHECK(cronFindings("0 3 * January,February Monday-Friday", CronDialect::Azure) == "");
  CHECK(cronFindings("0 3 * January *", CronDialect::GitHub) ==
        "p.yml:1:7: error: invalid cron '0 3 * January *': 'January' is not a valid month "
        "[cron]\n");
  CHECK(cronFindings("0 3 * * 7", CronDialect::GitHub) == "");
  CHECK(cronFindings("0 3 * * 7", CronDialect::Azure) ==
        "p.yml:1:7: error: invalid cron '0 3 * * 7': day of week must be between 0 and 6 "
        "[cron]\n");
}

TEST_CASE("cron: each host's limit on how often a schedule runs") {
  // GitHub: every 5 minutes at most; Azure: about 1000 runs a week.
  CHECK(cronFindings("*/2 * * * *", CronDialect::GitHub) ==
        "p.yml:1:7: error: cron '*/2 * * * *' runs every 2 minute(s); GitHub runs schedules at "
        "most once every 5 minutes [cron]\n");
  CHECK(cronFindings("*/10 * * * *", CronDialect::Azure) ==
        "p.yml:1:7: error: cron '*/10 * * * *' asks for up to 1008 runs a week; Azure Pipelines "
        "runs about 1000 scheduled runs of a pipeline a week and skips the rest [cron]\n");
  CHECK(cronFindings("*/10 * * * 1-5", CronDialect::Azure) == "");  // 720
  CHECK(cronFindings("*/5 9-17 1 * *", CronDialect::Azure) == "");  // one day: 108
  CHECK(cronFindings("*/15 * * * *", CronDialect::Azure) == "");    // 672
}

TEST_CASE("cron: Azure lint checks schedules: at the cron's position") {
  CHECK(azureLint("trigger: none\n"
                  "schedules:\n"
                  "  - cron: '0 3 * * *'\n"
                  "    displayName: nightly\n"
                  "  - cron: '0 3 * * 8'\n"
                  "  - cron: \"@daily\"\n"
                  "pool:\n  vmImage: ubuntu-latest\n"
                  "steps:\n  - script: echo hi\n") ==
        "azure-pipelines.yml:5:11: error: invalid cron '0 3 * * 8': day of week must be between "
        "0 and 6 [cron]\n"
        "azure-pipelines.yml:6:11: error: cron '@daily' is a shorthand Azure Pipelines does not "
        "read: write the five fields (minute hour day month weekday) [cron]\n");
}

TEST_CASE("cron: a no-break space in an Azure schedule is named where it is") {
  CHECK(azureLint("trigger: none\nschedules:\n  - cron: '0\xC2\xA0"
                  "3 * * *'\npool:\n  vmImage: ubuntu-latest\nsteps:\n  - script: echo hi\n") ==
        "azure-pipelines.yml:3:13: error: cron '0\xC2\xA0"
        "3 * * *' separates its fields with U+00A0 (NO-BREAK SPACE), which cron does not read as "
        "a space [cron]\n");
}

}  // namespace galley::lint
