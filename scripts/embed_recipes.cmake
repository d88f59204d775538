# Writes a C++ source holding every built-in recipe's text, so that the one
# galley binary carries its library to any agent. Run by the build:
#   cmake -DOUT=file.cpp -DDIR=recipes -P embed_recipes.cmake
file(GLOB files "${DIR}/*.yml")
list(SORT files)
set(body "// Generated from recipes/*.yml by scripts/embed_recipes.cmake. Do not edit.\n")
string(APPEND body "#include \"compiler/recipe.h\"\n\nnamespace galley {\n\n")
string(APPEND body "const std::map<std::string, std::string>& builtinRecipeFiles() {\n")
string(APPEND body "  static const std::map<std::string, std::string> files = {\n")
foreach(f ${files})
  get_filename_component(name "${f}" NAME_WE)
  file(READ "${f}" text)
  string(APPEND body "      {\"${name}\", R\"galley_recipe(${text})galley_recipe\"},\n")
endforeach()
string(APPEND body "  };\n  return files;\n}\n\n}  // namespace galley\n")
file(WRITE "${OUT}.tmp" "${body}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
