// The flat view of a scene (`--view flat`, docs/flat.md#the-flat-view-of-a-scene): every
// matrix of the expression face-on, in the 2D arrangement of a matmul — the left operand
// to the left of the result, the right operand above it, compound operands arranged the
// same way — coloured as in the 3D view, and the animation's state per frame (elements
// not yet computed are absent, the ones a step consumes highlighted).
#pragma once
#include <string>
#include <vector>

#include "mmr/flat/figure.h"
#include "mmr/gl/backend.h"
#include "mmr/model/model.h"

namespace mmr {
class Animation;
}

namespace mmr::flat {

struct FlatPanel {
    const Node* node;
    double x, y;  // top-left, in cells
    int rows, cols;
};

struct FlatArrangement {
    std::vector<FlatPanel> panels;  // one per matrix occurrence, in pre-order
    double width = 0, height = 0;   // in cells
};

// Panels in cells, `gap` cells apart.
FlatArrangement flat_arrangement(const Model& model, double gap = 2);
// The arrangement for a width x height picture: gaps of about 20 pixels whatever the
// matrices' sizes (room for the names under the panels).
FlatArrangement flat_arrangement(const Model& model, int width, int height);

// One frame: `anim` null (or not animated) draws the finished scene.
Figure flat_frame(const Model& model, const FlatArrangement& a, const Animation* anim, int width, int height,
                  Rgba background);

// flat_frame rasterised: what `still --view flat` writes and `render --view flat` encodes.
Image flat_image(const Model& model, const FlatArrangement& a, const Animation* anim, int width, int height,
                 const float background[3]);

}  // namespace mmr::flat
