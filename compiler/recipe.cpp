#include "compiler/recipe.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>

#include "compiler/ascii.h"
#include "compiler/shape.h"

namespace galley {

namespace fs = std::filesystem;

const char* paramTypeName(ParamType t) {
  switch (t) {
    case ParamType::String:
      return "string";
    case ParamType::Number:
      return "number";
    case ParamType::Boolean:
      return "boolean";
    case ParamType::Choice:
      return "choice";
    case ParamType::List:
      return "list";
    case ParamType::Map:
      return "map";
    case ParamType::Script:
      return "script";
  }
  return "string";
}

const Parameter* Recipe::parameter(const std::string& name) const {
  for (const auto& p : parameters)
    if (p.name == name) return &p;
  return nullptr;
}

const RecipeOutput* Recipe::output(const std::string& name) const {
  for (const auto& o : outputs)
    if (o.name == name) return &o;
  return nullptr;
}

namespace {

bool isSingleReference(const yaml::Node& v) {
  if (!v.isScalar()) return false;
  const std::string& s = v.value;
  return s.rfind("${{", 0) == 0 && s.size() > 5 && s.compare(s.size() - 2, 2, "}}") == 0 &&
         s.find("${{", 3) == std::string::npos;
}

std::optional<ParamType> parseType(const yaml::Node& n, Diagnostics& diags) {
  static const std::vector<std::string> names = {"string", "number", "boolean", "choice",
                                                 "list",   "map",    "script"};
  for (size_t i = 0; i < names.size(); ++i)
    if (n.isScalar() && n.value == names[i]) return static_cast<ParamType>(i);
  diags.error(n.where, "type",
              "unknown parameter type '" + n.value +
                  "': use string, number, boolean, choice, list, map or script",
              didYouMean(n.value, names));
  return std::nullopt;
}

// minimum and maximum: numbers, for number parameters only, in order.
bool parseRange(const yaml::Node& spec, const std::string& what, Parameter& p, Diagnostics& diags) {
  for (const char* key : {"minimum", "maximum"}) {
    const yaml::Entry* e = spec.entry(key);
    if (!e) continue;
    if (p.type != ParamType::Number) {
      diags.error(e->key.where, "unknown-key",
                  std::string("'") + key + "' only applies to number parameters");
      return false;
    }
    auto n = e->value.asNumber();
    if (!n || !std::isfinite(*n)) {
      diags.error(e->value.where, "parameter",
                  what + "'s " + key + " must be a number, not '" + excerpt(e->value.value) + "'");
      return false;
    }
    (key[1] == 'i' ? p.minimum : p.maximum) = *n;
  }
  if (p.minimum && p.maximum && *p.minimum > *p.maximum) {
    diags.error(spec.entry("maximum")->value.where, "parameter",
                "the maximum of " + what + " is below its minimum");
    return false;
  }
  return true;
}

bool parseParameter(const yaml::Entry& e, Recipe& r, Diagnostics& diags) {
  if (!shape::id(e.key, "parameter name", diags)) return false;
  const yaml::Node& spec = e.value;
  std::string what = "parameter '" + e.key.value + "'";
  if (!shape::mapping(spec,
                      {"type", "description", "default", "required", "required-if", "options",
                       "minimum", "maximum"},
                      what, diags))
    return false;
  Parameter p;
  p.name = e.key.value;
  p.where = e.key.where;
  const yaml::Node* type = shape::require(spec, "type", what, diags);
  const yaml::Node* description = shape::require(spec, "description", what, diags);
  if (!type || !description) return false;
  auto t = parseType(*type, diags);
  auto d = shape::scalar(*description, what + "'s description", diags);
  if (!t || !d) return false;
  p.type = *t;
  p.description = *d;
  if (const yaml::Node* options = spec.find("options")) {
    auto list = shape::stringList(*options, what + "'s options", diags);
    if (!list) return false;
    p.options = *list;
  }
  if (p.type == ParamType::Choice && p.options.empty()) {
    diags.error(type->where, "missing-key", "choice " + what + " needs 'options'");
    return false;
  }
  if (p.type != ParamType::Choice && spec.find("options")) {
    diags.error(spec.entry("options")->key.where, "unknown-key",
                "'options' only applies to choice parameters");
    return false;
  }
  if (!parseRange(spec, what, p, diags)) return false;
  if (const yaml::Node* req = spec.find("required-if")) {
    if (!req->isScalar() || req->value.find("${{") == std::string::npos) {
      diags.error(req->where, "parameter",
                  what +
                      "'s required-if must be a condition such as "
                      "${{ params.backend == 'azureml' }}");
      return false;
    }
    if (!spec.find("default")) {
      diags.error(req->where, "parameter",
                  what + " has required-if but no default: without one it is always required");
      return false;
    }
    p.requiredIf = *req;
  }
  if (const yaml::Node* req = spec.find("required")) {
    auto b = shape::boolean(*req, what + "'s required", diags);
    if (!b) return false;
    if (*b && spec.find("default")) {
      diags.error(req->where, "parameter", what + " is required but has a default");
      return false;
    }
  }
  if (const yaml::Node* def = spec.find("default")) {
    if (!checkParameterValue(p, *def, diags)) return false;
    p.defaultValue = *def;
  }
  r.parameters.push_back(std::move(p));
  return true;
}

bool parseOutputs(const yaml::Node& outputs, Recipe& r, Diagnostics& diags) {
  if (!shape::isMapping(outputs, "outputs", diags)) return false;
  bool ok = true;
  for (const auto& e : outputs.entries) {
    std::string what = "output '" + e.key.value + "'";
    if (!shape::id(e.key, "output name", diags) ||
        !shape::mapping(e.value, {"description", "from"}, what, diags)) {
      ok = false;
      continue;
    }
    const yaml::Node* from = shape::require(e.value, "from", what, diags);
    if (!from) {
      ok = false;
      continue;
    }
    size_t dot = from->value.find('.');
    if (!from->isScalar() || dot == std::string::npos ||
        from->value.find('.', dot + 1) != std::string::npos) {
      diags.error(from->where, "output",
                  "'from' must be MEMBER.OUTPUT, such as train.model-version");
      ok = false;
      continue;
    }
    RecipeOutput o;
    o.name = e.key.value;
    o.member = from->value.substr(0, dot);
    o.output = from->value.substr(dot + 1);
    o.where = e.key.where;
    if (const yaml::Node* d = e.value.find("description")) o.description = d->value;
    r.outputs.push_back(std::move(o));
  }
  return ok;
}

bool isAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool isModuleName(std::string_view m) {
  if (m.empty()) return false;
  size_t start = 0;
  while (true) {
    size_t dot = m.find('.', start);
    std::string_view part = m.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (part.empty() || isAsciiDigit(part[0])) return false;
    for (char c : part)
      if (!isAsciiAlnum(c) && c != '_') return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool hasSpace(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return isAsciiSpace(c); });
}

// "python", "python3", "python3.11": what users write before a script out
// of habit, though the recipe runs python itself.
bool isPythonCommand(std::string_view word) {
  if (word.rfind("python", 0) != 0) return false;
  return std::all_of(word.begin() + 6, word.end(),
                     [](char c) { return isAsciiDigit(c) || c == '.'; });
}

// A quoted value that would have the parameter's type without its quotes.
std::string quotedHint(const yaml::Node& v, ParamType type) {
  if (!v.isScalar() || v.isPlain()) return {};
  yaml::Node plain = v;
  plain.style = yaml::Style::Plain;
  bool fits = type == ParamType::Number    ? plain.asNumber().has_value()
              : type == ParamType::Boolean ? plain.asBool().has_value()
                                           : false;
  if (!fits) return {};
  const char* quote = v.style == yaml::Style::SingleQuoted ? "'" : "\"";
  std::string value = excerpt(v.value);
  return std::string("drop the quotes: in YAML ") + quote + value + quote + " is a string and " +
         value + " a " + paramTypeName(type);
}

bool inRange(const Parameter& p, double n, const yaml::Node& v, Diagnostics& diags) {
  std::string what = "parameter '" + p.name + "'";
  if (p.minimum && n < *p.minimum) {
    diags.error(
        v.where, "parameter-range",
        what + " must be at least " + paramNumberText(*p.minimum) + ", not " + excerpt(v.value));
    return false;
  }
  if (p.maximum && n > *p.maximum) {
    diags.error(
        v.where, "parameter-range",
        what + " must be at most " + paramNumberText(*p.maximum) + ", not " + excerpt(v.value));
    return false;
  }
  return true;
}

}  // namespace

std::optional<std::vector<std::string>> scriptWords(const std::string& value, std::string* problem,
                                                    std::string* hint) {
  std::string_view v = value;
  while (!v.empty() && isAsciiSpace(v.front()))
    v.remove_prefix(1);
  while (!v.empty() && isAsciiSpace(v.back()))
    v.remove_suffix(1);
  if (v.empty()) return std::vector<std::string>{};
  std::string_view first = v.substr(0, std::min(v.size(), v.find_first_of(" \t")));
  if (isPythonCommand(first) && first.size() < v.size()) {
    std::string_view rest = v.substr(first.size());
    while (!rest.empty() && isAsciiSpace(rest.front()))
      rest.remove_prefix(1);
    // `python -m pkg.train` says what the recipe does anyway: the recipe's
    // python is the one its python-version set up, which python and
    // python3 name. A versioned interpreter would be silently replaced.
    if (first != "python" && first != "python3") {
      *problem = "the recipe runs the python its python-version parameter sets up";
      *hint = "write '" + std::string(rest) + "' and set python-version";
      return std::nullopt;
    }
    v = rest;
    first = v.substr(0, std::min(v.size(), v.find_first_of(" \t")));
  }
  if (first == "-m") {
    std::string_view module = v.substr(2);
    while (!module.empty() && isAsciiSpace(module.front()))
      module.remove_prefix(1);
    if (isModuleName(module)) return std::vector<std::string>{"-m", std::string(module)};
    *problem = "'-m' takes one module name, such as src.train";
    *hint = hasSpace(module) ? "pass arguments through the recipe's args parameter" : "";
    return std::nullopt;
  }
  if (v.front() == '-') {
    *problem = "a script is a Python file or '-m MODULE'";
    *hint = "write '-m MODULE' to run a module, such as '-m src.train'";
    return std::nullopt;
  }
  if (hasSpace(v)) {
    *problem = "a script is one Python file or '-m MODULE'";
    *hint = "pass arguments through the recipe's args parameter";
    return std::nullopt;
  }
  return std::vector<std::string>{std::string(v)};
}

std::string paramNumberText(double n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", n);
  return buf;
}

std::string requiredIfText(const Parameter& p) {
  if (!p.requiredIf) return {};
  std::string s = p.requiredIf->value;
  if (s.rfind("${{", 0) == 0 && s.size() >= 5 && s.compare(s.size() - 2, 2, "}}") == 0)
    s = s.substr(3, s.size() - 5);
  size_t first = s.find_first_not_of(' ');
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(' ') - first + 1);
}

