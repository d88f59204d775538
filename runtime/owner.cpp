#include "runtime/owner.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "runtime/files.h"

namespace galley::run {

namespace {

// Identifies a process across pid reuse: its start time in clock ticks
// since boot (/proc/<pid>/stat, field 22), or 0 where there is no /proc.
unsigned long long processStartTicks(int pid) {
  std::string stat, err;
  if (!readWholeFile("/proc/" + std::to_string(pid) + "/stat", &stat, &err)) return 0;
  // The command name (field 2) is in parentheses and may hold spaces.
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  size_t field = 2, i = close + 1;
  while (i < stat.size() && field < 21) {
    if (stat[i] == ' ') ++field;
    ++i;
  }
  return std::strtoull(stat.c_str() + i, nullptr, 10);
}

std::string hostName() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return {};
  return buf;
}

}  // namespace

nlohmann::json ownerJson() {
  int pid = static_cast<int>(getpid());
  return {{"pid", pid}, {"pidStart", processStartTicks(pid)}, {"host", hostName()}};
}

bool ownerAlive(const nlohmann::json& owner) {
  int pid = owner.value("pid", 0);
  if (pid <= 0) return false;
  if (owner.value("host", std::string()) != hostName()) return true;
  if (::kill(pid, 0) != 0 && errno == ESRCH) return false;
  unsigned long long recorded = owner.value("pidStart", 0ull);
  unsigned long long now = processStartTicks(pid);
  return recorded == 0 || now == 0 || recorded == now;
}

}  // namespace galley::run
