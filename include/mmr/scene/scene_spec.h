// What a scene file says, after parsing and key validation, before anything is
// constructed (pbrt-style: parsing is kept apart from construction).
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mmr/scene/settings.h"
#include "mmr/theme/theme.h"

namespace mmr {

// A place in the scene file, for error messages ("scene.yaml:12:5").
struct SourceLoc {
    std::string file;
    int line = 0;    // 1-based; 0 = unknown
    int column = 0;  // 1-based
    std::string str() const;  // "file:line:col" (or just "file")
};

struct Vec3d {
    double x = 0, y = 0, z = 0;
};

// One matrix named in the expression (a name used twice is the same matrix).
struct LeafSpec {
    std::string name;
    std::optional<int> h, w;     // rows, cols; inferred from neighbours when unset
    std::optional<std::string> init;  // mm init name; unset = "row major" (left) / "col major" (right)
    double min = -1, max = 1, dropout = 0;
    std::string js;              // init "expr": JavaScript formula in i, j, h, w
    std::string file;            // init "csv": local data file (relative to the scene file)
    // Data sources (docs/scene-format.md, "Data files"; readers in mmr/model/data.h).
    std::string url;             // init "url": mm's CSV link, found by base name in the data dirs
    std::string format;          // csv | npy | npz | safetensors; "" = from the file extension
    std::string entry;           // npz array / safetensors tensor name (keys `array`, `tensor`)
    std::vector<long long> index;  // N-D data: indices of the leading axes (all but the last 2)
    bool transpose = false;      // transpose the 2-D slice
    std::vector<long long> offset;  // [row, col]: the matrix is the window of the slice starting there
    std::optional<std::string> fallback;  // init "url": init used when the file is not found
    SourceLoc loc;               // where the matrix is defined
    SourceLoc shape_loc;         // where its shape (or h, w) is given; line 0 = not given
    bool js_errors_zero = false; // not from the scene file: --js-errors zero (a throwing element is 0)
};

// Settings of one matmul, keyed by its result name.
struct MatmulSpec {
    std::string epilog = "none";
    std::optional<int> k_blocks;
    AnimOverride anim;
    LayoutOverride layout;
    DecoOverride deco;
    VizOverride viz;
    SourceLoc loc;
};

struct CameraSpec {
    Vec3d position{-48, 48, 48};
    bool position_set = false;  // unset: mm's default (-48, 48, 48)
    Vec3d target{0, 0, 0};
    double fov = 45;  // vertical field of view in degrees (landscape), mm's value
    // fit: move the camera along its direction until everything drawn is inside
    // the frame with `margin` (a fraction of the frame) on each side (mmr/framing/fit.h).
    bool fit = false;
    double margin = 0.05;
};

struct OutputSpec {
    int width = 1280, height = 720;
    float background[3] = {0, 0, 0};  // 0..1, display values
    float background_alpha = 1;       // 0 = transparent (RGBA PNG), 1 = opaque
    bool background_set = false;      // unset: the theme's (black on dark, white on light)
    ThemeKind theme = ThemeKind::Dark;
    // "--size WxH" when the command line set width and height, "" when they are the
    // scene's own: errors about the size name where it came from.
    std::string size_option;
};

struct SceneSpec {
    std::string path;  // scene file ("<string>" when parsed from text)
    std::string text;  // the scene file's text (embedded in PNGs)
    // "attention" when the scene was expanded from an `attention:` preset (its text
    // then holds the preset; mmr/preset/attention.h), else empty.
    std::string preset;

    std::string expr = "L @ R";
    SourceLoc expr_loc;  // where the expression text starts (for column errors)

    std::map<std::string, LeafSpec> matrices;
    // Names whose occurrences in `expr` are different matrices (mm allows this: every
    // leaf is its own node): one LeafSpec per occurrence, in expression order. A name
    // is in `matrices` or here, not both.
    std::map<std::string, std::vector<LeafSpec>> matrix_uses;
    std::map<std::string, MatmulSpec> matmuls;

    BlockCounts blocks;
    AnimSettings anim;
    LayoutSettings layout;
    Orientation orientation;  // root's polarity and placements
    DecoSettings deco;
    VizSettings viz;
    CameraSpec camera;
    OutputSpec output;
    uint64_t seed = 0;
    SourceLoc anim_speed_loc, anim_spin_loc;  // where anim.speed / anim.spin are given (line 0: not)

    // Not from the scene file: --max-elements / --max-multiply-adds (0: limits.h defaults).
    double max_elements = 0, max_multiply_adds = 0;

    // Not from the scene file: folders where `url` inits are looked up by base name
    // (the CLI's --data-dir). Empty: the scene file's folder, then ./data.
    std::vector<std::string> data_dirs;
    bool allow_any_path = false;  // --allow-any-path: data files need not be in those folders
};

}  // namespace mmr
