// Overlay text (overlay.h): labels in the plane of a result matrix, below it; a panel
// in a plane facing the camera, just beyond the near plane, in the top-left corner.
#include "mmr/draw/overlay.h"

#include <glm/gtc/matrix_transform.hpp>

#include <algorithm>
#include <cmath>

#include "mmr/draw/build_draw_list.h"
#include "mmr/text/text.h"

namespace mmr {
namespace {

// A frame whose x axis is `right`, y axis `up`, facing the viewer at `eye`, at `origin`.
glm::dmat4 facing_frame(const glm::dvec3& origin, const glm::dvec3& right, const glm::dvec3& up) {
    const glm::dvec3 z = glm::cross(right, up);
    glm::dmat4 m(1.0);
    m[0] = glm::dvec4(right, 0);
    m[1] = glm::dvec4(up, 0);
    m[2] = glm::dvec4(z, 0);
    m[3] = glm::dvec4(origin, 1);
    return m;
}

}  // namespace

void add_overlay(const Overlay& ov, const Model& model, const Layout& layout, DrawList& dl) {
    if (ov.empty()) return;
    const Font& font = Font::default_font();
    const CameraView& cam = dl.camera;
    const glm::dvec3 eye(cam.position[0], cam.position[1], cam.position[2]);
    const glm::dvec3 target(cam.target[0], cam.target[1], cam.target[2]);
    const glm::dvec3 fwd = glm::normalize(target - eye);
    const glm::dvec3 right = glm::normalize(glm::cross(fwd, glm::dvec3(0, 1, 0)));
    const glm::dvec3 up = glm::cross(right, fwd);

    // Labels: under each result matrix, facing the camera, sized to the matrix.
    for (const MatrixPlacement& mp : layout.matrices) {
        if (mp.role != MatrixRole::Result) continue;
        auto it = ov.labels.find(mp.node->name);
        if (it == ov.labels.end()) continue;
        const Matrix& m = model.matrix(*mp.node);
        const double size = std::max(0.6, mp.node->deco.legends * std::cbrt(double(m.h) * double(m.w)) / 16.0);
        // The middle of the matrix's lowest edge on screen (the two corners lowest along `up`).
        std::vector<glm::dvec3> corners;
        for (int a = 0; a < 2; ++a)
            for (int b = 0; b < 2; ++b)
                corners.push_back(glm::dvec3(
                    mp.frame * glm::dvec4(a * (mp.cols.disp() + 2 * mp.gap), b * (mp.rows.disp() + 2 * mp.gap), 0, 1)));
        std::sort(corners.begin(), corners.end(), [&](const glm::dvec3& x, const glm::dvec3& y) {
            return glm::dot(x, up) < glm::dot(y, up);
        });
        const glm::dvec3 low = (corners[0] + corners[1]) / 2.0;
        glm::dvec3 origin = low - up * (size * 1.8);
        for (const std::string& line : it->second) {
            TextShape t = font.shape(line, size);
            emit_text(t, facing_frame(origin - right * (double(t.width) / 2), right, up), dl.text);
            origin -= up * (size * 1.4);
        }
    }

    // Panel: top-left corner of the view, at a depth just beyond the near plane.
    if (!ov.panel.empty()) {
        const double depth = cam.near_plane * 1.5;
        const double half_h = depth * std::tan(glm::radians(double(cam.fov_y_deg)) / 2);
        const double half_w = half_h * double(dl.width) / double(dl.height);
        const double size = half_h * 0.045;
        glm::dvec3 origin = eye + fwd * depth - right * (half_w * 0.96) + up * (half_h * 0.96 - size);
        for (const std::string& line : ov.panel) {
            emit_text(font.shape(line, size), facing_frame(origin, right, up), dl.text);
            origin -= up * (size * 1.45);
        }
    }
}

}  // namespace mmr
