# Writes OUT: a C++ file defining mmr::shader_source(name) for every
# SHADER_DIR/*.glsl, so the binary needs no shader files at run time.
file(GLOB shaders ${SHADER_DIR}/*.glsl)
list(SORT shaders)
set(body "#include <cstring>\nnamespace mmr {\nconst char* shader_source(const char* name) {\n")
foreach(path ${shaders})
  get_filename_component(name ${path} NAME)
  file(READ ${path} text)
  string(APPEND body "  if (std::strcmp(name, \"${name}\") == 0) return R\"mmrglsl(${text})mmrglsl\";\n")
endforeach()
string(APPEND body "  return nullptr;\n}\n}  // namespace mmr\n")
file(WRITE ${OUT}.tmp "${body}")
file(RENAME ${OUT}.tmp ${OUT})
