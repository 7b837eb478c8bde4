// Headless OpenGL: EGL surfaceless (default) or OSMesa (fallback), rendering a
// DrawList into RGBA pixels. Nothing outside src/gl includes GL headers.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mmr/draw/draw_list.h"

namespace mmr {

enum class BackendKind { Auto, Egl, OSMesa };
BackendKind parse_backend(const std::string& name);  // throws mmr::Error

// How row guides, legends and flow guides are antialiased (element sprites
// are alpha-tested in every mode, as in mm).
//   Msaa:   multisampling with `msaa` samples, as a browser does (0 = None).
//   Smooth: no multisampling; the shaders of lines (expanded to screen-
//           aligned quads), text (from its distance field) and flow-vane
//           edges count the covered samples of the standard 4x pattern, and
//           the result is blended: what MSAA 4 gives, at about the cost of
//           None. Sprites are drawn exactly as with None.
//   None:   aliased: lines 1 px, text alpha-tested, hard triangle edges.
enum class Antialias { Msaa, Smooth, None };
Antialias parse_antialias(const std::string& name);  // "msaa", "smooth", "none"; throws mmr::Error

struct RenderOptions {
    Antialias aa = Antialias::Smooth;
    int msaa = 4;  // samples when aa is Msaa (0 = off, i.e. None)
    // --scale: line widths and the smallest sprite (1 pixel each) are multiplied
    // by it, so that a picture twice as large at scale 2 looks like the small
    // one enlarged (everything else is sized in the world and grows anyway).
    float scale = 1;
};

// The command line's choice: `--aa NAME` if given (empty = not given); else
// `--msaa N`, kept as an alias (N > 0: MSAA with N samples, 0: None; < 0 =
// not given); else the defaults. With both, --aa wins and --msaa N is the
// sample count of --aa msaa.
RenderOptions render_options(const std::string& aa, int msaa);  // throws mmr::Error

struct Image {
    int width = 0, height = 0;
    std::vector<uint8_t> rgba;  // top row first, 4 bytes per pixel
};

class Renderer {
public:
    virtual ~Renderer() = default;
    virtual std::string description() const = 0;  // e.g. "EGL surfaceless: llvmpipe ..."
    // Draws the list and reads back the pixels (top row first) into `out`,
    // reusing its buffer.
    virtual void render(const DrawList& list, Image& out) = 0;
    Image render(const DrawList& list) {
        Image out;
        render(list, out);
        return out;
    }
};

// Creates a renderer of the given size with the chosen backend. Auto tries EGL
// then OSMesa. Throws mmr::Error listing what was tried if none works.
std::unique_ptr<Renderer> create_renderer(BackendKind kind, int width, int height,
                                          const RenderOptions& opts = {});

// Stops glibc from trimming and re-faulting the heap every frame, which halves
// llvmpipe's throughput (docs/dev/headless-gl.md pitfall 1). create_renderer calls it; calling it
// again is harmless.
void tune_malloc();

}  // namespace mmr
