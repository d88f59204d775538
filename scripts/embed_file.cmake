# Writes a C++ source defining `std::string_view NAMESPACE::FUNCTION()` that
# returns the text of one file, so that the galley binary carries it (the
# endpoints' Python scoring worker). Run by the build:
#   cmake -DOUT=file.cpp -DIN=worker.py -DNAMESPACE=galley::endpoint -DFUNCTION=workerScript -P embed_file.cmake
file(READ "${IN}" text)
string(FIND "${text}" ")galley_embedded\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} holds the raw string's delimiter")
endif()
set(body "// Generated from ${IN} by scripts/embed_file.cmake. Do not edit.\n")
string(APPEND body "#include <string_view>\n\nnamespace ${NAMESPACE} {\n\n")
string(APPEND body "std::string_view ${FUNCTION}() {\n")
string(APPEND body "  static constexpr std::string_view text = R\"galley_embedded(${text})galley_embedded\";\n")
string(APPEND body "  return text;\n}\n\n}  // namespace ${NAMESPACE}\n")
file(WRITE "${OUT}.tmp" "${body}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
