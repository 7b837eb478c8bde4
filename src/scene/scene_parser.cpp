// Scene YAML -> SceneSpec (docs/scene-format.md). Every default equals mm's.
#include "mmr/scene/scene_parser.h"

#include <fstream>
#include <cmath>
#include <limits>
#include <sstream>

#include "mmr/core/error.h"
#include "mmr/core/limits.h"
#include "mmr/core/quote.h"
#include "mmr/model/values.h"
#include "mmr/preset/attention.h"
#include "mmr/scene/expression.h"
#include "yaml_reader.h"
#include "mmr/theme/theme.h"

namespace mmr {
namespace {

const double kInf = std::numeric_limits<double>::infinity();
const std::vector<std::string> kAlgs = {"none", "dotprod (row major)", "dotprod (col major)",
                                        "axpy", "vmprod", "mvprod", "vvprod", "inherit"};
const std::vector<std::string> kFuse = {"none", "sync", "async"};
const std::vector<std::string> kSensitivity = {"global", "semilocal", "local", "superlocal"};
const std::vector<std::string> kSchemeNames = {"blocks", "zigzag", "wheel", "custom"};

void read_anim(MapReader& r, AnimOverride& o, bool root) {
    std::vector<std::string> algs = kAlgs;
    if (root) algs.pop_back();  // the root cannot inherit
    o.alg = r.choice("alg", algs);
    o.fuse = r.choice("fuse", kFuse);
    o.hide_inputs = r.boolean("hide_inputs");
    o.scratch = r.integer("scratch", 0, 1000000);
    if (root) {
        o.speed = r.number("speed", 1e-6, 1e6);
        o.spin = r.number("spin", -1e6, 1e6);
        r.finish({"alg", "fuse", "speed", "hide_inputs", "spin", "scratch", "folder"});
    } else {
        r.finish({"alg", "fuse", "hide_inputs", "scratch", "folder"});
    }
}

void read_orientation(MapReader& r, LayoutOverride& o) {
    if (auto v = r.choice("polarity", {"negative", "positive"})) o.positive = *v == "positive";
    if (auto v = r.choice("left_placement", {"left", "right"})) o.left_right = *v == "right";
    if (auto v = r.choice("right_placement", {"top", "bottom"})) o.right_bottom = *v == "bottom";
    if (auto v = r.choice("result_placement", {"front", "back"})) o.result_back = *v == "back";
}

void read_layout(MapReader& r, LayoutOverride& o) {
    o.scheme = r.choice("scheme", kSchemeNames);
    o.gap = r.number("gap", 0, 1e4);
    o.scatter = r.number("scatter", 0, 1e5);
    o.molecule = r.integer("molecule", 0, 1000000);
    o.blast = r.number("blast", -10, 10);
    read_orientation(r, o);
    r.finish({"scheme", "gap", "scatter", "molecule", "blast", "polarity", "left_placement",
              "right_placement", "result_placement", "folder"});
}

void read_deco(MapReader& r, DecoOverride& o) {
    o.legends = r.number("legends", 0, 1000);
    o.shape = r.boolean("shape");
    o.row_guides = r.number("row_guides", 0, 1);
    o.flow_guides = r.number("flow_guides", 0, 1);
    o.axes = r.boolean("axes");
    // mm's interactive-only settings: accepted (so mm scenes load) but unused.
    r.number("spotlight", 0, 1e6);
    r.number("lens_size", 0, 1);
    r.number("magnification", 0, 1e3);
    r.boolean("interior_spotlight");
    r.finish({"legends", "shape", "row_guides", "flow_guides", "axes", "spotlight", "lens_size",
              "magnification", "interior_spotlight", "folder"});
}

void read_viz(MapReader& r, VizOverride& o) {
    o.sensitivity = r.choice("sensitivity", kSensitivity);
    o.min_size = r.number("min_size", 0, 1);
    o.min_light = r.number("min_light", 0, 1);
    o.max_light = r.number("max_light", 0, 1);
    o.elem_scale = r.number("elem_scale", 0.001, 100);
    o.zero_hue = r.number("zero_hue", -kInf, kInf);
    o.hue_gap = r.number("hue_gap", -kInf, kInf);
    o.hue_spread = r.number("hue_spread", -kInf, kInf);
    r.finish({"sensitivity", "min_size", "min_light", "max_light", "elem_scale", "zero_hue",
              "hue_gap", "hue_spread", "folder"});
}

Vec3d read_vec3(MapReader& r, const std::string& key) {
    YAML::Node n = r.get(key);
    Vec3d v;
    bool ok = n.IsSequence() && n.size() == 3;
    if (n.IsMap()) {
        MapReader m(n, r.file(), r.key_path(key));
        const double c = limits::max_camera_coordinate;
        v.x = m.number("x", -c, c).value_or(0);
        v.y = m.number("y", -c, c).value_or(0);
        v.z = m.number("z", -c, c).value_or(0);
        m.finish({"x", "y", "z"});
        return v;
    }
    if (ok) {
        try {
            v = {n[0].as<double>(), n[1].as<double>(), n[2].as<double>()};
        } catch (const YAML::Exception&) {
            ok = false;
        }
    }
    if (!ok)
        r.fail_at(n, "'" + r.key_path(key) + "' must be three numbers",
                  "write '" + key + ": [x, y, z]'");
    const double c = limits::max_camera_coordinate;
    for (double d : {v.x, v.y, v.z})
        if (!(std::fabs(d) <= c)) {  // also NaN
            std::ostringstream o;
            o << "'" << r.key_path(key) << "' has the coordinate " << d << ", out of range";
            std::ostringstream f;
            f << "use finite coordinates from " << -c << " to " << c;
            r.fail_at(n, o.str(), f.str());
        }
    return v;
}

void read_camera(MapReader& r, CameraSpec& c) {
    if (r.has("position")) {
        c.position = read_vec3(r, "position");
        c.position_set = true;
    }
    if (r.has("target")) c.target = read_vec3(r, "target");
    if (auto f = r.number("fov", 1, 179)) c.fov = *f;
    // Compared with the default target when only the position is given.
    if (c.position_set && c.position.x == c.target.x && c.position.y == c.target.y &&
        c.position.z == c.target.z)
        r.fail_at(r.get("position"), "'" + r.key_path("position") + "' equals '" + r.key_path("target") + "'",
                  "the camera needs a direction: move it");
    if (auto f = r.boolean("fit")) c.fit = *f;
    if (auto m = r.number("margin", 0, 0.45)) {
        c.margin = *m;
        if (!r.has("fit")) c.fit = true;  // a margin asks for fitting
    }
    r.finish({"position", "target", "fov", "fit", "margin"});
}

// A colour: "#rrggbb", "#rgb", "#rrggbbaa", "transparent" or a CSS name (theme.h).
void read_color(MapReader& r, const std::string& key, float out[3], float* alpha) {
    YAML::Node n = r.get(key);
    if (!n) return;
    std::string s = n.IsScalar() ? n.Scalar() : "";
    std::string guess;
    if (auto c = parse_color(s, &guess)) {
        out[0] = c->r, out[1] = c->g, out[2] = c->b;
        if (alpha) *alpha = c->a;
        return;
    }
    r.fail_at(n, "'" + r.key_path(key) + "' must be a colour like '#000000', 'white' or 'transparent', not '" +
                     shown_value(s) + "'",
              (guess.empty() ? "" : "did you mean '" + guess + "'? ") + "write '" + key +
                  ": \"#102030\"' (quotes needed: # starts a YAML comment), '#rrggbbaa' with alpha, or a CSS "
                  "colour name (docs/look.md)");
}

void read_output(MapReader& r, OutputSpec& o) {
    if (auto w = r.integer("width", 16, 16384)) o.width = *w;
    if (auto h = r.integer("height", 16, 16384)) o.height = *h;
    if (r.has("background")) {
        read_color(r, "background", o.background, &o.background_alpha);
        o.background_set = true;
    }
    if (auto t = r.choice("theme", {"dark", "light"})) o.theme = *parse_theme(*t);
    r.finish({"width", "height", "background", "theme"});
}

void read_matrix(MapReader& r, LeafSpec& m) {
    m.loc = r.loc();
    if (r.has("shape")) {
        YAML::Node s = r.get("shape");
        bool ok = s.IsSequence() && s.size() == 2;
        double hd = 0, wd = 0;
        if (ok) {
            try {
                hd = s[0].as<double>();
                wd = s[1].as<double>();
            } catch (const YAML::Exception&) {
                ok = false;
            }
        }
        // Checked as doubles: nothing is converted to an integer before it is in range.
        if (!ok || !std::isfinite(hd) || !std::isfinite(wd) || hd != std::floor(hd) || wd != std::floor(wd))
            r.fail_at(s, "'" + r.key_path("shape") + "' must be [rows, cols] (two whole numbers)",
                      "write 'shape: [32, 24]'");
        auto num = [](double d) {
            std::ostringstream o;
            o << d;
            return o.str();
        };
        if (hd <= 0 || wd <= 0)
            r.fail_at(s, "'" + r.key_path("shape") + "' is [" + num(hd) + ", " + num(wd) +
                             "]; sizes must be positive",
                      "use at least 1 row and 1 column");
        if (hd > limits::max_matrix_side || wd > limits::max_matrix_side)
            r.fail_at(s, "'" + r.key_path("shape") + "' is [" + num(hd) + ", " + num(wd) +
                             "], too large (at most " + num(limits::max_matrix_side) + " per side)",
                      "use a smaller shape");
        m.h = static_cast<int>(hd);
        m.w = static_cast<int>(wd);
        m.shape_loc = r.where(s);
    }
    // mm names the row/column count h and w; accept them too.
    if (auto h = r.integer("h", 1, int(limits::max_matrix_side))) m.h = *h, m.shape_loc = r.loc("h");
    if (auto w = r.integer("w", 1, int(limits::max_matrix_side))) m.w = *w, m.shape_loc = r.loc("w");
    if (r.has("init")) {
        std::vector<std::string> names = init_names();
        m.init = r.choice("init", names);
    }
    if (auto v = r.number("min", -kInf, kInf)) m.min = *v;
    if (auto v = r.number("max", -kInf, kInf)) m.max = *v;
    if (auto v = r.number("dropout", 0, 1)) m.dropout = *v;
    if (auto e = r.string("expr")) {
        m.js = *e;
        if (!m.init) m.init = "expr";
    }
    if (auto f = r.string("file")) {
        m.file = *f;
        if (!m.init) m.init = "csv";
    }
    if (auto u = r.string("url")) {
        // mm's CSV link: resolved to a local file by base name in the data dirs.
        m.url = *u;
        if (!m.init) m.init = "url";
    }
    // Data files (docs/scene-format.md, "Data files").
    if (auto f = r.choice("format", {"csv", "npy", "npz", "safetensors"})) m.format = *f;
    if (r.has("array") && r.has("tensor"))
        r.fail_at(r.get("tensor"), "'" + r.key_path("array") + "' and 'tensor' are both given",
                  "use 'array' for .npz and 'tensor' for .safetensors files");
    if (auto a = r.string("array")) m.entry = *a;
    if (auto t = r.string("tensor")) m.entry = *t;
    if (r.has("index")) {
        YAML::Node n = r.get("index");
        bool ok = n.IsSequence();
        if (ok) {
            for (const auto& v : n) {
                try {
                    double d = v.as<double>();
                    // Range first: converting 1e300, inf or NaN to an integer is undefined.
                    if (!std::isfinite(d) || std::fabs(d) > 1e15 || d != std::floor(d))
                        ok = false;
                    else
                        m.index.push_back(static_cast<long long>(d));
                } catch (const YAML::Exception&) {
                    ok = false;
                }
            }
        }
        if (!ok)
            r.fail_at(n, "'" + r.key_path("index") + "' must be a list of whole numbers",
                      "write e.g. 'index: [0, 3]' (positions on the leading axes)");
    }
    if (auto t = r.boolean("transpose")) m.transpose = *t;
    if (r.has("offset")) {  // a window of the data: the matrix's rows and columns start here
        YAML::Node n = r.get("offset");
        bool ok = n.IsSequence() && n.size() == 2;
        for (size_t k = 0; ok && k < 2; ++k) {
            try {
                const double d = n[k].as<double>();
                if (!std::isfinite(d) || d < 0 || d > 1e15 || d != std::floor(d)) ok = false;
                else m.offset.push_back(static_cast<long long>(d));
            } catch (const YAML::Exception&) {
                ok = false;
            }
        }
        if (!ok)
            r.fail_at(n, "'" + r.key_path("offset") + "' must be two whole numbers from 0: [row, column]",
                      "write e.g. 'offset: [0, 64]' (where the matrix starts in the data)");
    }
    if (r.has("fallback")) {
        std::vector<std::string> names;
        for (const auto& n : init_names())
            if (n != "url" && n != "csv") names.push_back(n);
        m.fallback = r.choice("fallback", names);
        if (m.init != std::optional<std::string>("url"))
            r.fail_at(r.get("fallback"), "'" + r.key_path("fallback") + "' only applies to init url",
                      "remove it, or give the matrix a 'url'");
    }
    if (m.init && *m.init == "expr" && m.js.empty())
        r.fail_at(r.get("init"), "'" + r.key_path("init") + "' is expr but no formula is given",
                  "add e.g. 'expr: \"i == j\"'");
    if (m.init && (*m.init == "csv") && m.file.empty())
        r.fail_at(r.get("init"), "'" + r.key_path("init") + "' is csv but no file is given",
                  "add 'file: data.csv'");
    r.finish({"shape", "h", "w", "init", "min", "max", "dropout", "expr", "file", "url",
              "format", "array", "tensor", "index", "transpose", "offset", "fallback", "folder"});
}

void read_matmul(MapReader& r, MatmulSpec& m) {
    m.loc = r.loc();
    if (r.has("epilog") && r.get("epilog").IsScalar() && is_mask_epilog(r.get("epilog").Scalar())) {
        m.epilog = *r.string("epilog");
        try {
            parse_mask_epilog(m.epilog, "");
        } catch (const Error& e) {
            std::string what = e.what();
            if (what.rfind(": ", 0) == 0) what = what.substr(2);
            r.fail_at(r.get("epilog"), "'" + r.key_path("epilog") + "': " + what.substr(0, what.find("; ")),
                      what.find("; ") == std::string::npos ? "" : what.substr(what.find("; ") + 2));
        }
    } else if (auto e = r.choice("epilog", epilog_names())) {
        m.epilog = *e;
    }
    m.k_blocks = r.integer("k_blocks", 1, 1000000);
    if (r.has("anim")) {
        MapReader a(r.get("anim"), r.file(), r.key_path("anim"));
        read_anim(a, m.anim, false);
    }
    if (r.has("layout")) {
        MapReader l(r.get("layout"), r.file(), r.key_path("layout"));
        read_layout(l, m.layout);
    }
    if (r.has("deco")) {
        MapReader d(r.get("deco"), r.file(), r.key_path("deco"));
        read_deco(d, m.deco);
    }
    if (r.has("viz")) {
        MapReader v(r.get("viz"), r.file(), r.key_path("viz"));
        read_viz(v, m.viz);
    }
    // Orientation keys may also be written directly on the matmul.
    read_orientation(r, m.layout);
    r.finish({"epilog", "k_blocks", "anim", "layout", "deco", "viz", "polarity",
              "left_placement", "right_placement", "result_placement"});
}

// MapReader has checked that every key is a scalar.
std::string scalar_key(const YAML::Node& k) { return k.Scalar(); }

// yaml-cpp reads the first document and ignores the rest: a second one is an error.
// Found by scanning for document markers ('---' or '...' at the start of a line)
// after content; yaml-cpp's own YAML::LoadAll can loop for ever on malformed input
// (0.7: the four bytes ",Q%:"), so it is not used.
void check_one_document(const std::string& text, const std::string& path) {
    int line = 0, markers = 0, found = 0;
    bool content = false, ended = false;
    std::istringstream in(text);
    std::string l;
    while (std::getline(in, l) && !found) {
        ++line;
        const bool marker = l.compare(0, 3, "---") == 0 && (l.size() == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\r');
        const bool ends = l.compare(0, 3, "...") == 0 && (l.size() == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\r');
        const bool text_line = !l.empty() && l[0] != '#' && l[0] != '%' && l.find_first_not_of(" \t\r") != std::string::npos;
        if (marker) {
            if (content || markers > 0) found = line;
            ++markers;
            content = content || l.find_first_not_of(" \t\r", 3) != std::string::npos;
        } else if (ends) {
            ended = content;  // content after this is another document
        } else if (text_line) {
            if (ended) found = line;
            content = true;
        }
    }
    if (found)
        fail(path + ":" + std::to_string(found) + ":1", "a second YAML document ('---')",
             "a scene file holds one document: remove it or split the file");
}

}  // namespace

SceneSpec parse_scene(const std::string& text, const std::string& path) {
    SceneSpec s;
    s.path = path;
    s.text = text;
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        // A tab in the indentation of the line yaml-cpp stopped at (tabs elsewhere,
        // in quoted strings or after a value, are fine and never get here).
        if (const int tab = indentation_tab_column(text, e.mark.line + 1))
            fail(path + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(tab),
                 "tabs are not allowed in YAML indentation", "indent with spaces");
        fail(path + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1),
             "malformed YAML: " + e.msg, "fix the YAML syntax there");
    }
    check_one_document(text, path);
    if (!root || root.IsNull())
        fail(path, "the scene is empty", "write at least 'expr: A @ B'");
    // An attention preset stands for an ordinary scene (docs/attention.md).
    if (has_attention_key(root)) {
        if (root["expr"]) {
            MapReader pr(root, path, "");
            pr.fail_at(pr.get("expr"), "a scene with 'attention:' makes its own expression",
                       "remove 'expr' (see the expression with 'mmr expand SCENE'), or remove 'attention'");
        }
        SceneSpec e = parse_scene(expand_attention_text(root, path), path);
        e.text = text;
        e.preset = "attention";
        return e;
    }
    MapReader r(root, path, "");

