// The OpenGL implementation of mmr::Renderer, on any GlContext.
#pragma once
#include <memory>

#include "gl_context.h"
#include "mmr/gl/backend.h"

namespace mmr {

// Takes over a freshly created (current) context. Throws mmr::Error.
std::unique_ptr<Renderer> make_gl_renderer(std::unique_ptr<GlContext> ctx, int width, int height,
                                           const RenderOptions& opts);

}  // namespace mmr
