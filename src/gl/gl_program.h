// Compiling and linking the embedded shaders.
#pragma once
#include "gl_functions.h"

namespace mmr {

// Builds a program from embedded shader files ("points.vert.glsl", ...), with
// an optional geometry shader. Throws mmr::Error naming the file and quoting
// GL's info log on one line.
GLuint build_program(const GlFunctions& gl, const char* vert_name, const char* frag_name,
                     const char* geom_name = nullptr);

}  // namespace mmr
