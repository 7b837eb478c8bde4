// Fit to frame (issue #10 part 3): with camera fit, everything drawn -- element
// sprites at their on-screen size, guides, legends, arrows -- projects inside
// the frame with the margin, for the shipped scenes and three awkward shapes.
// The projection here is written out as the GL backend does it (glm lookAt and
// perspective, gl_PointSize = size / -view.z clamped to 1..255), not taken from
// the fitting code.
#include <doctest/doctest.h>

#include <dirent.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <glm/glm.hpp>
#include <glm/gtc/matrix_transform.hpp>
#include <glm/gtc/type_ptr.hpp>

#include "mmr/draw/build_draw_list.h"
#include "mmr/layout/layout.h"
#include "mmr/model/build_model.h"
#include "mmr/scene/load_scene.h"
#include "mmr/scene/scene_parser.h"

using namespace mmr;

namespace {

struct Box {
    double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
    bool behind = false;  // something at or behind the near plane
};

Box project(const DrawList& dl) {
    const CameraView& c = dl.camera;
    const glm::mat4 view = glm::lookAt(glm::make_vec3(c.position), glm::make_vec3(c.target), glm::make_vec3(c.up));
    const glm::mat4 proj =
        glm::perspective(glm::radians(c.fov_y_deg), float(dl.width) / float(dl.height), c.near_plane, c.far_plane);
    Box b;
    auto add = [&](float x, float y, float z, float size) {
        const glm::vec4 v = view * glm::vec4(x, y, z, 1);
        const glm::vec4 clip = proj * v;
        if (clip.w <= 0 || clip.z < -clip.w || clip.z > clip.w) {
            b.behind = true;
            return;
        }
        const double px = (clip.x / clip.w * 0.5 + 0.5) * dl.width;
        const double py = (0.5 - clip.y / clip.w * 0.5) * dl.height;
        const double r = size > 0 ? std::clamp(double(size) / -v.z, 1.0, 255.0) / 2 : 0;
        b.x0 = std::min(b.x0, px - r), b.x1 = std::max(b.x1, px + r);
        b.y0 = std::min(b.y0, py - r), b.y1 = std::max(b.y1, py + r);
    };
    for (const auto& p : dl.points) add(p.x, p.y, p.z, p.size);
    for (const auto& p : dl.lines) add(p.x, p.y, p.z, 0);
    for (const auto& p : dl.text) add(p.x, p.y, p.z, 0);
    for (const auto& p : dl.flow) add(p.x, p.y, p.z, 0);
    return b;
}

DrawList fitted(SceneSpec spec, int w, int h, double margin) {
    spec.camera.fit = true;
    spec.camera.margin = margin;
    Model m = build_model(spec);
    Layout l = compute_layout(m);
    return build_draw_list(m, l, w, h);
}

// Inside the margin (half a pixel of slack for float rounding), and tight: some
// side within 1 % of the frame of its margin.
void check_fit(const SceneSpec& spec, const std::string& what) {
    for (auto [w, h] : {std::pair{1280, 720}, {720, 1280}, {800, 800}})
        for (double m : {0.05, 0.2}) {
            const DrawList dl = fitted(spec, w, h, m);
            const Box b = project(dl);
            INFO(what << " at " << w << "x" << h << " margin " << m << ": box " << b.x0 << ", " << b.y0 << " - "
                      << b.x1 << ", " << b.y1);
            CHECK_FALSE(b.behind);
            CHECK(b.x0 >= m * w - 0.5);
            CHECK(b.x1 <= (1 - m) * w + 0.5);
            CHECK(b.y0 >= m * h - 0.5);
            CHECK(b.y1 <= (1 - m) * h + 0.5);
            const double slack = std::min({(b.x0 - m * w) / w, ((1 - m) * w - b.x1) / w, (b.y0 - m * h) / h,
                                           ((1 - m) * h - b.y1) / h});
            CHECK(slack < 0.01);
        }
}

}  // namespace

TEST_CASE("fit: shipped scenes fit inside the margin") {
    const std::string dir = std::string(MMR_SOURCE_DIR) + "/scenes";
    std::vector<std::string> files;
    DIR* d = opendir(dir.c_str());
    REQUIRE(d);
    while (dirent* e = readdir(d)) {
        const std::string n = e->d_name;
        if (n.size() > 5 && n.compare(n.size() - 5, 5, ".yaml") == 0) files.push_back(dir + "/" + n);
    }
    closedir(d);
    std::sort(files.begin(), files.end());
    CHECK(files.size() >= 20);
    for (const auto& f : files) check_fit(load_scene(f), f);
}

TEST_CASE("fit: very wide, very tall and deep compound scenes") {
    check_fit(parse_scene("expr: A @ B\nmatrices: {A: {shape: [4, 16]}, B: {shape: [16, 600]}}\n", "wide.yaml"),
              "very wide");
    check_fit(parse_scene("expr: A @ B\nmatrices: {A: {shape: [600, 16]}, B: {shape: [16, 4]}}\n", "tall.yaml"),
              "very tall");
    check_fit(parse_scene("expr: out = (((((A @ B) @ C) @ D) @ E) @ F) @ (G @ (H @ J))\n"
                          "matrices: {A: {shape: [32, 48]}}\n",
                          "deep.yaml"),
              "deep compound");
}

TEST_CASE("fit keeps the camera's direction and target; without fit the camera is mm's") {
    SceneSpec s = parse_scene("expr: A @ B\nmatrices: {A: {shape: [4, 16]}, B: {shape: [16, 600]}}\n", "w.yaml");
    Model m = build_model(s);
    Layout l = compute_layout(m);
    const DrawList plain = build_draw_list(m, l, 640, 360);
    const DrawList fit = fitted(s, 640, 360, 0.05);
    for (int i = 0; i < 3; ++i) CHECK(fit.camera.target[i] == plain.camera.target[i]);
    const glm::vec3 a = glm::normalize(glm::make_vec3(plain.camera.position) - glm::make_vec3(plain.camera.target));
    const glm::vec3 b = glm::normalize(glm::make_vec3(fit.camera.position) - glm::make_vec3(fit.camera.target));
    CHECK(glm::dot(a, b) == doctest::Approx(1.0).epsilon(1e-5));
    // mm's default camera cuts this scene off; the fitted one does not.
    const Box p = project(plain);
    CHECK((p.behind || p.x0 < 0 || p.x1 > 640 || p.y0 < 0 || p.y1 > 360));
}
