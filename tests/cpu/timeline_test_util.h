// Helpers of the timeline tests: scenes from YAML text, lattice positions.
#pragma once
#include <doctest/doctest.h>

#include <string>

#include "mmr/layout/layout.h"
#include "mmr/model/build_model.h"
#include "mmr/scene/scene_parser.h"
#include "mmr/timeline/animation.h"

namespace mmr::test {

// A model with its layout (the layout points into the model's nodes).
struct Scene {
    Model model;
    Layout layout;
    explicit Scene(const std::string& yaml)
        : model(build_model(parse_scene(yaml, "t.yaml"))), layout(compute_layout(model)) {}
    const Node& root() const { return *model.root; }
    const Matrix& values(const Node& n) const { return model.matrix(n); }
};

// World position of the interior lattice point (i, k, j) of a matmul (docs/spec/mm-layout.md §3-4).
inline glm::dvec3 lattice(const Layout& layout, const Node& matmul, int i, int k, int j) {
    const CubePlacement& c = *layout.cube_of(&matmul);
    return glm::dvec3(c.local * glm::dvec4(c.X(j), c.Y(i), c.Z(k), 1.0));
}

inline bool near(const glm::dvec3& a, const glm::dvec3& b) { return glm::length(a - b) < 1e-9; }

// Interior mats of one matmul that exist now.
inline std::vector<Intermediate> interiors_of(const Animation& a, const Node& matmul) {
    std::vector<Intermediate> out;
    for (const Intermediate& m : a.intermediates())
        if (m.matmul == &matmul && m.kind == Intermediate::Kind::Interior) out.push_back(m);
    return out;
}

inline std::vector<Intermediate> planes_of(const Animation& a, const Node& matmul) {
    std::vector<Intermediate> out;
    for (const Intermediate& m : a.intermediates())
        if (m.matmul == &matmul && m.kind == Intermediate::Kind::PartialPlane) out.push_back(m);
    return out;
}

// Number of elements of a matrix in a given mode.
inline int count_mode(const MatrixView& v, ElementMode m) {
    int n = 0;
    const Matrix& x = v.values();
    for (int r = 0; r < x.h; ++r)
        for (int c = 0; c < x.w; ++c) n += v.mode(r, c) == m;
    return n;
}

}  // namespace mmr::test
