#include "compiler/workflow_call.h"

#include <algorithm>
#include <array>

namespace galley::wf {

namespace {

const char* const kRule = "reusable-workflow";

// The scopes `read-all` and `write-all` grant, in the order GitHub lists
// them in its messages.
constexpr std::array<std::string_view, 13> kScopes = {
    "actions",  "checks",          "contents", "deployments",   "discussions",
    "issues",   "packages",        "pages",    "pull-requests", "repository-projects",
    "statuses", "security-events", "id-token"};

int rank(std::string_view level) {
  if (level == "write") return 2;
  if (level == "read") return 1;
  return 0;
}

std::string level(const Permissions& p, const std::string& scope) {
  auto it = p.find(scope);
  return it == p.end() ? "none" : it->second;
}

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

bool isExpression(const yaml::Node& n) {
  std::string e;
  return n.isScalar() && templateExpression(n.value, &e);
}

// "'actions: write', but is only allowed 'actions: read'" for the scopes
// where requested exceeds allowed; "" when none does.
std::string excess(const Permissions& requested, const Permissions& allowed) {
  std::vector<std::string> scopes(kScopes.begin(), kScopes.end());
  for (const auto& [scope, lvl] : requested)
    if (std::find(scopes.begin(), scopes.end(), scope) == scopes.end()) scopes.push_back(scope);
  std::string want, have;
  for (const std::string& scope : scopes) {
    std::string r = level(requested, scope), a = level(allowed, scope);
    if (rank(r) <= rank(a)) continue;
    want += (want.empty() ? "" : ", ") + scope + ": " + r;
    have += (have.empty() ? "" : ", ") + scope + ": " + a;
  }
  if (want.empty()) return "";
  return "'" + want + "', but is only allowed '" + have + "'";
}

std::string jobDisplayName(const Job& job) {
  if (job.name && job.name->isScalar() && !job.name->value.empty()) return job.name->value;
  return job.id;
}

void checkInputs(const Job& caller, const Workflow& called, Diagnostics& diags) {
  std::vector<const yaml::Entry*> given;
  if (caller.with && caller.with->isMapping())
    for (const yaml::Entry& e : caller.with->entries)
      given.push_back(&e);
  auto find = [&](const std::string& name) -> const yaml::Entry* {
    for (const yaml::Entry* e : given)
      if (lower(e->key.value) == lower(name)) return e;
    return nullptr;
  };
  for (const Input& in : called.callInputs)
    if (in.required && !find(in.name))
      diags.error(caller.uses.where, kRule,
                  "Input " + in.name + " is required, but not provided while calling.");
  for (const yaml::Entry* e : given) {
    auto def = std::find_if(called.callInputs.begin(), called.callInputs.end(),
                            [&](const Input& in) { return lower(in.name) == lower(e->key.value); });
    if (def == called.callInputs.end()) {
      diags.error(e->value.where, kRule,
                  "Invalid input, " + e->key.value + " is not defined in the referenced workflow.");
      continue;
    }
    const yaml::Node& v = e->value;
    if (isExpression(v) || !v.isScalar()) continue;
    bool wrong = (def->type == "boolean" && !(v.isPlain() && v.asBool())) ||
                 (def->type == "number" && !(v.isPlain() && v.asNumber()));
    if (wrong) diags.error(v.where, kRule, "Unexpected value '" + v.value + "'");
  }
}

void checkSecrets(const Job& caller, const Workflow& called, Diagnostics& diags) {
  if (caller.secretsInherit) return;
  std::vector<const yaml::Entry*> given;
  if (caller.secrets && caller.secrets->isMapping())
    for (const yaml::Entry& e : caller.secrets->entries)
      given.push_back(&e);
  auto provided = [&](const std::string& name) {
    return std::any_of(given.begin(), given.end(),
                       [&](const yaml::Entry* e) { return lower(e->key.value) == lower(name); });
  };
  for (const CallSecret& s : called.callSecrets)
    if (s.required && !provided(s.name))
      diags.error(caller.uses.where, kRule,
                  "Secret " + s.name + " is required, but not provided while calling.");
  for (const yaml::Entry* e : given) {
    bool defined =
        std::any_of(called.callSecrets.begin(), called.callSecrets.end(),
                    [&](const CallSecret& s) { return lower(s.name) == lower(e->key.value); });
    if (!defined)
      diags.error(
          e->value.where, kRule,
          "Invalid secret, " + e->key.value + " is not defined in the referenced workflow.");
  }
}

void checkPermissions(const Job& caller, const Workflow& called, const Permissions& allowed,
                      Diagnostics& diags) {
  std::string prefix = "Error calling workflow '" + caller.uses.value + "'. ";
  if (called.permissions)
    if (auto requested = readPermissions(*called.permissions)) {
      std::string over = excess(*requested, allowed);
      if (!over.empty())
        diags.error(
            caller.where, kRule,
            prefix + "The workflow '" + caller.uses.value + "' is requesting " + over + ".");
    }
  for (const Job& job : called.jobs) {
    if (!job.permissions) continue;
    auto requested = readPermissions(*job.permissions);
    if (!requested) continue;
    std::string over = excess(*requested, allowed);
    if (!over.empty())
      diags.error(
          caller.where, kRule,
          prefix + "The nested job '" + jobDisplayName(job) + "' is requesting " + over + ".");
  }
}

class Expander {
 public:
  Expander(const WorkflowLoader& load, const CallOptions& options, Diagnostics& diags)
      : load_(load), options_(options), diags_(diags) {}

