// The `cron` rule: a schedule's cron text, in the dialect of the host that
// reads it. GitHub (`on: schedule: - cron:`) and Azure Pipelines
// (`schedules: - cron:`) both take five fields (minute hour day month
// weekday) of values, ranges, lists and steps, in UTC unless GitHub's
// `timezone:` says otherwise; neither takes `@daily`-style macros. They
// differ in names and limits:
//   GitHub: three-letter month and day names, weekday 0-7 (0 and 7 are
//     Sunday), at most one run every 5 minutes;
//   Azure: month and day names written out or in three letters, weekday
//     0-6, about 1000 scheduled runs of a pipeline a week at most
//     (learn.microsoft.com, "Configure schedules for pipelines").
#pragma once

#include "compiler/diagnostic.h"
#include "compiler/yaml.h"

namespace galley::lint {

enum class CronDialect { GitHub, Azure };

// Reports what is wrong with the cron scalar into diags (rule "cron"), at
// the offending character when one is to blame, else at the scalar.
void checkCron(const yaml::Node& cron, CronDialect dialect, Diagnostics& diags);

}  // namespace galley::lint
