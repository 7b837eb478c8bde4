// mm's setting groups (docs/spec/mm-params.md §4) as effective values, plus partial
// overrides that a subtree may carry. Effective settings of a child are the
// parent's effective settings overlaid with the child's overrides (§5.1).
#pragma once
#include <optional>
#include <string>

namespace mmr {

struct AnimSettings {
    std::string alg = "none";   // root default "none"; children default "inherit"
    std::string fuse = "none";  // none | sync | async
    double speed = 20;          // steps per second (root only)
    bool hide_inputs = false;
    double spin = 0;            // root only
    // > 0: the result is a scratch buffer of this many lines of its sweep (rows for
    // vmprod/dotprod row major, columns for mvprod/dotprod col major): entering the next
    // group of `scratch` lines hides what was revealed before (FlashAttention's tile).
    int scratch = 0;
};

struct LayoutSettings {
    std::string scheme = "blocks";  // blocks | zigzag | wheel | custom
    double gap = 4;
    double scatter = 0;
    int molecule = 1;
    double blast = 0;
};

// The four orientation keys of one matmul (docs/spec/mm-layout.md §6: "±LR TB FB").
struct Orientation {
    bool positive = false;      // polarity: negative(false) | positive(true)
    bool left_right = false;    // left placement: left(false) | right(true)
    bool right_bottom = false;  // right placement: top(false) | bottom(true)
    bool result_back = false;   // result placement: front(false) | back(true)
    bool operator==(const Orientation& o) const {
        return positive == o.positive && left_right == o.left_right &&
               right_bottom == o.right_bottom && result_back == o.result_back;
    }
};

struct DecoSettings {
    double legends = 6;       // 0 hides legends
    bool shape = true;        // shape legends
    double row_guides = 0.6;  // 0 removes
    double flow_guides = 0.5; // 0 removes
    bool axes = false;
};

struct VizSettings {
    std::string sensitivity = "global";  // global | semilocal | local | superlocal
    double min_size = 0.2;
    double min_light = 0.4;
    double max_light = 0.7;
    double elem_scale = 1.25;
    double zero_hue = 0.77;
    double hue_gap = 0.74;
    double hue_spread = 0.04;
    // Not a scene key: set on every node by the light theme (mmr/theme/theme.h).
    // Colours for a white page: element lightness mirrored (0.95 - l, larger
    // magnitudes darker) and darker row guides (theme.h row_guide_grey).
    bool ink = false;
};

struct BlockCounts {
    int i = 1, k = 1, j = 1;
};

// Partial overrides: unset members inherit.
struct AnimOverride {
    std::optional<std::string> alg, fuse;
    std::optional<double> speed, spin;
    std::optional<bool> hide_inputs;
    std::optional<int> scratch;
};
struct LayoutOverride {
    std::optional<std::string> scheme;
    std::optional<double> gap, scatter, blast;
    std::optional<int> molecule;
    // orientation keys (explicit ones win over the scheme rule)
    std::optional<bool> positive, left_right, right_bottom, result_back;
};
struct DecoOverride {
    std::optional<double> legends, row_guides, flow_guides;
    std::optional<bool> shape, axes;
};
struct VizOverride {
    std::optional<std::string> sensitivity;
    std::optional<double> min_size, min_light, max_light, elem_scale, zero_hue, hue_gap,
        hue_spread;
};

void overlay(AnimSettings& s, const AnimOverride& o);
void overlay(LayoutSettings& s, const LayoutOverride& o);
void overlay(DecoSettings& s, const DecoOverride& o);
void overlay(VizSettings& s, const VizOverride& o);

}  // namespace mmr