namespace {

// A list reaches a script as words the shell splits at blanks and with
// globbing off: an item must be one word that stands for itself. '*' and
// '?' say the writer meant file names, which the script will not get;
// brackets stay literal (pip extras `pkg[extra]`, pytest ids `test_a[1]`).
// The text of references is not the item's: their values are known at run
// time only.
bool checkListWord(const std::string& what, const yaml::Node& item, Diagnostics& diags) {
  const std::string& s = item.value;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.compare(i, 3, "${{") == 0) {
      size_t close = s.find("}}", i);
      if (close == std::string::npos) return true;  // the reference check reports it
      i = close + 1;
      continue;
    }
    char c = s[i];
    bool blank = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    bool glob = c == '*' || c == '?';
    if (!blank && !glob) continue;
    diags.error(item.where, "parameter-type",
                what + " has the item '" + excerpt(s) + "', which " +
                    (blank ? "holds a blank: the script gets a list's items as words split at "
                             "blanks, so it would get this one as several"
                           : "holds '" + std::string(1, c) +
                                 "': the script would get the pattern, not the file names it "
                                 "matches (galley turns globbing off where lists are expanded)"),
                blank ? "write each word as an item of its own; text with blanks goes in a "
                        "string parameter"
                      : "list the files by name");
    return false;
  }
  return true;
}

}  // namespace

