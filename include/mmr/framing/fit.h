// Fit to frame (camera: {fit: true, margin: M}, --fit --margin M): the camera
// keeps its direction and target and moves along that line to the distance at
// which everything drawn (element sprites with their on-screen size, row guides,
// legends, flow arrows, axes) lies inside the frame with a margin of M (a
// fraction of the width on the left and right, of the height at top and bottom).
// CPU only: it works on the draw list and the projection the GL backend uses.
#pragma once
#include "mmr/draw/draw_list.h"

namespace mmr {

// Extent of what `dl` draws, as fractions of its frame (0..1, y down), with the
// sprites' radii; an empty list gives {0.5, 0.5, 0.5, 0.5}.
struct FrameExtent {
    double x0 = 0.5, y0 = 0.5, x1 = 0.5, y1 = 0.5;
    double nearest_depth = 0;  // smallest view depth of anything drawn (behind the eye: <= 0)
};
FrameExtent frame_extent(const DrawList& dl);

// The camera at the distance from its target where what `dl` draws fits with
// `margin` (0 <= margin < 0.5), keeping direction, target, up and fov. Exact for
// what does not depend on the camera; legends turn with it, so callers rebuild
// them and call again (build_draw_list does).
CameraView fit_camera(const DrawList& dl, double margin);

}  // namespace mmr
