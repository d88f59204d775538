#include "runtime/azure/build_number.h"

#include <unistd.h>

#include <filesystem>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

namespace galley::run::azure {

namespace {

// Microsoft's example: Fabrikam, CIBuild, main, run 752, 5 May 2019 21:07:03.
BuildNumberFacts example() {
  BuildNumberFacts f;
  f.time.tm_year = 2019 - 1900;
  f.time.tm_mon = 4;
  f.time.tm_mday = 5;
  f.time.tm_yday = 124;
  f.time.tm_wday = 0;
  f.time.tm_hour = 21;
  f.time.tm_min = 7;
  f.time.tm_sec = 3;
  f.definitionName = "CIBuild";
  f.buildId = "752";
  f.teamProject = "Fabrikam";
  f.sourceBranchName = "main";
  return f;
}

int noRev(const std::string&) {
  FAIL("no revision was to be asked for");
  return 0;
}

}  // namespace

TEST_CASE("a run number format resolves Microsoft's example tokens") {
  std::string key;
  auto second = [&](const std::string& k) {
    key = k;
    return 2;
  };
  CHECK(buildNumber("$(TeamProject)_$(Build.DefinitionName)_$(SourceBranchName)_$(Date:yyyyMMdd)$("
                    "Rev:.r)",
                    example(), second) == "Fabrikam_CIBuild_main_20190505.2");
  CHECK(key == "Fabrikam_CIBuild_main_20190505\x01");
  CHECK(buildNumber("$(Build.BuildId) $(DayOfMonth) $(DayOfYear) $(Hours) $(Minutes) $(Month) "
                    "$(Seconds) $(Year:yy) $(Year:yyyy)",
                    example(), noRev) == "752 5 125 21 7 5 3 19 2019");
}

TEST_CASE("$(Rev:rr) pads the revision with zeros and $(Rev:r) has no dot") {
  auto third = [](const std::string&) { return 3; };
  CHECK(buildNumber("1.0.$(Rev:rr)", example(), third) == "1.0.03");
  CHECK(buildNumber("1.0.$(Rev:r)", example(), third) == "1.0.3");
}

TEST_CASE("a run number uses variables and leaves unknown references as written") {
  Variables v;
  v.set("myv", "x$(inner)");
  v.set("inner", "1");
  v.recalculate();
  BuildNumberFacts f = example();
  f.variables = &v;
  CHECK(buildNumber("ci-$(myv)-$(nope)-$(Rev:x)", f, noRev) == "ci-x1-$(nope)-$(Rev:x)");
}

TEST_CASE(".NET date formats: padding, names, 12-hour clock, quoted text") {
  std::tm t = example().time;
  CHECK(formatDate("yyyy-MM-dd HH:mm:ss", t) == "2019-05-05 21:07:03");
  CHECK(formatDate("yy M d h:m tt", t) == "19 5 5 9:7 PM");
  CHECK(formatDate("ddd dddd MMM MMMM", t) == "Sun Sunday May May");
  CHECK(formatDate("'yyyy'\\d-yyyy", t) == "yyyyd-2019");
}

TEST_CASE("revisions count up per key and never repeat across concurrent runs") {
  char tmpl[] = "/tmp/galley-rev-XXXXXX";
  REQUIRE(mkdtemp(tmpl));
  std::string dir = tmpl;
  CHECK(claimRevision(dir, "a") == 1);
  CHECK(claimRevision(dir, "a") == 2);
  CHECK(claimRevision(dir, "b") == 1);
  std::vector<int> got(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] { got[i] = claimRevision(dir, "c"); });
  for (auto& t : threads)
    t.join();
  std::sort(got.begin(), got.end());
  for (int i = 0; i < 8; ++i)
    CHECK(got[i] == i + 1);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a revision folder that cannot be written gives 0") {
  CHECK(claimRevision("/proc/galley-no-such/x", "a") == 0);
}

}  // namespace galley::run::azure