bool checkParameterValue(const Parameter& p, const yaml::Node& v, Diagnostics& diags) {
  if (isSingleReference(v)) return true;
  std::string what = "parameter '" + p.name + "'";
  auto wrong = [&](const std::string& expected) {
    diags.error(v.where, "parameter-type",
                what + " expects " + expected + ", not " +
                    (v.isScalar() ? "'" + excerpt(v.value) + "'" : v.typeName()),
                quotedHint(v, p.type));
    return false;
  };
  switch (p.type) {
    case ParamType::String:
      return v.isScalar() ? true : wrong("a string");
    case ParamType::Number: {
      auto n = v.asNumber();
      if (!n || std::isnan(*n)) return wrong("a number");
      return inRange(p, *n, v, diags);
    }
    case ParamType::Boolean:
      return v.asBool() ? true : wrong("true or false");
    case ParamType::Choice: {
      if (!v.isScalar()) return wrong("one of " + std::to_string(p.options.size()) + " choices");
      if (std::find(p.options.begin(), p.options.end(), v.value) != p.options.end()) return true;
      std::string all;
      for (const auto& o : p.options)
        all += (all.empty() ? "" : ", ") + o;
      diags.error(v.where, "parameter-choice",
                  what + " must be one of " + all + ", not '" + v.value + "'",
                  didYouMean(v.value, p.options));
      return false;
    }
    case ParamType::List: {
      if (!v.isSequence()) return wrong("a list");
      for (const auto& item : v.items)
        if (!item.isScalar()) return wrong("a list of strings");
      bool ok = true;
      for (const auto& item : v.items)
        ok = checkListWord(what, item, diags) && ok;
      return ok;
    }
    case ParamType::Map:
      if (!v.isMapping()) return wrong("a map");
      for (const auto& e : v.entries)
        if (!e.value.isScalar()) return wrong("a map of strings");
      return true;
    case ParamType::Script: {
      if (!v.isScalar()) return wrong("a Python file or '-m MODULE'");
      // Values made of references are checked once expansion resolves them.
      if (v.value.find("${{") != std::string::npos) return true;
      std::string problem, hint;
      if (scriptWords(v.value, &problem, &hint)) return true;
      diags.error(v.where, "parameter-type",
                  what + " expects a Python file or '-m MODULE', not '" + v.value + "': " + problem,
                  hint);
      return false;
    }
  }
  return true;
}

