#include "compiler/lint/report.h"

#include <doctest/doctest.h>

#include "tests/testing.h"

namespace galley::lint {

namespace {

Diagnostics sample(const SourceFile* f) {
  Diagnostics d;
  d.error({f, {1, 1}, {1, 2}}, "job-needs", "a");
  d.warning({f, {2, 1}, {2, 2}}, "shellcheck", "b");
  d.report(Severity::Note, {f, {3, 1}, {3, 2}}, "missing-permissions", "c");
  d.report(Severity::Note, {f, {4, 1}, {4, 2}}, "missing-permissions", "d");
  return d;
}

}  // namespace

TEST_CASE("lint report: notes are counted per rule and named at the end, with a summary") {
  Sources sources;
  const SourceFile* f = sources.add("ci.yml", "a\nb\nc\nd\n");
  Report report({});
  Diagnostics shown, clean;
  report.take(sample(f), shown);
  report.take(Diagnostics(), clean);
  CHECK(testing::headlines(shown) ==
        "ci.yml:1:1: error: a [job-needs]\nci.yml:2:1: warning: b [shellcheck]\n");
  CHECK(report.closing() ==
        "note: 2 missing-permissions notes (use --notes to show)\n"
        "1 error, 1 warning, 2 notes in 1 file\n");
  CHECK(report.fails());
}

TEST_CASE("lint report: --notes shows each note; --min-severity hides and uncounts the rest") {
  Sources sources;
  const SourceFile* f = sources.add("ci.yml", "a\nb\nc\nd\n");
  Report each({Severity::Note, true});
  Diagnostics all;
  each.take(sample(f), all);
  CHECK(all.all().size() == 4);
  CHECK(each.closing() == "1 error, 1 warning, 2 notes in 1 file\n");
  Report errors({Severity::Error, false});
  Diagnostics some;
  errors.take(sample(f), some);
  CHECK(testing::headlines(some) == "ci.yml:1:1: error: a [job-needs]\n");
  CHECK(errors.closing() == "1 error, 0 warnings, 0 notes in 1 file\n");
  Report warnings({Severity::Warning, false});
  Diagnostics none;
  Diagnostics onlyNotes;
  onlyNotes.report(Severity::Note, {f, {3, 1}, {3, 2}}, "missing-permissions", "c");
  warnings.take(onlyNotes, none);
  CHECK(warnings.closing() == "");
  CHECK_FALSE(warnings.fails());
}

}  // namespace galley::lint
