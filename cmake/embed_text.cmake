# Writes OUT, a C++ source that defines `const char stoa::app::NAME[]` holding the text of IN as a
# raw string literal. Run with cmake -DIN=... -DOUT=... -DNAME=... -P embed_text.cmake.
file(READ "${IN}" text)
string(FIND "${text}" ")stoa_embed\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw-string delimiter )stoa_embed\"")
endif()
file(WRITE "${OUT}.tmp"
  "// Generated from ${IN} by cmake/embed_text.cmake at build time; do not edit.\n"
  "namespace stoa::app {\n"
  "extern const char ${NAME}[];\n"
  "const char ${NAME}[] = R\"stoa_embed(${text})stoa_embed\";\n"
  "}  // namespace stoa::app\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