std::unique_ptr<Recipe> parseRecipe(const yaml::Node& doc, const std::string& expectedName,
                                    Diagnostics& diags) {
  size_t before = diags.errorCount();
  if (doc.isNull()) {
    diags.error(doc.where, "empty-file", "recipe file is empty");
    return nullptr;
  }
  if (!shape::mapping(doc,
                      {"recipe", "description", "parameters", "outputs", "jobs", "steps", "uses"},
                      "recipe", diags))
    return nullptr;
  auto r = std::make_unique<Recipe>();
  const yaml::Node* name = shape::require(doc, "recipe", "recipe", diags);
  const yaml::Node* description = shape::require(doc, "description", "recipe", diags);
  if (!name || !description) return nullptr;
  r->name = name->value;
  r->where = name->where;
  r->description = description->value;
  if (!expectedName.empty() && r->name != expectedName) {
    diags.error(name->where, "recipe-name",
                "recipe is named '" + r->name + "' but its file is '" + expectedName + ".yml'");
    return nullptr;
  }
  if (const yaml::Node* params = doc.find("parameters")) {
    if (shape::isMapping(*params, "parameters", diags))
      for (const auto& e : params->entries)
        parseParameter(e, *r, diags);
  }
  if (const yaml::Node* outputs = doc.find("outputs")) parseOutputs(*outputs, *r, diags);

  int bodies = 0;
  for (auto [key, kind] :
       {std::pair{"jobs", RecipeKind::Jobs}, std::pair{"steps", RecipeKind::Steps},
        std::pair{"uses", RecipeKind::Uses}}) {
    if (const yaml::Node* b = doc.find(key)) {
      ++bodies;
      r->kind = kind;
      r->body = *b;
    }
  }
  if (bodies != 1) {
    diags.error(name->where, "recipe-body",
                "a recipe has exactly one of 'jobs', 'steps' and 'uses'");
    return nullptr;
  }
  if (r->kind == RecipeKind::Steps
          ? !shape::isSequence(r->body, "steps", diags)
          : !shape::isMapping(r->body, r->kind == RecipeKind::Jobs ? "jobs" : "uses", diags))
    return nullptr;
  if (diags.errorCount() > before) return nullptr;
  return r;
}

