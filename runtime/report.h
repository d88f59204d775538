// Stored runs for people: the list `galley runs` prints and the tree of
// `galley runs show`.
#pragma once

#include <iosfwd>
#include <vector>

#include "runtime/store.h"

namespace galley::run {

// A time in the machine's time zone: `2027-01-15 08:00:00`.
std::string localTime(Clock::time_point t);

// A table, newest first: ID, STATUS, WORKFLOW, EVENT, STARTED, DURATION.
// STATUS is the result once finished, else running, waiting (an approval
// is pending) or interrupted; a running run's duration counts up to `now`.
void writeRunList(std::ostream& out, const std::vector<StoredRun>& runs, Clock::time_point now,
                  bool color);

// One run: its jobs with results and durations, each job's steps numbered
// as `galley logs --step` takes them, job outputs, approvals, annotations.
void writeRunDetails(std::ostream& out, const StoredRun& run, Clock::time_point now, bool color);

}  // namespace galley::run
