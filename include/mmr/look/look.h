// Value -> sprite size and colour (docs/spec/mm-look.md §2).
#pragma once
#include "mmr/model/matrix.h"
#include "mmr/scene/settings.h"

namespace mmr {

struct MagnitudeRange {
    double absmin = 0, absmax = 0;
};

// Per-matrix magnitudes recorded when the matrix is created (docs/spec/mm-look.md §2.2).
struct MatrixStats {
    double local_absmin = 0, local_absmax = 0;
};
MatrixStats matrix_stats(const Matrix& m);

// The range a matrix is normalised with, by sensitivity mode.
MagnitudeRange magnitude_range(const std::string& sensitivity, const MatrixStats& local,
                               double global_absmax);

struct ElementLook {
    float size = 0;         // size factor f in [0, 1]; 0 = not drawn
    float rgb[3] = {0, 0, 0};  // HSL colour, 0..1, written without sRGB encoding
};

ElementLook element_look(double x, const MagnitudeRange& range, const VizSettings& viz);

// three.js HSL -> RGB (docs/spec/mm-look.md §2.5).
void hsl_to_rgb(double h, double s, double l, float out[3]);

// sRGB encoding of a linear value (docs/spec/mm-look.md §1).
double srgb_encode(double linear);

// Highlight ("bump") of an element an animation step is consuming: mm's code means
// to add mid-grey (linear 0.21586, docs/spec/mm-look.md §2.7) but its colour
// function returns a shared temporary, so the colour is added to itself: what mm
// draws is the colour doubled (unclamped; the framebuffer clamps). mmr draws what
// mm draws.
constexpr float kHighlightScale = 2.0f;

}  // namespace mmr
