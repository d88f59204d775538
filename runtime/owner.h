// Which process holds something on disk (a run, a concurrency group), told
// apart from a later process that got the same pid.
#pragma once

#include <nlohmann/json.hpp>

namespace galley::run {

// This process: {"pid", "pidStart" (its start time in clock ticks since
// boot, 0 where there is no /proc), "host"}.
nlohmann::json ownerJson();

// Whether the process that ownerJson() described (the same keys in `owner`)
// still runs. One on another machine (a shared disk) cannot be checked and
// counts as alive; no pid counts as gone.
bool ownerAlive(const nlohmann::json& owner);

}  // namespace galley::run
