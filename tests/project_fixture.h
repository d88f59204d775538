// A galley project in a fresh temporary folder, for unit tests that compile
// a whole galley.yml (with project recipes) and read the emitted files.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/compile.h"
#include "tests/testing.h"

namespace galley::testing {

class TempProject {
 public:
  // galleyYml is written as galley.yml; recipes as recipes/NAME.yml.
  explicit TempProject(const std::string& galleyYml,
                       const std::map<std::string, std::string>& recipes = {}) {
    static int counter = 0;
    dir_ = std::filesystem::temp_directory_path() /
           ("galley-fixture-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "recipes");
    write("galley.yml", galleyYml);
    for (const auto& [name, text] : recipes)
      write("recipes/" + name + ".yml", text);
  }
  ~TempProject() { std::filesystem::remove_all(dir_); }
  TempProject(const TempProject&) = delete;
  TempProject& operator=(const TempProject&) = delete;

  void write(const std::string& rel, const std::string& text) { std::ofstream(dir_ / rel) << text; }

  // Compiles for every target; false after diagnostics (see errors()).
  bool compile() {
    CompileOptions o;
    o.file = (dir_ / "galley.yml").string();
    auto files = galley::compile(o, sources_, diags_);
    diags_.sort();
    if (files) files_ = std::move(*files);
    return files.has_value();
  }

  // The emitted file whose path ends with suffix, or "".
  std::string file(const std::string& suffix) const {
    for (const auto& f : files_)
      if (f.path.ends_with(suffix)) return f.text;
    return "";
  }
  std::string github(const std::string& pipeline = "ci") const {
    return file(".github/workflows/" + pipeline + ".yml");
  }
  std::string ado(const std::string& pipeline = "ci") const {
    return file(".azure-pipelines/" + pipeline + ".yml");
  }

  // Diagnostics as rendered (headlines only unless withSource), with the
  // temporary folder left out of paths.
  std::string errors(bool withSource = false) const {
    std::string s = withSource ? rendered(diags_) : headlines(diags_);
    std::string prefix = dir_.string() + "/";
    for (size_t at; (at = s.find(prefix)) != std::string::npos;)
      s.replace(at, prefix.size(), "");
    return s;
  }

 private:
  std::filesystem::path dir_;
  Sources sources_;
  Diagnostics diags_;
  std::vector<GeneratedFile> files_;
};

// A galley.yml with one pipeline `ci` on push to main whose recipes: section
// is recipes (indented six spaces); extra goes before pipelines:.
inline std::string ciPipeline(const std::string& recipes, const std::string& extra = "") {
  return "name: demo\n" + extra +
         "pipelines:\n  ci:\n    on:\n      push:\n        branches: [main]\n    recipes:\n" +
         recipes;
}

}  // namespace galley::testing
