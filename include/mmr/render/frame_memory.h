// Memory a render needs for its frame size, estimated before anything is built,
// drawn or written: a size that cannot fit is a one-line error naming --size (or
// the scene), the memory it would take and the memory allowed, instead of an
// out-of-memory kill minutes later. The per-pixel figures were measured (peak RSS
// against frame size, bench/RESULTS.md "4K"); docs/limits.md lists them.
#pragma once
#include <string>
#include <vector>

#include "mmr/gl/backend.h"
#include "mmr/scene/scene_spec.h"

namespace mmr {

// The renderer's frame buffers: colour, depth+stencil, the pixels read back and
// the flipped copy, 4 bytes each per pixel, plus the multisampled targets with --aa msaa.
double renderer_bytes_per_pixel(const RenderOptions& render);
// "512 MiB", "4.3 GiB": an amount of memory in error messages.
std::string memory_text(double bytes);
// A video's static layer (mmr/layer/layer_plan.h), on top of the renderer's.
double layer_bytes_per_pixel();

// What a video output adds per pixel of a frame: the frames queued for the encoder
// thread and the encoder's own (x264 keeps its lookahead, B-frames and references;
// libvpx and SVT-AV1 theirs). `codec` as VideoFormat::codec ("h264", "vp9", ...).
double encoder_bytes_per_pixel(const std::string& codec);

// Throws mmr::Error when width x height x bytes_per_pixel is over 3/4 of the memory
// the process may use (mmr/core/memory_limit.h):
// "--size 7680x4320: a 7680x4320 video needs about 4.3 GiB of memory, more than the 2.1 GiB
// allowed (3/4 of the 2.9 GiB of RLIMIT_AS (ulimit -v)); use a smaller --size, e.g. --size
// 5324x2994, or run where more memory is allowed".
// `what` is "still" or "video"; the size is named by scene.output.size_option, else by
// the scene file's output.
void check_frame_memory(const SceneSpec& scene, double bytes_per_pixel, const std::string& what);

}  // namespace mmr
