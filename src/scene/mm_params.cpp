// mm params object <-> SceneSpec (docs/spec/mm-params.md §1-§5).
#include "mmr/scene/mm_params.h"

#include <cmath>
#include <cstring>
#include <functional>
#include <tuple>
#include <map>

#include "../model/js_number.h"
#include "mmr/core/error.h"
#include "mmr/core/limits.h"
#include "mmr/core/quote.h"
#include "mmr/layout/layout.h"
#include "mmr/layout/scheme.h"
#include "mmr/model/build_model.h"
#include "mmr/model/data.h"
#include "mmr/model/values.h"
#include "mmr/scene/expression.h"

namespace mmr {
namespace {

const std::vector<std::string> kRootAlgs = {"none", "dotprod (row major)", "dotprod (col major)",
                                            "axpy", "vmprod", "mvprod", "vvprod"};
const std::vector<std::string> kFuse = {"none", "sync", "async"};
const std::vector<std::string> kSensitivity = {"global", "semilocal", "local", "superlocal"};
const std::vector<std::string> kSchemes = {"blocks", "zigzag", "wheel", "custom"};
const std::vector<std::string> kMmInits = {"rows",      "cols",      "row major", "col major", "pt linear",
                                           "uniform",   "gaussian",  "tril mask", "triu mask", "eye",
                                           "diff",      "url",       "expr"};

bool uses_range(const std::string& init) {
    return init == "rows" || init == "cols" || init == "row major" || init == "col major" ||
           init == "uniform" || init == "gaussian";
}
bool uses_dropout(const std::string& init) { return uses_range(init) || init == "pt linear"; }

std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

std::string shown(const std::string& s) { return shown_value(s); }

// Typed access to params values with one-line errors naming the params path.
class Reader {
public:
    explicit Reader(std::string where) : where_(std::move(where)) {}

    [[noreturn]] void bad(const std::string& path, const std::string& what, const std::string& fix) const {
        fail(where_, "'" + path + "' " + what, fix);
    }

    static const ParamsJson* find(const ParamsJson& obj, const std::string& key) {
        if (!obj.is_object()) return nullptr;
        auto it = obj.find(key);
        return it == obj.end() ? nullptr : &*it;
    }

    std::optional<double> number(const ParamsJson& obj, const std::string& key, const std::string& path,
                                 double lo = -INFINITY, double hi = INFINITY) const {
        const ParamsJson* v = find(obj, key);
        if (!v) return std::nullopt;
        std::optional<double> d;
        if (v->is_number()) d = v->get<double>();
        else if (v->is_boolean()) d = v->get<bool>() ? 1 : 0;
        else if (v->is_string()) d = detail::js_string_to_number(v->get<std::string>());
        if (!d || !std::isfinite(*d))
            bad(path, "is " + shown(v->is_string() ? "'" + v->get<std::string>() + "'" : v->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) +
                          ", not a number",
                "fix the link's value");
        if (*d < lo || *d > hi) {
            bad(path, "is " + js_number_text(*d) + ", out of range",
                "use a value from " + js_number_text(lo) + " to " + js_number_text(hi));
        }
        return d;
    }

    std::optional<int> integer(const ParamsJson& obj, const std::string& key, const std::string& path, int lo,
                               int hi) const {
        auto d = number(obj, key, path, lo, hi);
        if (!d) return std::nullopt;
        if (*d != std::floor(*d)) bad(path, "is " + js_number_text(*d) + ", not a whole number", "mm needs whole numbers here");
        return static_cast<int>(*d);
    }

    std::optional<bool> boolean(const ParamsJson& obj, const std::string& key, const std::string& path) const {
        const ParamsJson* v = find(obj, key);
        if (!v) return std::nullopt;
        if (v->is_boolean()) return v->get<bool>();
        if (v->is_string()) return v->get<std::string>() == "true";
        if (v->is_number()) return v->get<double>() != 0;
        bad(path, "must be true or false", "fix the link's value");
    }

    std::optional<std::string> string(const ParamsJson& obj, const std::string& key, const std::string& path) const {
        const ParamsJson* v = find(obj, key);
        if (!v) return std::nullopt;
        if (v->is_string()) return v->get<std::string>();
        if (v->is_number()) return js_number_text(v->get<double>());
        bad(path, "must be text, not " + std::string(v->type_name()), "fix the link's value");
    }

    std::optional<std::string> choice(const ParamsJson& obj, const std::string& key, const std::string& path,
                                      const std::vector<std::string>& allowed) const {
        auto s = string(obj, key, path);
        if (!s) return s;
        for (const auto& a : allowed)
            if (*s == a) return s;
        bad(path, "is '" + shown(*s) + "', which mm does not know", "use one of: " + join(allowed));
    }

