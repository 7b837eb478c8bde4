// The largest image the OpenGL in use can render and read back, and the check of
// a render size against it (create_renderer runs it before any drawing).
// llvmpipe (Mesa 22) allows 16384 pixels a side, the same as mmr's own limit
// (mmr/core/limits.h, max_render_side): the check matters for EGL devices (GPUs)
// whose limit is lower.
#pragma once
#include <string>

#include "mmr/gl/backend.h"

namespace mmr {

class GlContext;  // src/gl/gl_context.h

struct GlSizeLimit {
    int side = 0;      // largest width and height, in pixels
    std::string name;  // the GL limit that sets it, e.g. "GL_MAX_RENDERBUFFER_SIZE"
    std::string gl;    // whose limit: "<platform>, <GL_RENDERER>", e.g. "EGL surfaceless, llvmpipe (...)"
};

// The smallest of GL_MAX_RENDERBUFFER_SIZE, GL_MAX_TEXTURE_SIZE and both
// GL_MAX_VIEWPORT_DIMS of a context (made current here). For src/gl.
GlSizeLimit query_size_limit(GlContext& ctx);

// "" if a width x height render fits `limit`, else the one-line error:
// "render size 20000x100: over the 16384 pixels a side this OpenGL allows
// (GL_MAX_RENDERBUFFER_SIZE of <gl>); use a smaller --size (or --supersample),
// e.g. --size 16384x80" (the same shape, even sides).
std::string render_size_problem(int width, int height, const GlSizeLimit& limit);

// Creates a context of the given backend (Auto: EGL, then OSMesa), queries its
// limit and releases it. Throws mmr::Error as create_renderer does.
GlSizeLimit probe_size_limit(BackendKind kind);

}  // namespace mmr