std::string builtinRecipeSourceName(const std::string& name) {
  return "recipe '" + name + "' (built in)";
}

bool isBuiltinRecipeSource(const SourceFile* file) {
  static const std::string head = "recipe '", tail = "' (built in)";
  if (!file) return false;
  const std::string& p = file->path();
  return p.size() > head.size() + tail.size() && p.rfind(head, 0) == 0 &&
         p.compare(p.size() - tail.size(), tail.size(), tail) == 0;
}

RecipeLibrary::RecipeLibrary(Sources& sources, std::string projectDir)
    : sources_(sources), projectDir_(std::move(projectDir)) {}

bool RecipeLibrary::exists(const std::string& name) const {
  // Only a plain name may become a file name: "../x", "/etc/x" or a name
  // longer than the system allows never reach the file system.
  if (!shape::validId(name)) return false;
  std::error_code ec;
  if (!projectDir_.empty() && fs::exists(fs::path(projectDir_) / (name + ".yml"), ec)) return true;
  return builtinRecipeFiles().count(name) > 0;
}

std::vector<std::string> RecipeLibrary::names() const {
  std::set<std::string> all;
  for (const auto& [name, text] : builtinRecipeFiles())
    if (name != "actions") all.insert(name);  // recipes/actions.yml holds portable actions
  std::error_code ec;
  if (!projectDir_.empty() && fs::is_directory(projectDir_, ec)) {
    // increment(ec), not a range-for: the loop's operator++ throws.
    for (fs::directory_iterator it(projectDir_, ec), end; !ec && it != end; it.increment(ec))
      if (it->path().extension() == ".yml" && it->path().stem() != "actions")
        all.insert(it->path().stem().string());
  }
  return {all.begin(), all.end()};
}

