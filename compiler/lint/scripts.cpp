#include "compiler/lint/scripts.h"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "compiler/lint/checks.h"

namespace galley::lint {

void forEachScript(const yaml::Node& root,
                   const std::function<void(const yaml::Node& step, const yaml::Node& run,
                                            const yaml::Node* job)>& visit) {
  auto each = [&visit](const yaml::Node& owner, const yaml::Node* job) {
    for (const yaml::Node* step : stepsOf(owner)) {
      const yaml::Node* run = step->find("run");
      if (run && run->isScalar() && !run->value.empty()) visit(*step, *run, job);
    }
  };
  if (const yaml::Node* jobs = root.find("jobs"); jobs && jobs->isMapping())
    for (const auto& e : jobs->entries)
      if (e.value.isMapping()) each(e.value, &e.value);
  if (const yaml::Node* runs = root.find("runs"); runs && runs->isMapping()) each(*runs, nullptr);
}

const yaml::Node* defaultShell(const yaml::Node* defaults) {
  if (!defaults || !defaults->isMapping()) return nullptr;
  const yaml::Node* run = defaults->find("run");
  return run && run->isMapping() ? run->find("shell") : nullptr;
}

size_t scriptOffset(std::string_view text, size_t line, size_t column) {
  size_t offset = 0;
  for (size_t l = 1; l < line; ++l) {
    size_t nl = text.find('\n', offset);
    if (nl == std::string_view::npos) break;
    offset = nl + 1;
  }
  offset += column > 0 ? column - 1 : 0;
  return std::min(offset, text.size());
}

ScriptFiles::ScriptFiles() {
  char tmpl[] = "/tmp/galley-lint-XXXXXX";
  if (mkdtemp(tmpl)) dir_ = tmpl;
}

ScriptFiles::~ScriptFiles() {
  if (dir_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string ScriptFiles::write(size_t index, std::string_view text, std::string_view ext) {
  std::string path = dir_ + "/" + std::to_string(index) + std::string(ext);
  std::ofstream(path) << text << '\n';
  return path;
}

size_t ScriptFiles::indexOf(std::string_view path) const {
  if (path.substr(0, dir_.size() + 1) != dir_ + "/") return SIZE_MAX;
  std::string name(path.substr(dir_.size() + 1));
  char* end = nullptr;
  size_t index = std::strtoul(name.c_str(), &end, 10);
  // The number, then nothing or the file's extension.
  return end == name.c_str() || (*end != '\0' && *end != '.') ? SIZE_MAX : index;
}

}  // namespace galley::lint
