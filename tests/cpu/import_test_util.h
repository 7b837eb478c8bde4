// Shared by the import_* tests: the article fixtures, a test-side encoder of mm
// links (docs/spec/mm-url.md §3.1, written independently of src/scene), and a test-side
// reading of a params object's meaning (docs/spec/mm-params.md §3, §5) to compare with the
// Model that mmr builds from an imported scene.
#pragma once
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace mmr::test {

using OJson = nlohmann::ordered_json;

inline std::string fixture_dir() { return MMR_FIXTURE_DIR; }  // tests/data/article

struct Fixture {
    std::string name;  // "18-attn-head"
    std::string path;
    OJson params;
};

inline std::vector<Fixture> fixtures() {
    std::vector<Fixture> out;
    for (const auto& e : std::filesystem::directory_iterator(fixture_dir())) {
        if (e.path().extension() != ".json") continue;
        std::ifstream in(e.path());
        Fixture f;
        f.name = e.path().stem().string();
        f.path = e.path().string();
        f.params = OJson::parse(in);
        out.push_back(std::move(f));
    }
    std::sort(out.begin(), out.end(), [](const Fixture& a, const Fixture& b) { return a.name < b.name; });
    return out;
}

// ---------------------------------------------------------------- encoders ----

// JavaScript's String(number).
inline std::string js_num(double v) {
    if (v == 0) return "0";
    if (v == std::floor(v) && std::fabs(v) < 1e21) {
        char b[40];
        std::snprintf(b, sizeof b, "%.0f", v);
        return b;
    }
    for (int p = 1; p <= 17; ++p) {
        char b[40];
        std::snprintf(b, sizeof b, "%.*g", p, v);
        if (std::strtod(b, nullptr) == v) {
            std::string s = b;
            // JS writes 1e-7, not 1e-07
            size_t e = s.find("e-0");
            if (e != std::string::npos) s.erase(e + 2, 1);
            return s;
        }
    }
    return "NaN";
}

// URLSearchParams serialisation (spaces as '+').
inline std::string form(const std::string& s) {
    std::string o;
    const char* hex = "0123456789ABCDEF";
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '*' || c == '-' || c == '.' || c == '_') o += static_cast<char>(c);
        else if (c == ' ') o += '+';
        else o += {'%', hex[c >> 4], hex[c & 15]};
    }
    return o;
}

// encodeURIComponent.
inline std::string uri(const std::string& s) {
    std::string o;
    const char* hex = "0123456789ABCDEF";
    for (unsigned char c : s) {
        if (std::isalnum(c) || std::strchr("-_.!~*'()", c)) o += static_cast<char>(c);
        else o += {'%', hex[c >> 4], hex[c & 15]};
    }
    return o;
}

inline std::string json_link(const OJson& params) {
    return "https://bhosmer.github.io/mm/index.html?params=" + uri(params.dump());
}

// docs/spec/mm-url.md §3.1: flatten, number the names (prefix before last segment), emit the
// properties, then the name table. `spaces_as_20` writes spaces as %20 instead of '+'.
inline std::string compressed_link(const OJson& params, bool spaces_as_20 = false) {
    std::vector<std::pair<std::string, const OJson*>> flat;
    std::function<void(const OJson&, const std::string&)> walk = [&](const OJson& o, const std::string& pre) {
        for (auto it = o.begin(); it != o.end(); ++it) {
            std::string p = pre.empty() ? it.key() : pre + "." + it.key();
            if (it->is_object()) walk(*it, p);
            else flat.emplace_back(p, &*it);
        }
    };
    walk(params, "");
    std::vector<std::string> names;
    std::map<std::string, int> num;
    auto id = [&](const std::string& n) {
        auto f = num.find(n);
        if (f != num.end()) return f->second;
        num[n] = static_cast<int>(names.size());
        names.push_back(n);
        return num[n];
    };
    std::vector<std::pair<std::string, std::string>> props;
    for (const auto& [path, v] : flat) {
        size_t dot = path.rfind('.');
        std::string key;
        if (dot == std::string::npos) {
            key = std::to_string(id(path));
        } else {
            int a = id(path.substr(0, dot));
            int b = id(path.substr(dot + 1));
            key = std::to_string(a) + "." + std::to_string(b);
        }
        std::string text = v->is_string()    ? v->get<std::string>()
                           : v->is_boolean() ? (v->get<bool>() ? "true" : "false")
                                             : js_num(v->get<double>());
        props.emplace_back(key, text);
    }
    auto enc = [&](const std::string& s) {
        std::string e = form(s);
        if (spaces_as_20) {
            std::string r;
            for (char c : e) r += c == '+' ? std::string("%20") : std::string(1, c);
            e = r;
        }
        return e;
    };
    std::string q;
    for (const auto& [k, v] : props) q += (q.empty() ? "" : "&") + enc(k) + "=" + enc(v);
    for (size_t i = 0; i < names.size(); ++i) q += "&" + enc(names[i]) + "=" + std::to_string(i);
    return "https://bhosmer.github.io/mm/index.html?" + q;
}

// ---------------------------------------------------------------- meaning -----