const Recipe* RecipeLibrary::find(const std::string& name, Diagnostics& diags) {
  if (auto it = loaded_.find(name); it != loaded_.end()) return it->second.get();
  if (failed_.count(name)) return nullptr;
  failed_[name] = true;
  if (!shape::validId(name) || name == "actions") return nullptr;
  const SourceFile* file = nullptr;
  std::string origin = "built in";
  fs::path local = fs::path(projectDir_) / (name + ".yml");
  std::error_code ec;
  bool isLocal = !projectDir_.empty() && fs::exists(local, ec);
  // No file can have a name too long for the system: no such recipe.
  if (ec && ec != std::errc::filename_too_long) {
    // A recipes folder galley cannot look into must not silently fall
    // back to the built-in recipe of the same name.
    diags.error({}, "io", local.string() + ": cannot read recipe: " + ec.message());
    return nullptr;
  }
  if (isLocal) {
    std::string err;
    file = sources_.read(local.string(), &err);
    if (!file) {
      diags.error({}, "io", err);
      return nullptr;
    }
    origin = projectDir_;
  } else if (auto it = builtinRecipeFiles().find(name); it != builtinRecipeFiles().end()) {
    file = sources_.add(builtinRecipeSourceName(name), it->second);
  } else {
    return nullptr;
  }
  auto doc = yaml::load(*file, diags);
  if (!doc) return nullptr;
  auto recipe = parseRecipe(*doc, name, diags);
  if (!recipe) return nullptr;
  recipe->origin = origin;
  failed_.erase(name);
  return (loaded_[name] = std::move(recipe)).get();
}

}  // namespace galley

namespace galley {

namespace {

// The names of `${{ secrets.NAME }}` references in a scalar.
void secretsIn(const std::string& s, std::vector<std::string>& out) {
  for (size_t open = s.find("${{"); open != std::string::npos; open = s.find("${{", open + 3)) {
    size_t close = s.find("}}", open + 3);
    if (close == std::string::npos) return;
    // Conditions read secrets too: every `secrets.` inside the braces counts.
    std::string inner = s.substr(open + 3, close - open - 3);
    for (size_t at = inner.find("secrets."); at != std::string::npos;
         at = inner.find("secrets.", at + 8)) {
      if (at > 0 && (isalnum(static_cast<unsigned char>(inner[at - 1])) || inner[at - 1] == '_' ||
                     inner[at - 1] == '.' || inner[at - 1] == '-'))
        continue;
      size_t end = at + 8;
      while (end < inner.size() &&
             (isalnum(static_cast<unsigned char>(inner[end])) || inner[end] == '_'))
        ++end;
      if (end > at + 8) out.push_back(inner.substr(at + 8, end - at - 8));
    }
  }
}

// Walks n for secrets and for the recipes it uses (a step's `recipe:`, a
// composite member's recipe).
void walkSecrets(const yaml::Node& n, const std::string& recipe, bool members,
                 std::vector<RecipeSecret>& found, std::vector<std::string>& used) {
  if (n.isScalar()) {
    std::vector<std::string> names;
    secretsIn(n.value, names);
    for (auto& name : names)
      found.push_back({std::move(name), recipe});
    return;
  }
  for (const auto& item : n.items)
    walkSecrets(item, recipe, false, found, used);
  for (const auto& e : n.entries) {
    if (members && e.value.isNull()) used.push_back(e.key.value);  // a member named as its recipe
    if (members && e.value.isMapping() && !e.value.find("recipe")) used.push_back(e.key.value);
    if (e.key.value == "recipe" && e.value.isScalar()) used.push_back(e.value.value);
    walkSecrets(e.value, recipe, false, found, used);
  }
}

}  // namespace

std::vector<RecipeSecret> recipeSecrets(const Recipe& r, RecipeLibrary& library) {
  std::vector<RecipeSecret> found;
  std::set<std::string> seen = {r.name};
  std::vector<const Recipe*> todo = {&r};
  Diagnostics ignored;  // a broken recipe it uses is compile's to report
  while (!todo.empty()) {
    const Recipe* next = todo.back();
    todo.pop_back();
    std::vector<std::string> used;
    walkSecrets(next->body, next->name, next->kind == RecipeKind::Uses, found, used);
    for (const auto& name : used)
      if (seen.insert(name).second)
        if (const Recipe* u = library.find(name, ignored)) todo.push_back(u);
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const RecipeSecret& a, const RecipeSecret& b) { return a.name < b.name; });
  std::vector<RecipeSecret> unique;
  for (auto& f : found)
    if (unique.empty() || unique.back().name != f.name) unique.push_back(std::move(f));
  return unique;
}

}  // namespace galley