    if (r.has("expr")) {
        YAML::Node e = r.get("expr");
        s.expr = *r.string("expr");
        s.expr_loc = r.where(e);
        // Point columns at the expression's first character, past an opening quote.
        std::istringstream lines(text);
        std::string line;
        for (int i = 0; i < s.expr_loc.line && std::getline(lines, line); ++i) {}
        size_t c = static_cast<size_t>(s.expr_loc.column - 1);
        if (c < line.size() && (line[c] == '"' || line[c] == '\'')) s.expr_loc.column += 1;
    } else {
        s.expr_loc = r.loc();
    }
    if (r.has("matrices")) {
        YAML::Node ms = r.get("matrices");
        MapReader all(ms, path, "matrices");
        for (auto it = ms.begin(); it != ms.end(); ++it) {
            std::string name = scalar_key(it->first);
            if (it->second.IsSequence()) {
                // One matrix per occurrence of the name, in expression order.
                std::vector<LeafSpec> uses;
                int k = 0;
                const YAML::Node list = it->second;  // (it-> yields a temporary)
                for (const auto& item : list) {
                    LeafSpec leaf;
                    leaf.name = name;
                    const std::string ctx = "matrices." + shown_value(name) + "[" + std::to_string(k++) + "]";
                    if (!item.IsNull()) {
                        MapReader m(item, path, ctx);
                        read_matrix(m, leaf);
                    }
                    leaf.loc = all.where(item.IsNull() ? it->first : YAML::Node(item));
                    uses.push_back(leaf);
                }
                if (uses.empty())
                    all.fail_at(list, "'matrices." + shown_value(name) + "' is an empty list",
                                "give one mapping per occurrence of '" + shown_value(name) + "' in expr");
                s.matrix_uses[name] = uses;
                continue;
            }
            LeafSpec leaf;
            leaf.name = name;
            if (!it->second.IsNull()) {
                MapReader m(it->second, path, "matrices." + shown_value(name));
                read_matrix(m, leaf);
            }
            leaf.loc = all.where(it->first);
            s.matrices[name] = leaf;
        }
    }
    if (r.has("matmuls")) {
        YAML::Node ms = r.get("matmuls");
        MapReader all(ms, path, "matmuls");
        for (auto it = ms.begin(); it != ms.end(); ++it) {
            std::string name = scalar_key(it->first);
            MatmulSpec mm;
            if (!it->second.IsNull()) {
                MapReader m(it->second, path, "matmuls." + shown_value(name));
                read_matmul(m, mm);
            }
            mm.loc = all.where(it->first);
            s.matmuls[name] = mm;
        }
    }
    if (r.has("blocks")) {
        MapReader b(r.get("blocks"), path, "blocks");
        for (const char* d : {"i", "k", "j"}) {
            auto v = b.integer(d, 1, 1000000);
            auto v2 = b.integer(std::string(d) + "_blocks", 1, 1000000);
            int& dst = d[0] == 'i' ? s.blocks.i : d[0] == 'k' ? s.blocks.k : s.blocks.j;
            if (v && v2)
                b.fail_at(b.get(std::string(d) + "_blocks"),
                          "'blocks." + std::string(d) + "' is given twice, as '" + d + "' and '" + d + "_blocks'",
                          "keep one of them");
            if (v) dst = *v;
            if (v2) dst = *v2;
        }
        b.finish({"i", "k", "j", "i_blocks", "k_blocks", "j_blocks"});
    }
    if (r.has("anim")) {
        MapReader a(r.get("anim"), path, "anim");
        AnimOverride o;
        read_anim(a, o, true);
        overlay(s.anim, o);
        if (o.speed) s.anim_speed_loc = a.loc("speed");
        if (o.spin) s.anim_spin_loc = a.loc("spin");
    }
    if (r.has("layout")) {
        MapReader l(r.get("layout"), path, "layout");
        LayoutOverride o;
        read_layout(l, o);
        overlay(s.layout, o);
        if (o.positive) s.orientation.positive = *o.positive;
        if (o.left_right) s.orientation.left_right = *o.left_right;
        if (o.right_bottom) s.orientation.right_bottom = *o.right_bottom;
        if (o.result_back) s.orientation.result_back = *o.result_back;
    }
    if (r.has("deco")) {
        MapReader d(r.get("deco"), path, "deco");
        DecoOverride o;
        read_deco(d, o);
        overlay(s.deco, o);
    }
    if (r.has("viz")) {
        MapReader v(r.get("viz"), path, "viz");
        VizOverride o;
        read_viz(v, o);
        overlay(s.viz, o);
    }
    if (r.has("camera")) {
        MapReader c(r.get("camera"), path, "camera");
        read_camera(c, s.camera);
    }
    if (r.has("output")) {
        MapReader o(r.get("output"), path, "output");
        read_output(o, s.output);
    }
    if (r.has("seed")) {
        YAML::Node n = r.get("seed");
        try {
            s.seed = n.as<uint64_t>();
        } catch (const YAML::Exception&) {
            r.fail_at(n, "'seed' must be a whole number from 0 to 2^64-1", "write 'seed: 1'");
        }
    }
    r.finish({"expr", "matrices", "matmuls", "blocks", "anim", "layout", "deco", "viz", "camera",
              "output", "seed", "attention"});
    return s;
}

SceneSpec load_scene_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(path, "cannot open the scene file", "check the path");
    std::ostringstream ss;
    ss << in.rdbuf();
    return parse_scene(ss.str(), path);
}

}  // namespace mmr
