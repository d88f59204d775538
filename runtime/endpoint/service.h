// A service: a long-lived process galley starts detached, so that it outlives
// the job (and the galley process) that started it, and later finds again,
// checks and stops by its record. The scoring workers of online endpoints
// are services.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace galley::endpoint {

// A process as recorded: its pid and the kernel's start time of that pid
// (field 22 of /proc/PID/stat, in clock ticks since boot), so that a pid the
// system reused for another process is not taken for the service.
struct ProcessId {
  long pid = 0;
  long long startTicks = 0;
};

struct Launch {
  std::vector<std::string> argv;  // argv[0]: an absolute path
  std::vector<std::string> env;   // KEY=VALUE, the whole environment
  std::string cwd;
  std::string logPath;  // stdout and stderr are appended here
};

// Starts `launch` in a new session (so that neither the terminal's signals
// nor a job runner's kill of the step's process group reach it), stdin from
// /dev/null, no other descriptors inherited. The caller is its parent
// until the caller exits: it must reap it with reapIfExited(). False with
// *err when it could not start (the log path cannot be opened, exec failed).
bool startDetached(const Launch& launch, ProcessId* out, std::string* err);

// The environment for a service: `base` without the variables by which
// the GitHub runner (RUNNER_TRACKING_ID) and the Azure Pipelines agent
// (VSTS_PROCESS_LOOKUP_ID) find and kill a job's leftover processes.
std::vector<std::string> serviceEnvironment(char** base);

// The start time of pid, 0 when there is no such process or it is a zombie.
long long processStartTicks(long pid);

// True when the recorded process still runs (same pid, same start time).
bool isRunning(const ProcessId& id);

// When `id` is a child of this process that has exited, reaps it and
// returns true with its wait status in *status (if given).
bool reapIfExited(const ProcessId& id, int* status = nullptr);

// Stops the service and everything it started: SIGTERM to its process
// group, up to `grace` for the leader to exit, then SIGKILL to the group.
// Returns true once the process is gone (also when it was gone already).
bool stopService(const ProcessId& id, std::chrono::milliseconds grace, std::string* err);

// This machine's host name: a record made on another agent of a pool
// (PostgreSQL registry) names a process that cannot be checked here.
std::string thisMachine();

// Whether host:port can be bound now (with SO_REUSEADDR, as the worker
// binds). False with *err naming the port when it cannot.
bool portAvailable(const std::string& host, int port, std::string* err);

}  // namespace galley::endpoint
