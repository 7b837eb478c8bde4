// Backend choice: EGL surfaceless first (no window system, no environment
// variables), OSMesa as the fallback for machines with libosmesa6 only.
#include <malloc.h>

#include "gl_context.h"
#include "gl_renderer.h"
#include "mmr/core/error.h"
#include "mmr/gl/backend.h"
#include "mmr/gl/limits.h"

namespace mmr {

BackendKind parse_backend(const std::string& name) {
    if (name == "auto") return BackendKind::Auto;
    if (name == "egl") return BackendKind::Egl;
    if (name == "osmesa") return BackendKind::OSMesa;
    throw Error("--backend: unknown backend \"" + name + "\"; choose auto, egl or osmesa");
}

Antialias parse_antialias(const std::string& name) {
    if (name == "msaa") return Antialias::Msaa;
    if (name == "smooth") return Antialias::Smooth;
    if (name == "none") return Antialias::None;
    throw Error("--aa: unknown antialiasing \"" + name + "\"; choose msaa, smooth or none");
}

RenderOptions render_options(const std::string& aa, int msaa) {
    RenderOptions o;
    if (msaa >= 0) {
        o.msaa = msaa;
        o.aa = msaa > 0 ? Antialias::Msaa : Antialias::None;
    }
    if (!aa.empty()) o.aa = parse_antialias(aa);
    return o;
}

void tune_malloc() {
    mallopt(M_TRIM_THRESHOLD, 1 << 30);        // keep freed memory instead of returning it
    mallopt(M_MMAP_THRESHOLD, 256 << 20);      // frame-sized buffers come from the heap
}

std::unique_ptr<Renderer> create_renderer(BackendKind kind, int width, int height,
                                          const RenderOptions& opts) {
    tune_malloc();
    std::string egl_failure, osmesa_failure;
    // A size over the context's limit is the user's to fix, not a reason to try
    // the other backend: it is checked outside the fallback (mmr/gl/limits.h).
    std::string too_large;
    auto make = [&](std::unique_ptr<GlContext> ctx) -> std::unique_ptr<Renderer> {
        too_large = render_size_problem(width, height, query_size_limit(*ctx));
        if (!too_large.empty()) return nullptr;
        return make_gl_renderer(std::move(ctx), width, height, opts);
    };
    if (kind != BackendKind::OSMesa) {
        try {
            if (auto r = make(create_egl_context())) return r;
        } catch (const Error& e) {
            if (kind == BackendKind::Egl)
                throw Error(std::string("EGL surfaceless: ") + e.what() + "; install libegl1 and libgl1-mesa-dri");
            egl_failure = e.what();
        }
        if (!too_large.empty()) throw Error(too_large);
    }
    try {
        if (auto r = make(create_osmesa_context())) return r;
    } catch (const Error& e) {
        if (kind == BackendKind::OSMesa) throw Error(std::string("OSMesa: ") + e.what() + "; install libosmesa6");
        osmesa_failure = e.what();
    }
    if (!too_large.empty()) throw Error(too_large);
    throw Error("no usable OpenGL: EGL surfaceless failed (" + egl_failure + "); OSMesa failed (" +
                osmesa_failure + "); install libegl1 and libgl1-mesa-dri, or libosmesa6");
}

}  // namespace mmr
