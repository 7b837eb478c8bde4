// Frame state -> draw list: sprites for matrix elements, row guides, flow
// guides, legends and axes (docs/spec/mm-look.md), all in world space.
#pragma once
#include <vector>

#include <glm/glm.hpp>

#include "mmr/draw/draw_list.h"
#include "mmr/layout/layout.h"
#include "mmr/model/model.h"
#include "mmr/text/text.h"
#include "mmr/theme/theme.h"

namespace mmr {

// mm's camera (docs/spec/mm-look.md §8). Without an explicit position the default
// (-48, 48, 48) is scaled by the scene's size relative to mm's default scene,
// as mm does when an expression is edited.
CameraView camera_view(const CameraSpec& cam, const Layout& layout, int width, int height);

// Element sprites of one matrix placement, all elements shown with final values.
void add_elements(const Model& model, const MatrixPlacement& mp, int width, int height,
                  std::vector<PointVertex>& out);

// Row guides of one matrix (docs/spec/mm-look.md §4.1), `level` = deco row guides.
// The theme picks the grey (theme.h row_guide_grey).
void add_row_guides(const MatrixPlacement& mp, double level, std::vector<LineVertex>& out,
                    ThemeKind theme = ThemeKind::Dark);

// Flow-guide arrow of one cube (docs/spec/mm-look.md §5), `s` = deco flow guides.
void add_flow_guide(const CubePlacement& cube, double s, std::vector<TriVertex>& out,
                    ThemeKind theme = ThemeKind::Dark);

// Name and shape legends of one matrix (docs/spec/mm-look.md §6).
// Emits the glyph quads of `shape` (text space, bbox shifted to start at x = 0)
// transformed by `m` into world space, two triangles per glyph (legends.cpp).
void emit_text(const TextShape& shape, const glm::dmat4& m, std::vector<TextVertex>& out);

void add_legends(const Model& model, const MatrixPlacement& mp, const CameraView& cam,
                 std::vector<TextVertex>& out);

// World axes (docs/spec/mm-look.md §4.3), drawn when deco.axes is set.
void add_axes(std::vector<LineVertex>& out);

// The whole static scene.
DrawList build_draw_list(const Model& model, const Layout& layout, int width, int height);

}  // namespace mmr
