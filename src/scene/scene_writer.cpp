// SceneSpec -> YAML in the style of scenes/*.yaml.
#include "mmr/scene/scene_writer.h"
#include "mmr/theme/theme.h"

#include "mmr/core/quote.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <functional>
#include <set>

#include "mmr/model/data.h"
#include "mmr/scene/expression.h"
#include "mmr/scene/mm_params.h"

namespace mmr {

std::string yaml_number(double v) { return js_number_text(v); }

static std::string quoted(const std::string& s);

std::string yaml_scalar(const std::string& s) {
    bool plain = !s.empty() && std::isalpha(static_cast<unsigned char>(s[0])) && s.back() != ' ';
    for (char c : s)
        plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ' ' || c == '.');
    if (plain) {
        std::string lower = s;
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
        static const std::set<std::string> reserved = {"true", "false", "yes", "no", "on",  "off",
                                                       "null", "y",     "n",   "nan", "inf", "infinity"};
        if (!reserved.count(lower)) return s;
    }
    return quoted(s);
}

// JSON-style escapes are valid in YAML double-quoted scalars.
static std::string quoted(const std::string& s) { return quote_string(s); }

namespace {

// "{a: 1, b: x}" built item by item.
struct Flow {
    std::vector<std::string> items;
    void add(const std::string& key, const std::string& value) { items.push_back(key + ": " + value); }
    void num(const std::string& key, double v) { add(key, yaml_number(v)); }
    void str(const std::string& key, const std::string& v) { add(key, yaml_scalar(v)); }
    void boolean(const std::string& key, bool v) { add(key, v ? "true" : "false"); }
    bool empty() const { return items.empty(); }
    std::string text() const {
        std::string s = "{";
        for (size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + items[i];
        return s + "}";
    }
};

template <class T, class F>
void opt(const std::optional<T>& v, F&& f) {
    if (v) f(*v);
}

std::string vec3(const Vec3d& v) {
    return "[" + yaml_number(v.x) + ", " + yaml_number(v.y) + ", " + yaml_number(v.z) + "]";
}

Flow leaf_flow(const LeafSpec& l) {
    Flow f;
    if (l.h && l.w) {
        f.add("shape", "[" + std::to_string(*l.h) + ", " + std::to_string(*l.w) + "]");
    } else {
        opt(l.h, [&](int v) { f.num("h", v); });
        opt(l.w, [&](int v) { f.num("w", v); });
    }
    if (l.init) {
        // implied by the keys that follow: expr -> expr, file -> csv, url -> url
        const std::string& i = *l.init;
        const bool implied = (i == "expr" && !l.js.empty()) || (i == "csv" && !l.file.empty()) ||
                             (i == "url" && !l.url.empty() && l.file.empty());
        if (!implied) f.str("init", i);
    }
    if (l.min != -1) f.num("min", l.min);
    if (l.max != 1) f.num("max", l.max);
    if (l.dropout != 0) f.num("dropout", l.dropout);
    if (!l.js.empty()) f.str("expr", l.js);
    if (!l.file.empty()) f.str("file", l.file);
    if (!l.url.empty()) f.str("url", l.url);
    if (!l.format.empty()) f.str("format", l.format);
    if (!l.entry.empty()) {
        std::optional<DataFormat> fmt = l.format.empty() ? format_of_path(l.file.empty() ? l.url : l.file)
                                                         : parse_format(l.format);
        f.str(fmt == DataFormat::safetensors ? "tensor" : "array", l.entry);
    }
    if (!l.index.empty()) {
        std::string s = "[";
        for (size_t i = 0; i < l.index.size(); ++i) s += (i ? ", " : "") + std::to_string(l.index[i]);
        f.add("index", s + "]");
    }
    if (l.transpose) f.boolean("transpose", true);
    if (l.offset.size() == 2) f.add("offset", "[" + std::to_string(l.offset[0]) + ", " + std::to_string(l.offset[1]) + "]");
    opt(l.fallback, [&](const std::string& v) { f.str("fallback", v); });
    return f;
}

// A comment line (with `indent`) before a matrix whose data file stands in for mm's.
std::string leaf_comment(const LeafSpec& l, const std::string& indent) {
    if (!l.fallback || l.url.empty()) return "";
    std::string base = url_base_name(l.url);
    for (char& c : base)  // a comment is one line
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    return indent + "# stand-in for " + base + ": put the file in --data-dir to use the real weights\n";
}

Flow anim_flow(const AnimOverride& a) {
    Flow f;
    opt(a.alg, [&](const std::string& v) { f.str("alg", v); });
    opt(a.fuse, [&](const std::string& v) { f.str("fuse", v); });
    opt(a.speed, [&](double v) { f.num("speed", v); });
    opt(a.hide_inputs, [&](bool v) { f.boolean("hide_inputs", v); });
    opt(a.spin, [&](double v) { f.num("spin", v); });
    opt(a.scratch, [&](int v) { f.num("scratch", v); });
    return f;
}

Flow layout_flow(const LayoutOverride& o) {
    Flow f;
    opt(o.scheme, [&](const std::string& v) { f.str("scheme", v); });
    opt(o.gap, [&](double v) { f.num("gap", v); });
    opt(o.scatter, [&](double v) { f.num("scatter", v); });
    opt(o.molecule, [&](int v) { f.num("molecule", v); });
    opt(o.blast, [&](double v) { f.num("blast", v); });
    opt(o.positive, [&](bool v) { f.str("polarity", v ? "positive" : "negative"); });
    opt(o.left_right, [&](bool v) { f.str("left_placement", v ? "right" : "left"); });
    opt(o.right_bottom, [&](bool v) { f.str("right_placement", v ? "bottom" : "top"); });
    opt(o.result_back, [&](bool v) { f.str("result_placement", v ? "back" : "front"); });
    return f;
}

Flow deco_flow(const DecoOverride& o) {
    Flow f;
    opt(o.legends, [&](double v) { f.num("legends", v); });
    opt(o.shape, [&](bool v) { f.boolean("shape", v); });
    opt(o.row_guides, [&](double v) { f.num("row_guides", v); });
    opt(o.flow_guides, [&](double v) { f.num("flow_guides", v); });
    opt(o.axes, [&](bool v) { f.boolean("axes", v); });
    return f;
}

Flow viz_flow(const VizOverride& o) {
    Flow f;
    opt(o.sensitivity, [&](const std::string& v) { f.str("sensitivity", v); });
    opt(o.min_size, [&](double v) { f.num("min_size", v); });
    opt(o.min_light, [&](double v) { f.num("min_light", v); });
    opt(o.max_light, [&](double v) { f.num("max_light", v); });
    opt(o.elem_scale, [&](double v) { f.num("elem_scale", v); });
    opt(o.zero_hue, [&](double v) { f.num("zero_hue", v); });
    opt(o.hue_gap, [&](double v) { f.num("hue_gap", v); });
    opt(o.hue_spread, [&](double v) { f.num("hue_spread", v); });
    return f;
}

Flow matmul_flow(const MatmulSpec& m) {
    Flow f;
    if (m.epilog != "none") f.str("epilog", m.epilog);
    opt(m.k_blocks, [&](int v) { f.num("k_blocks", v); });
    for (auto [key, sub] : {std::pair<const char*, Flow>{"anim", anim_flow(m.anim)},
                            {"layout", layout_flow(m.layout)},
                            {"deco", deco_flow(m.deco)},
                            {"viz", viz_flow(m.viz)}})
        if (!sub.empty()) f.add(key, sub.text());
    return f;
}

// Overrides holding the fields of `s` that differ from the defaults.
template <class T>
std::optional<T> if_diff(const T& v, const T& def) {
    return v == def ? std::nullopt : std::optional<T>(v);
}
AnimOverride anim_diff(const AnimSettings& s) {
    const AnimSettings d;
    AnimOverride o;
    o.alg = if_diff(s.alg, d.alg);
    o.fuse = if_diff(s.fuse, d.fuse);
    o.speed = if_diff(s.speed, d.speed);
    o.hide_inputs = if_diff(s.hide_inputs, d.hide_inputs);
    o.spin = if_diff(s.spin, d.spin);
    o.scratch = if_diff(s.scratch, d.scratch);
    return o;
}
LayoutOverride layout_diff(const LayoutSettings& s, const Orientation& r) {
    const LayoutSettings d;
    const Orientation od;
    LayoutOverride o;
    o.scheme = if_diff(s.scheme, d.scheme);
    o.gap = if_diff(s.gap, d.gap);
    o.scatter = if_diff(s.scatter, d.scatter);
    o.molecule = if_diff(s.molecule, d.molecule);
    o.blast = if_diff(s.blast, d.blast);
    o.positive = if_diff(r.positive, od.positive);
    o.left_right = if_diff(r.left_right, od.left_right);
    o.right_bottom = if_diff(r.right_bottom, od.right_bottom);
    o.result_back = if_diff(r.result_back, od.result_back);
    return o;
}
DecoOverride deco_diff(const DecoSettings& s) {
    const DecoSettings d;
    DecoOverride o;
    o.legends = if_diff(s.legends, d.legends);
    o.shape = if_diff(s.shape, d.shape);
    o.row_guides = if_diff(s.row_guides, d.row_guides);
    o.flow_guides = if_diff(s.flow_guides, d.flow_guides);
    o.axes = if_diff(s.axes, d.axes);
    return o;
}
VizOverride viz_diff(const VizSettings& s) {
    const VizSettings d;
    VizOverride o;
    o.sensitivity = if_diff(s.sensitivity, d.sensitivity);
    o.min_size = if_diff(s.min_size, d.min_size);
    o.min_light = if_diff(s.min_light, d.min_light);
    o.max_light = if_diff(s.max_light, d.max_light);
    o.elem_scale = if_diff(s.elem_scale, d.elem_scale);
    o.zero_hue = if_diff(s.zero_hue, d.zero_hue);
    o.hue_gap = if_diff(s.hue_gap, d.hue_gap);
    o.hue_spread = if_diff(s.hue_spread, d.hue_spread);
    return o;
}

// Leaf names and matmul names in expression order (leaves left to right, matmuls
// pre-order), then any others the scene mentions.
void expression_order(const SceneSpec& s, std::vector<std::string>& leaves, std::vector<std::string>& matmuls) {
    std::set<std::string> seen_l, seen_m;
    try {
        std::unique_ptr<ExprNode> e = parse_expression(s.expr, s.path);
        // Pre-order, left before right, with a work list: a left chain is as deep
        // as it is long.
        std::vector<const ExprNode*> todo{e.get()};
        while (!todo.empty()) {
            const ExprNode& n = *todo.back();
            todo.pop_back();
            if (!n.is_matmul()) {
                if (seen_l.insert(n.name).second) leaves.push_back(n.name);
                continue;
            }
            if (seen_m.insert(n.name).second) matmuls.push_back(n.name);
            todo.push_back(n.right.get());
            todo.push_back(n.left.get());
        }
    } catch (const std::exception&) {
        // an expression that does not parse: keep the maps' order
    }
    for (const auto& [name, spec] : s.matrices)
        if (seen_l.insert(name).second) leaves.push_back(name);
    for (const auto& [name, uses] : s.matrix_uses)
        if (seen_l.insert(name).second) leaves.push_back(name);
    for (const auto& [name, spec] : s.matmuls)
        if (seen_m.insert(name).second) matmuls.push_back(name);
}

}  // namespace

std::string write_scene(const SceneSpec& s, const WriteOptions& opts) {
    std::string out;
    for (const std::string& c : opts.comments) out += "# " + c + "\n";
    out += "expr: " + quoted(s.expr) + "\n";  // always quoted: it holds '@' and '='

    std::vector<std::string> leaves, matmuls;
    expression_order(s, leaves, matmuls);
    std::string mats;
    for (const std::string& name : leaves) {
        auto one = s.matrices.find(name);
        if (one != s.matrices.end()) {
            const Flow f = leaf_flow(one->second);
            if (!f.empty()) mats += leaf_comment(one->second, "  ") + "  " + yaml_scalar(name) + ": " + f.text() + "\n";
            continue;
        }
        auto uses = s.matrix_uses.find(name);
        if (uses == s.matrix_uses.end()) continue;
        mats += "  " + yaml_scalar(name) + ":  # one matrix per occurrence, in expression order\n";
        for (const LeafSpec& l : uses->second) mats += leaf_comment(l, "    ") + "    - " + leaf_flow(l).text() + "\n";
    }
    if (!mats.empty()) out += "matrices:\n" + mats;
    std::string mms;
    for (const std::string& name : matmuls) {
        auto it = s.matmuls.find(name);
        if (it == s.matmuls.end()) continue;
        const Flow f = matmul_flow(it->second);
        if (!f.empty()) mms += "  " + yaml_scalar(name) + ": " + f.text() + "\n";
    }
    if (!mms.empty()) out += "matmuls:\n" + mms;

    Flow blocks;
    if (s.blocks.i != 1) blocks.num("i", s.blocks.i);
    if (s.blocks.k != 1) blocks.num("k", s.blocks.k);
    if (s.blocks.j != 1) blocks.num("j", s.blocks.j);
    if (!blocks.empty()) out += "blocks: " + blocks.text() + "\n";
    for (auto [key, f] : {std::pair<const char*, Flow>{"anim", anim_flow(anim_diff(s.anim))},
                          {"layout", layout_flow(layout_diff(s.layout, s.orientation))},
                          {"deco", deco_flow(deco_diff(s.deco))},
                          {"viz", viz_flow(viz_diff(s.viz))}})
        if (!f.empty()) out += std::string(key) + ": " + f.text() + "\n";

    Flow cam;
    if (s.camera.position_set) cam.add("position", vec3(s.camera.position));
    const Vec3d& t = s.camera.target;
    if (t.x != 0 || t.y != 0 || t.z != 0) cam.add("target", vec3(t));
    if (s.camera.fov != 45) cam.num("fov", s.camera.fov);
    if (s.camera.fit) cam.add("fit", "true");
    if (s.camera.fit && s.camera.margin != 0.05) cam.num("margin", s.camera.margin);
    if (!cam.empty()) out += "camera: " + cam.text() + "\n";

    Flow output;
    if (s.output.width != 1280) output.num("width", s.output.width);
    if (s.output.height != 720) output.num("height", s.output.height);
    const float* bg = s.output.background;
    if (s.output.background_set || bg[0] != 0 || bg[1] != 0 || bg[2] != 0 || s.output.background_alpha < 1)
        output.add("background",
                   "\"" + color_text(Rgba{bg[0], bg[1], bg[2], s.output.background_alpha}) + "\"");
    if (s.output.theme != ThemeKind::Dark) output.add("theme", theme_name(s.output.theme));
    if (!output.empty()) out += "output: " + output.text() + "\n";
    if (s.seed != 0) out += "seed: " + std::to_string(s.seed) + "\n";
    return out;
}

}  // namespace mmr
