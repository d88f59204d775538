// How runs, jobs, steps and their results read in words, the same in every
// view (progress, host logs, `galley runs`). User text comes out printable().
#pragma once

#include <string>

#include "runtime/record.h"

namespace galley::run {

// The SGR colour of a result: green, red, yellow, dim.
const char* resultColour(Result r);

// A job's display name (its key when it has none); a step's name (its id).
std::string jobLabel(const JobInfo& j);
std::string jobLabel(const JobRecord& j);
std::string stepLabel(const StepInfo& s);
std::string stepLabel(const StepRecord& s);

// Whether a time was set (the epoch means "not yet").
bool knownTime(Clock::time_point t);
// formatDuration(to - from), or "" when either is unknown.
std::string took(Clock::time_point from, Clock::time_point to);

// `failure (exit code 1; continue-on-error)`.
std::string stepResultText(const StepResult& r, bool color);
// `file:line:col: level: title: message`; later lines of the message are
// indented under the first.
std::string annotationText(const Annotation& a, bool color);
// `environment 'production' approved by alice: comment`, or `... not
// decided (cancelled)`.
std::string approvalText(const Approval& a);
// How `galley logs --step` names a step: its id, or its 1-based number when
// galley generated the id.
std::string stepArgument(const StepRecord& s);
// s as one word for a POSIX shell (quoted only when needed).
std::string shellWord(const std::string& s);
// A job's result, or its status while it has none.
std::string jobResultWord(const JobRecord& j, bool color);

// A finished run's result in words: "partially succeeded" for a success
// with issues (Azure's name), else resultName.
std::string runResultWord(const RunResult& r, bool color);

}  // namespace galley::run
