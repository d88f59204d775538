# Writes a C++ source defining `const std::map<std::string, std::string>&
# galley::FUNCTION()` (declared in HEADER; FUNCTION may name a nested
# namespace, as endpoint::workerFiles), the text of every file under DIR matching GLOB, keyed
# by its path relative to DIR (without its extension when STEM is ON), but
# for paths matching the regular expression EXCLUDE when given. The
# one galley binary so carries its recipe library, project templates and
# endpoint worker to any agent. Run by the build:
#   cmake -DOUT=file.cpp -DDIR=recipes -DGLOB=*.yml -DSTEM=ON -DHEADER=compiler/recipe.h
#         -DFUNCTION=builtinRecipeFiles -P embed_files.cmake
file(GLOB_RECURSE files RELATIVE "${DIR}" "${DIR}/${GLOB}")
if(EXCLUDE)
  list(FILTER files EXCLUDE REGEX "${EXCLUDE}")
endif()
list(SORT files)
set(body "// Generated from ${DIR} by scripts/embed_files.cmake. Do not edit.\n")
string(APPEND body "#include \"${HEADER}\"\n\nnamespace galley {\n\n")
string(APPEND body "const std::map<std::string, std::string>& ${FUNCTION}() {\n")
string(APPEND body "  static const std::map<std::string, std::string> files = {\n")
foreach(relative ${files})
  set(key "${relative}")
  if(STEM)
    string(REGEX REPLACE "\\.[^./]*$" "" key "${relative}")
  endif()
  file(READ "${DIR}/${relative}" text)
  string(FIND "${text}" ")galley_embedded\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${DIR}/${relative} holds the raw string's delimiter")
  endif()
  string(APPEND body "      {\"${key}\", R\"galley_embedded(${text})galley_embedded\"},\n")
endforeach()
string(APPEND body "  };\n  return files;\n}\n\n}  // namespace galley\n")
file(WRITE "${OUT}.tmp" "${body}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