    const ParamsJson& group(const ParamsJson& obj, const std::string& key, const std::string& path) const {
        static const ParamsJson empty = ParamsJson::object();
        const ParamsJson* v = find(obj, key);
        if (!v || v->is_null()) return empty;
        if (!v->is_object()) bad(path, "must be an object", "fix the link");
        return *v;
    }

    const std::string& where() const { return where_; }

private:
    std::string where_;
};

std::string dotted(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

AnimOverride read_anim(const Reader& r, const ParamsJson& g, const std::string& path, bool root) {
    AnimOverride o;
    std::vector<std::string> algs = kRootAlgs;
    if (!root) algs.push_back("inherit");
    o.alg = r.choice(g, "alg", dotted(path, "alg"), algs);
    o.fuse = r.choice(g, "fuse", dotted(path, "fuse"), kFuse);
    o.hide_inputs = r.boolean(g, "hide inputs", dotted(path, "hide inputs"));
    if (root) {
        o.speed = r.number(g, "speed", dotted(path, "speed"), 1e-6, 1e6);
        o.spin = r.number(g, "spin", dotted(path, "spin"), -1e6, 1e6);
    }
    return o;
}

LayoutOverride read_layout(const Reader& r, const ParamsJson& g, const std::string& path) {
    LayoutOverride o;
    o.scheme = r.choice(g, "scheme", dotted(path, "scheme"), kSchemes);
    o.gap = r.number(g, "gap", dotted(path, "gap"), 0, 1e4);
    o.scatter = r.number(g, "scatter", dotted(path, "scatter"), 0, 1e5);
    o.molecule = r.integer(g, "molecule", dotted(path, "molecule"), 0, 1000000);
    o.blast = r.number(g, "blast", dotted(path, "blast"), -10, 10);
    if (auto v = r.choice(g, "polarity", dotted(path, "polarity"), {"negative", "positive"}))
        o.positive = *v == "positive";
    if (auto v = r.choice(g, "left placement", dotted(path, "left placement"), {"left", "right"}))
        o.left_right = *v == "right";
    if (auto v = r.choice(g, "right placement", dotted(path, "right placement"), {"top", "bottom"}))
        o.right_bottom = *v == "bottom";
    if (auto v = r.choice(g, "result placement", dotted(path, "result placement"), {"front", "back"}))
        o.result_back = *v == "back";
    return o;
}

DecoOverride read_deco(const Reader& r, const ParamsJson& g, const std::string& path) {
    // spotlight, lens size, magnification, interior spotlight: interactive only, ignored.
    DecoOverride o;
    o.legends = r.number(g, "legends", dotted(path, "legends"), 0, 1000);
    o.shape = r.boolean(g, "shape", dotted(path, "shape"));
    o.row_guides = r.number(g, "row guides", dotted(path, "row guides"), 0, 1);
    o.flow_guides = r.number(g, "flow guides", dotted(path, "flow guides"), 0, 1);
    o.axes = r.boolean(g, "axes", dotted(path, "axes"));
    return o;
}

VizOverride read_viz(const Reader& r, const ParamsJson& g, const std::string& path) {
    VizOverride o;
    o.sensitivity = r.choice(g, "sensitivity", dotted(path, "sensitivity"), kSensitivity);
    o.min_size = r.number(g, "min size", dotted(path, "min size"), 0, 1);
    o.min_light = r.number(g, "min light", dotted(path, "min light"), 0, 1);
    o.max_light = r.number(g, "max light", dotted(path, "max light"), 0, 1);
    // mm: an elem scale of 0 means "keep the previous one"
    if (auto e = r.number(g, "elem scale", dotted(path, "elem scale"), 0, 100); e && *e != 0) {
        if (*e < 0.001) r.bad(dotted(path, "elem scale"), "is too small", "use at least 0.001");
        o.elem_scale = e;
    }
    o.zero_hue = r.number(g, "zero hue", dotted(path, "zero hue"));
    o.hue_gap = r.number(g, "hue gap", dotted(path, "hue gap"));
    o.hue_spread = r.number(g, "hue spread", dotted(path, "hue spread"));
    return o;
}

// Keeps only the overrides whose value differs from what is inherited.
template <class T>
void keep_diff(std::optional<T>& o, const T& inherited) {
    if (o && *o == inherited) o.reset();
}
void diff(AnimOverride& o, const AnimSettings& p) {
    keep_diff(o.fuse, p.fuse);
    keep_diff(o.hide_inputs, p.hide_inputs);
    keep_diff(o.scratch, p.scratch);
    o.speed.reset();
    o.spin.reset();
}
void diff(LayoutOverride& o, const LayoutSettings& p) {
    keep_diff(o.scheme, p.scheme);
    keep_diff(o.gap, p.gap);
    keep_diff(o.scatter, p.scatter);
    keep_diff(o.molecule, p.molecule);
    keep_diff(o.blast, p.blast);
}
void diff(DecoOverride& o, const DecoSettings& p) {
    keep_diff(o.legends, p.legends);
    keep_diff(o.shape, p.shape);
    keep_diff(o.row_guides, p.row_guides);
    keep_diff(o.flow_guides, p.flow_guides);
    keep_diff(o.axes, p.axes);
}
void diff(VizOverride& o, const VizSettings& p) {
    keep_diff(o.sensitivity, p.sensitivity);
    keep_diff(o.min_size, p.min_size);
    keep_diff(o.min_light, p.min_light);
    keep_diff(o.max_light, p.max_light);
    keep_diff(o.elem_scale, p.elem_scale);
    keep_diff(o.zero_hue, p.zero_hue);
    keep_diff(o.hue_gap, p.hue_gap);
    keep_diff(o.hue_spread, p.hue_spread);
}

bool same(const AnimOverride& a, const AnimOverride& b) {
    return a.alg == b.alg && a.fuse == b.fuse && a.speed == b.speed && a.spin == b.spin &&
           a.hide_inputs == b.hide_inputs && a.scratch == b.scratch;
}
bool same(const LayoutOverride& a, const LayoutOverride& b) {
    return a.scheme == b.scheme && a.gap == b.gap && a.scatter == b.scatter && a.blast == b.blast &&
           a.molecule == b.molecule && a.positive == b.positive && a.left_right == b.left_right &&
           a.right_bottom == b.right_bottom && a.result_back == b.result_back;
}
bool same(const DecoOverride& a, const DecoOverride& b) {
    return a.legends == b.legends && a.row_guides == b.row_guides && a.flow_guides == b.flow_guides &&
           a.shape == b.shape && a.axes == b.axes;
}
bool same(const VizOverride& a, const VizOverride& b) {
    return a.sensitivity == b.sensitivity && a.min_size == b.min_size && a.min_light == b.min_light &&
           a.max_light == b.max_light && a.elem_scale == b.elem_scale && a.zero_hue == b.zero_hue &&
           a.hue_gap == b.hue_gap && a.hue_spread == b.hue_spread;
}
bool same(const MatmulSpec& a, const MatmulSpec& b) {
    return a.epilog == b.epilog && a.k_blocks == b.k_blocks && same(a.anim, b.anim) && same(a.layout, b.layout) &&
           same(a.deco, b.deco) && same(a.viz, b.viz);
}
bool same(const LeafSpec& a, const LeafSpec& b) {
    return a.h == b.h && a.w == b.w && a.init == b.init && a.min == b.min && a.max == b.max &&
           a.dropout == b.dropout && a.js == b.js && a.url == b.url && a.fallback == b.fallback &&
           a.file == b.file;
}
bool empty(const MatmulSpec& m) { return same(m, MatmulSpec{}); }

// Effective settings of a node while walking down (docs/spec/mm-params.md §5).
struct Eff {
    std::string alg;  // resolved
    AnimSettings anim;
    LayoutSettings layout;
    Orientation orient;
    DecoSettings deco;
    VizSettings viz;
    int k = 1;
};

bool is_matmul_node(const ParamsJson& n) {
    auto it = n.find("matmul");
    return it != n.end() && ((it->is_boolean() && it->get<bool>()) || (it->is_string() && it->get<std::string>() == "true"));
}

bool is_valid_name(const std::string& s) {
    if (s.empty()) return false;
    auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    if (!word(s[0])) return false;
    for (char c : s)
        if (!word(c) && !std::strchr(".-!#$%^&/[]", c)) return false;
    return true;
}

class Importer {
public:
    Importer(const ParamsJson& p, const ImportOptions& o, const std::string& where)
        : p_(p), opts_(o), r_(where) {
        paths_.scene_dir = o.scene_dir;
        paths_.data_dirs = o.data_dirs;
        paths_.allow_any_path = o.allow_any_path;
    }

    SceneSpec run() {
        if (!p_.is_object()) fail(r_.where(), "the params are not a JSON object", "give mm's params object");
        SceneSpec s;
        s.path = r_.where();
        // Root settings.
        Eff root;
        overlay(s.anim, read_anim(r_, r_.group(p_, "anim", "anim"), "anim", true));
        const LayoutOverride lo = read_layout(r_, r_.group(p_, "layout", "layout"), "layout");
        overlay(s.layout, lo);
        if (lo.positive) s.orientation.positive = *lo.positive;
        if (lo.left_right) s.orientation.left_right = *lo.left_right;
        if (lo.right_bottom) s.orientation.right_bottom = *lo.right_bottom;
        if (lo.result_back) s.orientation.result_back = *lo.result_back;
        overlay(s.deco, read_deco(r_, r_.group(p_, "deco", "deco"), "deco"));
        overlay(s.viz, read_viz(r_, r_.group(p_, "viz", "viz"), "viz"));
        const ParamsJson& block = r_.group(p_, "block", "block");
        s.blocks.i = r_.integer(block, "i blocks", "block.i blocks", 1, 1000000).value_or(1);
        s.blocks.k = r_.integer(block, "k blocks", "block.k blocks", 1, 1000000).value_or(1);
        s.blocks.j = r_.integer(block, "j blocks", "block.j blocks", 1, 1000000).value_or(1);
        root.alg = s.anim.alg;
        root.anim = s.anim;
        root.layout = s.layout;
        root.orient = s.orientation;
        root.deco = s.deco;
        root.viz = s.viz;
        root.k = s.blocks.k;
        // Camera: mm's position is absolute (never rescaled when a link is loaded).
        const ParamsJson& cam = r_.group(p_, "cam", "cam");
        const double cm = limits::max_camera_coordinate;
        s.camera.position = {r_.number(cam, "x", "cam.x", -cm, cm).value_or(-48),
                             r_.number(cam, "y", "cam.y", -cm, cm).value_or(48),
                             r_.number(cam, "z", "cam.z", -cm, cm).value_or(48)};
        s.camera.position_set = true;
        const ParamsJson& target = r_.group(cam, "target", "cam.target");
        s.camera.target = {r_.number(target, "x", "cam.target.x", -cm, cm).value_or(0),
                           r_.number(target, "y", "cam.target.y", -cm, cm).value_or(0),
                           r_.number(target, "z", "cam.target.z", -cm, cm).value_or(0)};
        if (s.camera.position.x == s.camera.target.x && s.camera.position.y == s.camera.target.y &&
            s.camera.position.z == s.camera.target.z)
            r_.bad("cam", "equals cam.target", "the camera needs a direction: move it");

        // The tree: the root is always a matmul.
        walk_matmul(p_, "", nullptr, root, true);
        s.expr = expression(p_, "");
        check_expression(s.expr);

        // Matrices by name: one spec if every occurrence is the same matrix, else a list.
        std::map<std::string, std::vector<std::pair<LeafSpec, bool>>> by_name;
        for (auto& [name, spec, is_left] : leaves_) by_name[name].emplace_back(spec, is_left);
        for (auto& [name, uses] : by_name) {
            bool all_same = true;
            for (const auto& u : uses) all_same = all_same && same(u.first, uses.front().first);
            auto tidy = [](LeafSpec l, bool is_left) {
                if (l.init == std::string(is_left ? "row major" : "col major")) l.init.reset();
                return l;
            };
            if (all_same) {
                s.matrices[name] = tidy(uses.front().first, uses.front().second);
            } else {
                for (const auto& u : uses) s.matrix_uses[name].push_back(tidy(u.first, u.second));
            }
        }
        // Matmuls by name; two matmuls of one name must agree.
        for (auto& [name, spec, path] : matmuls_) {
            auto it = s.matmuls.find(name);
            if (it == s.matmuls.end()) {
                if (!empty(spec)) s.matmuls[name] = spec;
                continue;
            }
            if (!same(it->second, spec))
                fail(r_.where(), "two matmuls are named '" + shown(name) + "' but have different settings (" +
                                     path + ")",
                     "a scene keys matmul settings by name: rename one of them in mm");
        }
        for (auto& [name, spec, path] : matmuls_)
            if (empty(spec) && s.matmuls.count(name))
                fail(r_.where(), "two matmuls are named '" + shown(name) + "' but have different settings (" +
                                     path + ")",
                     "a scene keys matmul settings by name: rename one of them in mm");
        s.data_dirs = opts_.data_dirs;
        s.allow_any_path = opts_.allow_any_path;
        // The scene must build (shapes chain, names are distinct where they must be).
        try {
            build_structure(s);
        } catch (const Error& e) {
            fail(r_.where(), std::string("the link's scene cannot be shown: ") + e.what(), "");
        }
        return s;
    }

private:
    const ParamsJson& p_;
    const ImportOptions& opts_;
    Reader r_;
    DataPaths paths_;
    std::vector<std::tuple<std::string, LeafSpec, bool>> leaves_;  // expression order
    std::vector<std::tuple<std::string, MatmulSpec, std::string>> matmuls_;

    std::string name_of(const ParamsJson& n, const std::string& path) const {
        auto s = r_.string(n, "name", dotted(path, "name"));
        if (!s) r_.bad(path.empty() ? "name" : path, "has no name", "give every node a name");
        return *s;
    }

    const ParamsJson& child(const ParamsJson& n, const std::string& path, const char* side) const {
        const ParamsJson* c = Reader::find(n, side);
        if (!c || !c->is_object())
            r_.bad(path.empty() ? "(root)" : path, std::string("has no '") + side + "' operand",
                   "give a complete link");
        return *c;
    }

    // Returns the node's matrix shape (rows, cols) as mm builds it.
    std::pair<int, int> walk(const ParamsJson& n, const std::string& path, const Eff& parent, bool is_left, int D) {
        if (is_matmul_node(n)) return walk_matmul(n, path, &parent, parent, is_left);
        // A leaf (docs/spec/mm-params.md §3): a right leaf is always D x W, its own h is ignored.
        LeafSpec l;
        l.name = name_of(n, path);
        const int w = r_.integer(n, "w", dotted(path, "w"), 1, 1000000).value_or(32);
        const int h = is_left ? r_.integer(n, "h", dotted(path, "h"), 1, 1000000).value_or(32) : D;
        l.h = h;
        l.w = w;
        const std::string init =
            r_.choice(n, "init", dotted(path, "init"), kMmInits).value_or(is_left ? "row major" : "col major");
        l.init = init;
        if (uses_range(init)) {
            l.min = r_.number(n, "min", dotted(path, "min")).value_or(-1);
            l.max = r_.number(n, "max", dotted(path, "max")).value_or(1);
        }
        if (uses_dropout(init)) l.dropout = r_.number(n, "dropout", dotted(path, "dropout"), 0, 1).value_or(0);
        if (init == "expr") {
            l.js = r_.string(n, "expr", dotted(path, "expr")).value_or("");
            if (l.js.find_first_not_of(" \t\r\n") == std::string::npos)
                r_.bad(dotted(path, "expr"), "is empty but init is 'expr'", "give a formula in i, j, h, w");
        }
        if (init == "url") {
            l.url = r_.string(n, "url", dotted(path, "url")).value_or("");
            if (l.url.empty()) r_.bad(dotted(path, "url"), "is empty but init is 'url'", "give the CSV file's url");
            // Its base name names a file in the data folders: never a path (no '/', no '..').
            if (const std::string why = url_file_name_problem(l.url); !why.empty())
                r_.bad(dotted(path, "url"), why, "give the url of a data file (mmr looks it up by base name)");
            // Not available locally: a gaussian stand-in (the scene says which file to add).
            LeafSpec probe = l;
            probe.fallback = "gaussian";
            if (resolve_data_file(probe, "url", paths_).empty()) l.fallback = "gaussian";
        }
        leaves_.emplace_back(l.name, l, is_left);
        return {h, w};
    }

    std::pair<int, int> walk_matmul(const ParamsJson& n, const std::string& path, const Eff* parent_eff,
                                    const Eff& root_eff, bool is_left) {
        const std::string name = name_of(n, path);
        MatmulSpec m;
        if (auto e = r_.choice(n, "epilog", dotted(path, "epilog"), epilog_names())) m.epilog = *e;
        Eff eff = root_eff;
        if (parent_eff) {
            const Eff& par = *parent_eff;
            eff = par;
            // Only anim, block, layout, deco and viz have an effect on a child (§5.1);
            // leaf keys and embedded params copies (expr, cam, diag, ...) are ignored.
            AnimOverride a = read_anim(r_, r_.group(n, "anim", dotted(path, "anim")), dotted(path, "anim"), false);
            if (a.alg && *a.alg != "inherit") eff.alg = *a.alg;
            if (a.alg && (*a.alg == "inherit" || *a.alg == par.alg)) a.alg.reset();
            a.speed.reset();
            a.spin.reset();
            overlay(eff.anim, a);
            diff(a, par.anim);
            m.anim = a;

            const ParamsJson& block = r_.group(n, "block", dotted(path, "block"));
            if (auto k = r_.integer(block, "k blocks", dotted(path, "block.k blocks"), 1, 1000000)) {
                eff.k = *k;
                if (*k != par.k) m.k_blocks = *k;
            }

            LayoutOverride lo = read_layout(r_, r_.group(n, "layout", dotted(path, "layout")), dotted(path, "layout"));
            overlay(eff.layout, lo);
            // Orientation: mm uses the stored keys (missing ones are the parent's), mmr
            // derives it from the parent's scheme: keep the keys where the two differ.
            Orientation stored = par.orient;
            if (lo.positive) stored.positive = *lo.positive;
            if (lo.left_right) stored.left_right = *lo.left_right;
            if (lo.right_bottom) stored.right_bottom = *lo.right_bottom;
            if (lo.result_back) stored.result_back = *lo.result_back;
            const Orientation derived = child_orientation(par.layout.scheme, par.orient, is_left);
            lo.positive = stored.positive != derived.positive ? std::optional<bool>(stored.positive) : std::nullopt;
            lo.left_right =
                stored.left_right != derived.left_right ? std::optional<bool>(stored.left_right) : std::nullopt;
            lo.right_bottom =
                stored.right_bottom != derived.right_bottom ? std::optional<bool>(stored.right_bottom) : std::nullopt;
            lo.result_back =
                stored.result_back != derived.result_back ? std::optional<bool>(stored.result_back) : std::nullopt;
            eff.orient = stored;
            diff(lo, par.layout);
            m.layout = lo;

            DecoOverride d = read_deco(r_, r_.group(n, "deco", dotted(path, "deco")), dotted(path, "deco"));
            overlay(eff.deco, d);
            diff(d, par.deco);
            m.deco = d;
            VizOverride v = read_viz(r_, r_.group(n, "viz", dotted(path, "viz")), dotted(path, "viz"));
            overlay(eff.viz, v);
            diff(v, par.viz);
            m.viz = v;
        }
        const std::size_t slot = matmuls_.size();
        matmuls_.emplace_back(name, MatmulSpec{}, path.empty() ? "the root" : path);
        const auto [hl, wl] = walk(child(n, path, "left"), dotted(path, "left"), eff, true, 0);
        const ParamsJson& right = child(n, path, "right");
        const auto [hr, wr] = walk(right, dotted(path, "right"), eff, false, wl);
        if (hr != wl)
            fail(r_.where(),
                 "shapes do not chain in '" + shown(name) + "' (" + (path.empty() ? "the root" : path) + "): '" +
                     shown(name_of(child(n, path, "left"), dotted(path, "left"))) + "' has " + std::to_string(wl) +
                     " columns but '" + shown(name_of(right, dotted(path, "right"))) + "' has " + std::to_string(hr) +
                     " rows",
                 "mm would compute wrong values here; fix the shapes in mm");
        std::get<1>(matmuls_[slot]) = m;
        return {hl, wr};
    }

    // The scene expression: mm's (§1.4), with every named or right-hand matmul in
    // parentheses, and a name only where it differs from the generated one.
    std::string default_name(const ParamsJson& n, const std::string& path) const {
        const std::string l = name_of(child(n, path, "left"), dotted(path, "left"));
        const std::string r = name_of(child(n, path, "right"), dotted(path, "right"));
        const bool ws = r.find_first_of(" \t\n\r") != std::string::npos;
        return l + " @ " + (ws ? "(" + r + ")" : r);
    }
    std::string expression(const ParamsJson& n, const std::string& path) const {
        const ParamsJson& left = child(n, path, "left");
        const ParamsJson& right = child(n, path, "right");
        std::string L = is_matmul_node(left) ? expression(left, dotted(path, "left")) : leaf_name(left, dotted(path, "left"));
        if (is_matmul_node(left) && name_of(left, dotted(path, "left")) != default_name(left, dotted(path, "left")))
            L = "(" + L + ")";
        const std::string R = is_matmul_node(right) ? "(" + expression(right, dotted(path, "right")) + ")"
                                                    : leaf_name(right, dotted(path, "right"));
        const std::string name = name_of(n, path);
        if (name == default_name(n, path)) return L + " @ " + R;
        if (!is_valid_name(name))
            r_.bad(dotted(path, "name"), "is '" + shown(name) + "', which cannot be written in a scene expression",
                   "names start with a letter, digit or '_' and continue with those or . - ! # $ % ^ & / [ ]");
        return name + " = " + L + " @ " + R;
    }
    std::string leaf_name(const ParamsJson& n, const std::string& path) const {
        const std::string name = name_of(n, path);
        if (!is_valid_name(name))
            r_.bad(dotted(path, "name"), "is '" + shown(name) + "', which cannot be written in a scene expression",
                   "names start with a letter, digit or '_' and continue with those or . - ! # $ % ^ & / [ ]");
        return name;
    }

    // The expression must give back the tree's names exactly.
    void check_expression(const std::string& expr) const {
        std::unique_ptr<ExprNode> e = parse_expression(expr, r_.where());
        std::function<void(const ExprNode&, const ParamsJson&, const std::string&)> cmp =
            [&](const ExprNode& x, const ParamsJson& n, const std::string& path) {
                const std::string name = name_of(n, path);
                if (x.name != name)
                    r_.bad(path.empty() ? "name" : dotted(path, "name"),
                           "is '" + shown(name) + "', which a scene expression cannot reproduce (it gives '" +
                               shown(x.name) + "')",
                           "rename the matmul in mm");
                if (x.is_matmul()) {
                    cmp(*x.left, child(n, path, "left"), dotted(path, "left"));
                    cmp(*x.right, child(n, path, "right"), dotted(path, "right"));
                }
            };
        cmp(*e, p_, "");
    }
};

// ------------------------------------------------------------ export ----------

ParamsJson num(double v) {
    if (v == std::floor(v) && std::fabs(v) < 9e15) return static_cast<int64_t>(v);
    return v;
}

class Exporter {
public:
    Exporter(const SceneSpec& s, const Model& m) : s_(s), m_(m) {}

    ParamsJson run() {
        check_depth();
        post_order(*m_.root, [&](const Node& n) {
            if (n.matmul && is_mask_epilog(n.epilog))
                fail(s_.path + ": matmuls." + n.name + ".epilog", "mm has no mask epilog, so a link cannot carry it",
                     "use 'softmax(tril(x/sqrt(k)))' or 'softmax(x/sqrt(k))' in a scene meant for mm");
        });
        ParamsJson p = mm_default_params();
        const Node& root = *m_.root;
        p["name"] = root.name;
        p["epilog"] = root.epilog;
        p["left"] = node(*root.left);
        p["right"] = node(*root.right);
        p["anim"] = {{"fuse", s_.anim.fuse},
                     {"speed", num(s_.anim.speed)},
                     {"hide inputs", s_.anim.hide_inputs},
                     {"alg", s_.anim.alg},
                     {"spin", num(s_.anim.spin)}};
        p["block"] = {{"i blocks", s_.blocks.i}, {"k blocks", s_.blocks.k}, {"j blocks", s_.blocks.j}};
        ParamsJson layout = {{"scheme", s_.layout.scheme}, {"gap", num(s_.layout.gap)},
                             {"scatter", num(s_.layout.scatter)}, {"molecule", s_.layout.molecule},
                             {"blast", num(s_.layout.blast)}};
        orientation(layout, s_.orientation);
        p["layout"] = layout;
        ParamsJson deco = p["deco"];
        deco["legends"] = num(s_.deco.legends);
        deco["shape"] = s_.deco.shape;
        deco["row guides"] = num(s_.deco.row_guides);
        deco["flow guides"] = num(s_.deco.flow_guides);
        deco["axes"] = s_.deco.axes;
        p["deco"] = deco;
        p["viz"] = {{"sensitivity", s_.viz.sensitivity}, {"min size", num(s_.viz.min_size)},
                    {"min light", num(s_.viz.min_light)}, {"max light", num(s_.viz.max_light)},
                    {"elem scale", num(s_.viz.elem_scale)}, {"zero hue", num(s_.viz.zero_hue)},
                    {"hue gap", num(s_.viz.hue_gap)},       {"hue spread", num(s_.viz.hue_spread)}};
        Vec3d pos = s_.camera.position;
        if (!s_.camera.position_set) {
            // mm's default camera, scaled to the scene as mm does when an expression is edited.
            const Layout lay = compute_layout(m_);
            const glm::dvec3 ext = lay.box_max - lay.box_min;
            const double ratio = (ext.x + ext.y + ext.z) / (3 * 39.0);
            if (ratio > 0) pos = {pos.x * ratio, pos.y * ratio, pos.z * ratio};
        }
        ParamsJson cam = {{"x", num(pos.x)}, {"y", num(pos.y)}, {"z", num(pos.z)}};
        const Vec3d& t = s_.camera.target;
        if (t.x != 0 || t.y != 0 || t.z != 0) cam["target"] = {{"x", num(t.x)}, {"y", num(t.y)}, {"z", num(t.z)}};
        p["cam"] = cam;
        p["compress"] = false;
        // The scene's own expression, rewritten canonically. Not mm's genExpr
        // (mm_generate_expr): that writes "x @ (c @ d) = (x = a @ b) @ (c @ d)" for
        // "(x = a @ b) @ (c @ d)", which neither mm nor mmr can parse.
        p["expr"] = expression_text(*parse_expression(s_.expr, s_.path));
        return p;
    }

private:
    const SceneSpec& s_;
    const Model& m_;

    // A link deeper than the decoder accepts could not be read back (and node()
    // and the JSON writer recurse over it): refuse it first, without recursion.
    void check_depth() const {
        int deepest = 0;
        std::vector<std::pair<const Node*, int>> stack{{m_.root.get(), 0}};
        while (!stack.empty()) {
            auto [n, d] = stack.back();
            stack.pop_back();
            deepest = std::max(deepest, d);
            if (n->matmul) {
                stack.emplace_back(n->left.get(), d + 1);
                stack.emplace_back(n->right.get(), d + 1);
            }
        }
        if (deepest > limits::max_link_depth)
            fail(s_.expr_loc.line > 0 ? s_.expr_loc.str() : s_.path,
                 "the expression is " + std::to_string(deepest) + " matmuls deep, too deep for an mm link",
                 "mm links hold at most " + std::to_string(limits::max_link_depth) +
                     ": export a smaller expression");
    }

    static void orientation(ParamsJson& j, const Orientation& o) {
        j["polarity"] = o.positive ? "positive" : "negative";
        j["left placement"] = o.left_right ? "right" : "left";
        j["right placement"] = o.right_bottom ? "bottom" : "top";
        j["result placement"] = o.result_back ? "back" : "front";
    }

    ParamsJson node(const Node& n) const {
        ParamsJson j;
        j["name"] = n.name;
        j["matmul"] = n.matmul;
        if (!n.matmul) {
            const LeafSpec& l = m_.leaves[static_cast<size_t>(n.leaf)].spec;
            std::string init = l.init.value_or(n.is_left ? "row major" : "col major");
            std::string url = l.url;
            if (init == "csv") {  // a local file: mm can only name it in a url
                init = "url";
                url = l.file;
            } else if (init == "url" && url.empty()) {
                url = l.file;
            }
            j["h"] = n.rows;
            j["w"] = n.cols;
            j["init"] = init;
            j["url"] = url;
            j["min"] = num(l.min);
            j["max"] = num(l.max);
            j["dropout"] = num(l.dropout);
            if (init == "expr") j["expr"] = l.js;
            return j;
        }
        j["epilog"] = n.epilog;
        j["left"] = node(*n.left);
        j["right"] = node(*n.right);
        auto it = s_.matmuls.find(n.name);
        const MatmulSpec* ms = it == s_.matmuls.end() ? nullptr : &it->second;
        ParamsJson anim = {{"alg", ms && ms->anim.alg ? *ms->anim.alg : std::string("inherit")}};
        if (ms && ms->anim.fuse) anim["fuse"] = *ms->anim.fuse;
        if (ms && ms->anim.hide_inputs) anim["hide inputs"] = *ms->anim.hide_inputs;
        j["anim"] = anim;
        j["block"] = {{"k blocks", n.blocks.k}};
        ParamsJson layout = ParamsJson::object();
        orientation(layout, n.orient);
        if (ms) {
            const LayoutOverride& lo = ms->layout;
            if (lo.scheme) layout["scheme"] = *lo.scheme;
            if (lo.gap) layout["gap"] = num(*lo.gap);
            if (lo.scatter) layout["scatter"] = num(*lo.scatter);
            if (lo.molecule) layout["molecule"] = *lo.molecule;
            if (lo.blast) layout["blast"] = num(*lo.blast);
            ParamsJson deco = ParamsJson::object();
            if (ms->deco.legends) deco["legends"] = num(*ms->deco.legends);
            if (ms->deco.shape) deco["shape"] = *ms->deco.shape;
            if (ms->deco.row_guides) deco["row guides"] = num(*ms->deco.row_guides);
            if (ms->deco.flow_guides) deco["flow guides"] = num(*ms->deco.flow_guides);
            if (ms->deco.axes) deco["axes"] = *ms->deco.axes;
            if (!deco.empty()) j["deco"] = deco;
            ParamsJson viz = ParamsJson::object();
            const VizOverride& v = ms->viz;
            if (v.sensitivity) viz["sensitivity"] = *v.sensitivity;
            if (v.min_size) viz["min size"] = num(*v.min_size);
            if (v.min_light) viz["min light"] = num(*v.min_light);
            if (v.max_light) viz["max light"] = num(*v.max_light);
            if (v.elem_scale) viz["elem scale"] = num(*v.elem_scale);
            if (v.zero_hue) viz["zero hue"] = num(*v.zero_hue);
            if (v.hue_gap) viz["hue gap"] = num(*v.hue_gap);
            if (v.hue_spread) viz["hue spread"] = num(*v.hue_spread);
            if (!viz.empty()) j["viz"] = viz;
        }
        j["layout"] = layout;
        return j;
    }
};

}  // namespace

SceneSpec scene_from_params(const ParamsJson& params, const ImportOptions& opts, const std::string& where) {
    Importer im(params, opts, where);
    return im.run();
}

ParamsJson params_from_scene(const SceneSpec& spec) {
    const Model m = build_structure(spec);
    Exporter ex(spec, m);
    return ex.run();
}

}  // namespace mmr