  void expand(Workflow& wf, const Permissions& inherited, uint32_t depth) {
    for (Job& job : wf.jobs) {
      if (!job.callsWorkflow() || stopped_) continue;
      if (depth + 1 > options_.maxDepth) {
        stopped_ = true;
        diags_.error(
            Location{}, kRule,
            "Nested reusable workflow depth exceeded " + std::to_string(options_.maxDepth) + ".");
        return;
      }
      std::string err;
      std::shared_ptr<Workflow> called = load_(job.uses, diags_, &err);
      if (!called) {
        diags_.error(job.uses.where, kRule, err.empty() ? "Unable to find reusable workflow" : err);
        continue;
      }
      Permissions allowed = inherited;
      if (job.permissions) {
        if (auto own = readPermissions(*job.permissions)) allowed = *own;
      } else if (wf.permissions) {
        if (auto own = readPermissions(*wf.permissions)) allowed = *own;
      }
      checkCall(wf, job, *called, allowed, diags_);
      expand(*called, allowed, depth + 1);
      job.called = std::move(called);
    }
  }

 private:
  const WorkflowLoader& load_;
  const CallOptions& options_;
  Diagnostics& diags_;
  bool stopped_ = false;
};

}  // namespace

std::optional<Permissions> readPermissions(const Template& value) {
  Permissions out;
  if (value.isScalar()) {
    if (isExpression(value)) return std::nullopt;
    std::string lvl = value.value == "read-all"    ? "read"
                      : value.value == "write-all" ? "write"
                                                   : "";
    if (lvl.empty()) return out;
    for (std::string_view s : kScopes)
      out[std::string(s)] = lvl;
    return out;
  }
  for (const yaml::Entry& e : value.entries) {
    if (isExpression(e.value)) return std::nullopt;
    if (e.value.value != "none") out[e.key.value] = e.value.value;
  }
  return out;
}

Permissions defaultPermissions(PermissionsPolicy policy) {
  Permissions out;
  if (policy == PermissionsPolicy::LimitedRead) {
    out["contents"] = "read";
    out["packages"] = "read";
    return out;
  }
  for (std::string_view s : kScopes)
    if (s != "id-token") out[std::string(s)] = "write";
  return out;
}

bool checkCall(const Workflow& callerWorkflow, const Job& caller, const Workflow& called,
               const Permissions& allowed, Diagnostics& diags) {
  size_t before = diags.errorCount();
  if (!called.event("workflow_call")) {
    diags.error(caller.uses.where, kRule,
                "workflow_call key is not defined in the referenced workflow.");
    return false;
  }
  checkInputs(caller, called, diags);
  checkSecrets(caller, called, diags);
  checkPermissions(caller, called, allowed, diags);
  return diags.errorCount() == before;
}

bool expandCalls(Workflow& wf, const WorkflowLoader& load, const CallOptions& options,
                 Diagnostics& diags) {
  size_t before = diags.errorCount();
  Expander(load, options, diags).expand(wf, defaultPermissions(options.policy), 0);
  if (options.maxJobs && countJobs(wf) > options.maxJobs)
    diags.error(
        Location{}, kRule,
        "The workflow may not contain more than " + std::to_string(options.maxJobs) + " jobs");
  return diags.errorCount() == before;
}

std::optional<Permissions> jobPermissions(const Workflow& wf, const Job& job,
                                          const std::optional<Permissions>& inherited) {
  if (job.permissions) return readPermissions(*job.permissions);
  if (job.called && job.called->permissions) return readPermissions(*job.called->permissions);
  if (wf.permissions) return readPermissions(*wf.permissions);
  return inherited;
}

size_t countJobs(const Workflow& wf) {
  size_t n = 0;
  for (const Job& j : wf.jobs)
    n += 1 + (j.called ? countJobs(*j.called) : 0);
  return n;
}

}  // namespace galley::wf
