#include "mmr/render/frame_memory.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "mmr/core/error.h"
#include "mmr/core/memory_limit.h"

namespace mmr {

std::string memory_text(double bytes) {
    char buf[32];
    if (bytes >= double(1ull << 30))
        std::snprintf(buf, sizeof buf, "%.1f GiB", bytes / double(1ull << 30));
    else
        std::snprintf(buf, sizeof buf, "%.0f MiB", bytes / double(1ull << 20));
    return buf;
}

namespace {

// Memory besides the frames: the process, libraries, GL context, font atlas (measured
// peak RSS at 16x16 is about 100 MiB; the scene's own memory is checked when it is built).
constexpr double kBaseBytes = 128.0 * (1 << 20);

}  // namespace

double renderer_bytes_per_pixel(const RenderOptions& render) {
    // Colour + depth/stencil, the image and the readback's bottom-up copy.
    return 20.0 + (render.aa == Antialias::Msaa ? 8.0 * std::max(1, render.msaa) : 0.0);
}

double layer_bytes_per_pixel() { return 8.0; }  // the static layer's colour + depth/stencil

double encoder_bytes_per_pixel(const std::string& codec) {
    // Peak RSS growth per pixel of frame size, measured on 8-frame renders at
    // 1280x720 and 2560x1440 (and H.264 at 1920x1080, 3840x2160, 7680x4320), minus
    // the renderer's 16 at the time, rounded up: bench/RESULTS.md "4K".
    if (codec == "h264") return 120;  // measured 110-115
    if (codec == "vp9") return 180;   // 160 over 8 frames; libvpx holds up to 25
    if (codec == "av1") return 180;   // 160
    if (codec == "prores") return 80;  // 70
    return 50;  // webp 43, gif 21, apng, PNG sequence: the queue and one converted frame
}

void check_frame_memory(const SceneSpec& scene, double bytes_per_pixel, const std::string& what) {
    const int w = scene.output.width, h = scene.output.height;
    const double need = kBaseBytes + bytes_per_pixel * double(w) * double(h);
    const MemoryLimit lim = process_memory_limit();
    if (lim.bytes <= 0 || need <= 0.75 * lim.bytes) return;
    const std::string size = std::to_string(w) + "x" + std::to_string(h);
    // The same shape at the largest size that fits (even sides, at least 16).
    const double f = std::sqrt(std::max(0.0, 0.75 * lim.bytes - kBaseBytes) / (bytes_per_pixel * double(w) * double(h)));
    const int fw = std::max(16, int(std::floor(w * f / 2)) * 2), fh = std::max(16, int(std::floor(h * f / 2)) * 2);
    const std::string where = !scene.output.size_option.empty() ? scene.output.size_option
                                                                : scene.path + ": output " + size;
    fail(where,
         "a " + size + " " + what + " needs about " + memory_text(need) + " of memory, more than the " +
             memory_text(0.75 * lim.bytes) + " allowed (3/4 of the " + memory_text(lim.bytes) + " of " + lim.source + ")",
         "use a smaller --size, e.g. --size " + std::to_string(fw) + "x" + std::to_string(fh) +
             ", or run where more memory is allowed");
}

}  // namespace mmr
