// The largest render size of a GL context (mmr/gl/limits.h).
#include "mmr/gl/limits.h"

#include <GL/glcorearb.h>

#include <algorithm>
#include <cmath>

#include "gl_context.h"
#include "mmr/core/error.h"

namespace mmr {

GlSizeLimit query_size_limit(GlContext& ctx) {
    ctx.make_current();
    auto get = reinterpret_cast<PFNGLGETINTEGERVPROC>(ctx.get_proc("glGetIntegerv"));
    auto error = reinterpret_cast<PFNGLGETERRORPROC>(ctx.get_proc("glGetError"));
    if (!get || !error) throw Error(ctx.platform() + " has no glGetIntegerv");
    GlSizeLimit best;
    auto consider = [&](GLenum what, const char* name, int index) {
        GLint v[2] = {0, 0};
        get(what, v);
        if (error() != GL_NO_ERROR || v[index] <= 0) return;  // not reported: no constraint from it
        if (best.side == 0 || v[index] < best.side) best = {int(v[index]), name, ""};
    };
    // The renderer draws into renderbuffers and reads them back; the viewport
    // must cover them; textures bound the size of any texture-backed layer.
    consider(GL_MAX_RENDERBUFFER_SIZE, "GL_MAX_RENDERBUFFER_SIZE", 0);
    consider(GL_MAX_TEXTURE_SIZE, "GL_MAX_TEXTURE_SIZE", 0);
    consider(GL_MAX_VIEWPORT_DIMS, "GL_MAX_VIEWPORT_DIMS", 0);
    consider(GL_MAX_VIEWPORT_DIMS, "GL_MAX_VIEWPORT_DIMS", 1);
    if (best.side == 0) throw Error(ctx.platform() + " reports no maximum render size");
    auto get_string = reinterpret_cast<PFNGLGETSTRINGPROC>(ctx.get_proc("glGetString"));
    const GLubyte* renderer = get_string ? get_string(GL_RENDERER) : nullptr;
    best.gl = ctx.platform() + (renderer ? ", " + std::string(reinterpret_cast<const char*>(renderer)) : "");
    return best;
}

std::string render_size_problem(int width, int height, const GlSizeLimit& limit) {
    if (limit.side <= 0 || (width <= limit.side && height <= limit.side)) return "";
    const std::string size = std::to_string(width) + "x" + std::to_string(height);
    // The same shape at the largest size allowed, each side even (video-friendly).
    const double f = double(limit.side) / double(std::max(width, height));
    const int w = std::max(16, int(std::floor(width * f / 2)) * 2), h = std::max(16, int(std::floor(height * f / 2)) * 2);
    return format_error("render size " + size,
                        "over the " + std::to_string(limit.side) + " pixels a side this OpenGL allows (" + limit.name +
                            (limit.gl.empty() ? "" : " of " + limit.gl) + ")",
                        "use a smaller --size (or --supersample), e.g. --size " + std::to_string(w) + "x" +
                            std::to_string(h));
}

GlSizeLimit probe_size_limit(BackendKind kind) {
    std::string egl_failure;
    if (kind != BackendKind::OSMesa) {
        try {
            auto ctx = create_egl_context();
            return query_size_limit(*ctx);
        } catch (const Error& e) {
            if (kind == BackendKind::Egl) throw Error(std::string("EGL surfaceless: ") + e.what());
            egl_failure = e.what();
        }
    }
    try {
        auto ctx = create_osmesa_context();
        return query_size_limit(*ctx);
    } catch (const Error& e) {
        throw Error(std::string("OSMesa: ") + e.what() + (egl_failure.empty() ? "" : "; EGL surfaceless: " + egl_failure));
    }
}

}  // namespace mmr
