#include "mmr/framing/fit.h"

#include <algorithm>
#include <cmath>

#include <glm/glm.hpp>
#include <glm/gtc/matrix_transform.hpp>

namespace mmr {
namespace {

// The camera's frame: unit forward f (eye to target), right r, up u.
struct Basis {
    glm::dvec3 eye, target, f, r, u;
    double tan_x, tan_y;  // half-angle tangents of the view
};

Basis basis(const CameraView& c, int width, int height) {
    Basis b;
    b.eye = glm::dvec3(c.position[0], c.position[1], c.position[2]);
    b.target = glm::dvec3(c.target[0], c.target[1], c.target[2]);
    b.f = glm::normalize(b.target - b.eye);
    b.r = glm::normalize(glm::cross(b.f, glm::dvec3(c.up[0], c.up[1], c.up[2])));
    b.u = glm::cross(b.r, b.f);
    b.tan_y = std::tan(glm::radians(double(c.fov_y_deg)) / 2);
    b.tan_x = b.tan_y * double(width) / double(height);
    return b;
}

// Calls fn(world point, sprite diameter numerator) for everything drawn.
template <class F>
void each_point(const DrawList& dl, F fn) {
    for (const auto& p : dl.points) fn(glm::dvec3(p.x, p.y, p.z), double(p.size));
    for (const auto& p : dl.lines) fn(glm::dvec3(p.x, p.y, p.z), 0.0);
    for (const auto& p : dl.text) fn(glm::dvec3(p.x, p.y, p.z), 0.0);
    for (const auto& p : dl.flow) fn(glm::dvec3(p.x, p.y, p.z), 0.0);
}

}  // namespace

FrameExtent frame_extent(const DrawList& dl) {
    const Basis b = basis(dl.camera, dl.width, dl.height);
    FrameExtent e;
    bool any = false;
    e.nearest_depth = 1e300;
    each_point(dl, [&](const glm::dvec3& p, double size) {
        const glm::dvec3 v = p - b.eye;
        const double z = glm::dot(v, b.f);
        e.nearest_depth = std::min(e.nearest_depth, z);
        if (z <= 0) return;
        // Sprite: diameter size / z pixels (clamped to 1 pixel at least by GL).
        const double rad_px = size > 0 ? std::max(1.0, size / z) / 2 : 0;
        const double x = 0.5 + glm::dot(v, b.r) / (z * b.tan_x) / 2;
        const double y = 0.5 - glm::dot(v, b.u) / (z * b.tan_y) / 2;
        const double rx = rad_px / dl.width, ry = rad_px / dl.height;
        if (!any) e.x0 = e.x1 = x, e.y0 = e.y1 = y, any = true;
        e.x0 = std::min(e.x0, x - rx), e.x1 = std::max(e.x1, x + rx);
        e.y0 = std::min(e.y0, y - ry), e.y1 = std::max(e.y1, y + ry);
    });
    if (!any) e.nearest_depth = 0;
    return e;
}

CameraView fit_camera(const DrawList& dl, double margin) {
    const Basis b = basis(dl.camera, dl.width, dl.height);
    const double k = 1 - 2 * std::clamp(margin, 0.0, 0.49);  // NDC half-extent allowed
    // With the eye at distance D from the target along -f, a point at
    // offset v = p - target has depth z = D + v.f and NDC x = (v.r) / (z tan_x);
    // a sprite adds size / (z W) (its radius, in NDC). Inside when
    // |v.r| / tan_x + size / W <= k z, i.e. D >= (|v.r| / tan_x + size / W) / k - v.f,
    // and the same vertically: the smallest D is the largest of these.
    double need = 0;
    bool any = false;
    each_point(dl, [&](const glm::dvec3& p, double size) {
        const glm::dvec3 v = p - b.target;
        const double along = glm::dot(v, b.f);
        const double dx = (std::fabs(glm::dot(v, b.r)) / b.tan_x + size / dl.width) / k - along;
        const double dy = (std::fabs(glm::dot(v, b.u)) / b.tan_y + size / dl.height) / k - along;
        need = any ? std::max({need, dx, dy}) : std::max(dx, dy);
        any = true;
    });
    CameraView c = dl.camera;
    if (!any) return c;
    // Stay beyond the near plane: nothing drawn may come closer than it.
    double nearest = 1e300;
    each_point(dl, [&](const glm::dvec3& p, double) { nearest = std::min(nearest, glm::dot(p - b.target, b.f)); });
    need = std::max(need, double(c.near_plane) * 1.5 - nearest);
    double farthest = -1e300;
    each_point(dl, [&](const glm::dvec3& p, double) { farthest = std::max(farthest, glm::dot(p - b.target, b.f)); });
    // A scene far away (very wide or tall) must not reach past the far plane.
    c.far_plane = std::max(c.far_plane, float((need + farthest) * 1.25));
    const glm::dvec3 eye = b.target - b.f * need;
    c.position[0] = float(eye.x), c.position[1] = float(eye.y), c.position[2] = float(eye.z);
    return c;
}

}  // namespace mmr
