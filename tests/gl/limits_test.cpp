// The largest render size of the OpenGL in use (mmr/gl/limits.h): queried from the
// context, and a size over it refused by create_renderer with one line naming it.
#include <doctest/doctest.h>

#include <string>

#include "mmr/core/error.h"
#include "mmr/core/limits.h"
#include "mmr/gl/backend.h"
#include "mmr/gl/limits.h"

using namespace mmr;

TEST_CASE("GL size limit: llvmpipe renders 16384 pixels a side, mmr's own limit") {
    for (BackendKind kind : {BackendKind::Egl, BackendKind::OSMesa}) {
        const GlSizeLimit lim = probe_size_limit(kind);
        CAPTURE(lim.gl);
        CHECK(lim.side == 16384);
        CHECK(lim.side >= limits::max_render_side);  // the policy limit never asks for more than GL gives
        CHECK(lim.name == "GL_MAX_RENDERBUFFER_SIZE");  // the first of the equal limits
        CHECK(lim.gl.find("llvmpipe") != std::string::npos);
    }
    // A render at the limit is made (16384 wide, 16 high: 1 MiB of pixels).
    auto r = create_renderer(BackendKind::Auto, 16384, 16);
    DrawList empty;
    empty.width = 16384;
    empty.height = 16;
    const Image img = r->render(empty);
    CHECK(img.width == 16384);
    CHECK(img.height == 16);
}

TEST_CASE("GL size limit: a size over it is one line with the limit, the GL and the same shape that fits") {
    GlSizeLimit lim{8192, "GL_MAX_TEXTURE_SIZE", "EGL device, some GPU"};
    CHECK(render_size_problem(8192, 8192, lim) == "");
    CHECK(render_size_problem(3840, 2160, lim) == "");
    CHECK(render_size_problem(16384, 8192, lim) ==
          "render size 16384x8192: over the 8192 pixels a side this OpenGL allows (GL_MAX_TEXTURE_SIZE of EGL "
          "device, some GPU); use a smaller --size (or --supersample), e.g. --size 8192x4096");
    CHECK(render_size_problem(100, 9000, lim) ==
          "render size 100x9000: over the 8192 pixels a side this OpenGL allows (GL_MAX_TEXTURE_SIZE of EGL "
          "device, some GPU); use a smaller --size (or --supersample), e.g. --size 90x8192");
}
