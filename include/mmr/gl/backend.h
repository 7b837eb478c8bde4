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

struct RenderOptions {
    int msaa = 4;  // samples for lines, text and flow guides (0 = off)
};

struct Image {
    int width = 0, height = 0;
    std::vector<uint8_t> rgba;  // top row first, 4 bytes per pixel
};

class Renderer {
public:
    virtual ~Renderer() = default;
    virtual std::string description() const = 0;  // e.g. "EGL surfaceless: llvmpipe ..."
    // Draws the list and reads back the pixels (top row first).
    virtual Image render(const DrawList& list) = 0;
};

// Creates a renderer of the given size with the chosen backend. Auto tries EGL
// then OSMesa. Throws mmr::Error listing what was tried if none works.
std::unique_ptr<Renderer> create_renderer(BackendKind kind, int width, int height,
                                          const RenderOptions& opts = {});

// Stops glibc from trimming and re-faulting the heap every frame, which halves
// llvmpipe's throughput (notes pitfall 1). create_renderer calls it; calling it
// again is harmless.
void tune_malloc();

}  // namespace mmr
