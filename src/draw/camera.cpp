#include <algorithm>
#include <cmath>

#include "mmr/draw/build_draw_list.h"

namespace mmr {

CameraView camera_view(const CameraSpec& cam, const Layout& layout, int width, int height) {
    CameraView v;
    glm::dvec3 pos(cam.position.x, cam.position.y, cam.position.z);
    if (!cam.position_set) {
        // mm's default camera suits its default scene (a 39-unit cube); mm scales
        // the camera by the ratio of bounding-box size sums when the scene changes.
        glm::dvec3 ext = layout.box_max - layout.box_min;
        double ratio = (ext.x + ext.y + ext.z) / (3 * 39.0);
        if (ratio > 0) pos *= ratio;
    }
    v.position[0] = float(pos.x);
    v.position[1] = float(pos.y);
    v.position[2] = float(pos.z);
    v.target[0] = float(cam.target.x);
    v.target[1] = float(cam.target.y);
    v.target[2] = float(cam.target.z);
    double aspect = double(width) / double(height);
    v.fov_y_deg = float(cam.fov / std::min(1.0, aspect));
    return v;
}

}  // namespace mmr
