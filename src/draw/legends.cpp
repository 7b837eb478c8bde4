// Name and shape legends (docs/spec/mm-look.md §6): flat text in the plane of a matrix,
// never seen mirror-reversed from the camera.
#include <glm/gtc/matrix_transform.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include "mmr/draw/build_draw_list.h"
#include "mmr/text/text.h"

namespace mmr {
namespace {

const double kPi = 3.14159265358979323846;

// mm's typeface (Droid Sans, three.js JSON with resolution 1000) has capitals
// 992 units tall, so its text at "size" s has a cap height of 0.992 s. We scale
// our font so capitals come out the same height.
const double kMmCapHeight = 0.992;

glm::dmat4 rot_z(double deg) { return glm::rotate(glm::dmat4(1.0), glm::radians(deg), {0, 0, 1}); }
glm::dmat4 rot_y180() { return glm::rotate(glm::dmat4(1.0), kPi, {0, 1, 0}); }
glm::dmat4 move(double x, double y, double z) { return glm::translate(glm::dmat4(1.0), {x, y, z}); }


std::string dim_text(const char* letter, int n, int blocks) {
    std::string s = std::string(letter) + " = " + std::to_string(n);
    if (blocks > 1) s += " / " + std::to_string(blocks);
    return s;
}

}  // namespace

// Emits the glyph quads of `shape` (text space, bbox shifted to start at x = 0)
// transformed by `m` into world space, two triangles per glyph.
void emit_text(const TextShape& shape, const glm::dmat4& m, std::vector<TextVertex>& out) {
    for (const GlyphQuad& q : shape.quads) {
        auto corner = [&](float x, float y, float u, float v) {
            glm::dvec4 p = m * glm::dvec4(x - shape.min_x, y, 0, 1);
            return TextVertex{float(p.x), float(p.y), float(p.z), u, v};
        };
        TextVertex a = corner(q.x0, q.y0, q.u0, q.v0), b = corner(q.x1, q.y0, q.u1, q.v0),
                   c = corner(q.x1, q.y1, q.u1, q.v1), d = corner(q.x0, q.y1, q.u0, q.v1);
        out.insert(out.end(), {a, b, c, a, c, d});
    }
}

void add_legends(const Model& model, const MatrixPlacement& mp, const CameraView& cam,
                 std::vector<TextVertex>& out) {
    const Node& style = mp.role == MatrixRole::Result ? *mp.node : *mp.owner;
    const DecoSettings& deco = style.deco;
    if (deco.legends <= 0) return;
    const Font& font = Font::default_font();
    const double em = kMmCapHeight / font.glyph_height_X(1.0);
    const Matrix& m = model.matrix(*mp.node);

    // The element lattice frame: element (r, c) at (c', r') with gaps.
    const glm::dmat4 lattice = mp.frame * move(mp.gap, mp.gap, 0);
    const double dispW = mp.cols.disp(), dispH = mp.rows.disp();
    const glm::dvec3 n = mp.normal();
    const glm::dvec3 p0(lattice[3]);
    const glm::dvec3 eye(cam.position[0], cam.position[1], cam.position[2]);
    const bool facing = glm::dot(n, p0 - eye) > 0;
    const glm::dmat4 flip = facing ? rot_y180() : glm::dmat4(1.0);

    const double base = deco.legends * std::cbrt(double(m.h) * double(m.w)) / 10.0;

    // Name legend, centred, 1 unit off the plane towards the camera.
    {
        const std::string& name = mp.node->name;
        double size = base * std::min(1.0, 8.0 / std::max<size_t>(1, name.size()));
        TextShape t = font.shape(name, size * em);
        double len = t.width, th = t.height;
        glm::dmat4 xf = lattice *
                        move((dispW - 1 - (facing ? len : -len)) / 2, th + (dispH - 1 - th) / 2,
                             facing ? -1 : 1) *
                        flip * rot_z(180);
        emit_text(t, xf, out);
    }

    const bool is_root_result = mp.role == MatrixRole::Result && mp.node->parent == nullptr;
    if (!deco.shape || !(mp.role != MatrixRole::Result || is_root_result)) return;

    const Orientation& o = mp.owner->orient;
    const bool front_eq_positive = (!o.result_back) == o.positive;
    const char *row_letter, *col_letter;
    bool row_place, col_place;
    switch (mp.role) {
        case MatrixRole::LeftLeaf:
            row_letter = "I"; row_place = front_eq_positive;
            col_letter = "K"; col_place = !o.right_bottom;
            break;
        case MatrixRole::RightLeaf:
            row_letter = "K"; row_place = !o.left_right;
            col_letter = "J"; col_place = front_eq_positive;
            break;
        default:
            row_letter = "I"; row_place = !o.left_right;
            col_letter = "J"; col_place = !o.right_bottom;
    }
    const double size = em * base / 2.5;
    const double hx = font.glyph_height_X(size);

    {  // rows: along a side edge, vertically centred
        TextShape t = font.shape(dim_text(row_letter, m.h, mp.rows.n), size);
        double len = t.width;
        bool same = row_place == facing;
        glm::dmat4 xf = lattice *
                        move(row_place ? dispW - 1 + 2 * hx : -2 * hx,
                             (same ? 0 : len) + (dispH - 1 - len) / 2, 0) *
                        flip * rot_z(same ? 90 : -90);
        emit_text(t, xf, out);
    }
    {  // columns: along the top or bottom edge, horizontally centred
        TextShape t = font.shape(dim_text(col_letter, m.w, mp.cols.n), size);
        double len = t.width;
        glm::dmat4 xf = lattice *
                        move((dispW - 1 - (facing ? len : -len)) / 2,
                             col_place ? dispH - 1 + 3 * hx : -2 * hx, 0) *
                        flip * rot_z(180);
        emit_text(t, xf, out);
    }
}

}  // namespace mmr