// What a params node means in mm, computed from the spec (docs/spec/mm-params.md) without
// mmr's code: one entry per node in pre-order.
struct Expected {
    std::string name, path;
    bool matmul = false;
    int rows = 0, cols = 0, depth = 0;
    std::string epilog;
    std::string alg, fuse;
    bool hide_inputs = false;
    double speed = 0, spin = 0;
    std::string scheme;
    double gap = 0, scatter = 0, blast = 0;
    int molecule = 0;
    bool positive = false, left_right = false, right_bottom = false, result_back = false;
    double legends = 0, row_guides = 0, flow_guides = 0;
    bool shape = false, axes = false;
    std::map<std::string, double> viz;
    std::string sensitivity;
    int ib = 1, kb = 1, jb = 1;  // blocks of a matmul
    int row_blocks = 1, col_blocks = 1;
    // leaf
    std::string init, js, url;
    double min = -1, max = 1, dropout = 0;
};

inline std::vector<Expected> expected_nodes(const OJson& p) {
    std::vector<Expected> out;
    // Effective groups: parent's overlaid with the node's own keys (§5.1).
    auto merge = [](OJson base, const OJson& node, const char* group) {
        if (node.contains(group) && node[group].is_object())
            for (auto it = node[group].begin(); it != node[group].end(); ++it) base[it.key()] = *it;
        return base;
    };
    std::function<std::pair<int, int>(const OJson&, const std::string&, const OJson&, bool, int, std::string,
                                       int, int, int)>
        walk = [&](const OJson& n, const std::string& path, const OJson& parent_eff, bool is_left, int D,
                   std::string parent_alg, int ib, int kb, int jb) -> std::pair<int, int> {
        const bool root = path.empty();
        const bool mm = root || (n.contains("matmul") && n["matmul"] == true);
        Expected e;
        e.path = path;
        e.name = n["name"].get<std::string>();
        e.matmul = mm;
        OJson eff = parent_eff;
        for (const char* g : {"anim", "layout", "deco", "viz"}) eff[g] = merge(parent_eff[g], n, g);
        // anim: alg inherit resolves to the parent's; speed/spin from the root only
        std::string alg = eff["anim"].value("alg", std::string("inherit"));
        if (alg == "inherit") alg = parent_alg;
        if (!mm) alg = parent_alg;
        eff["anim"]["alg"] = alg;
        if (!root) {
            eff["anim"]["speed"] = parent_eff["anim"]["speed"];
            eff["anim"]["spin"] = parent_eff["anim"]["spin"];
        }
        e.alg = alg;
        e.fuse = eff["anim"]["fuse"];
        e.hide_inputs = eff["anim"]["hide inputs"];
        e.speed = eff["anim"]["speed"];
        e.spin = eff["anim"]["spin"];
        const OJson& L = eff["layout"];
        e.scheme = L["scheme"];
        e.gap = L["gap"];
        e.scatter = L["scatter"];
        e.blast = L["blast"];
        e.molecule = L["molecule"];
        e.positive = L["polarity"] == "positive";
        e.left_right = L["left placement"] == "right";
        e.right_bottom = L["right placement"] == "bottom";
        e.result_back = L["result placement"] == "back";
        const OJson& Dc = eff["deco"];
        e.legends = Dc["legends"];
        e.row_guides = Dc["row guides"];
        e.flow_guides = Dc["flow guides"];
        e.shape = Dc["shape"];
        e.axes = Dc["axes"];
        for (auto it = eff["viz"].begin(); it != eff["viz"].end(); ++it)
            if (it.key() != "sensitivity" && it.key() != "folder") e.viz[it.key()] = it->get<double>();
        e.sensitivity = eff["viz"]["sensitivity"];
        e.row_blocks = ib;
        e.col_blocks = jb;
        const size_t slot = out.size();
        out.push_back(e);
        if (!mm) {
            Expected& x = out[slot];
            x.init = n["init"];
            x.cols = n["w"];
            x.rows = is_left ? n["h"].get<int>() : D;  // a right leaf is D x W
            if (x.init == "expr") x.js = n["expr"];
            if (x.init == "url") x.url = n["url"];
            x.min = n["min"];
            x.max = n["max"];
            x.dropout = n["dropout"];
            return {x.rows, x.cols};
        }
        out[slot].epilog = n.value("epilog", std::string("none"));
        int k = kb;
        if (!root && n.contains("block") && n["block"].contains("k blocks")) k = n["block"]["k blocks"];
        out[slot].ib = ib;
        out[slot].kb = k;
        out[slot].jb = jb;
        const std::string pre = root ? "" : path + ".";
        auto [hl, wl] = walk(n["left"], pre + "left", eff, true, 0, alg, ib, k, k);
        auto [hr, wr] = walk(n["right"], pre + "right", eff, false, wl, alg, k, k, jb);
        (void)hr;
        out[slot].rows = hl;
        out[slot].depth = wl;
        out[slot].cols = wr;
        return {hl, wr};
    };
    OJson root_eff;
    for (const char* g : {"anim", "layout", "deco", "viz"}) root_eff[g] = p[g];
    const OJson& b = p["block"];
    walk(p, "", root_eff, true, 0, p["anim"]["alg"], b["i blocks"], b["k blocks"], b["j blocks"]);
    return out;
}

}  // namespace mmr::test
