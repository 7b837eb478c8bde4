// Property test: random scenes, written by the scene writer, read back to the same
// scene. Each scene is generated as YAML from the keys of docs/scene-format.md with
// valid random values; parse -> write -> parse -> write must give the same text twice
// (everything the writer keeps survives a reading), and the expression and every
// matrix and matmul setting must be the same in both readings.
#include <doctest/doctest.h>

#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "mmr/core/error.h"
#include "mmr/scene/scene_parser.h"
#include "mmr/scene/scene_writer.h"

using namespace mmr;

namespace {

struct Gen {
    std::mt19937_64 rng;
    explicit Gen(uint64_t seed) : rng(seed) {}
    int pick(int n) { return int(rng() % uint64_t(n)); }
    bool coin() { return pick(2) == 0; }
    template <class T>
    const T& one(const std::vector<T>& v) { return v[size_t(pick(int(v.size())))]; }
    std::string num(double lo, double hi, int decimals = 2) {
        double x = lo + (hi - lo) * double(rng() % 10001) / 10000.0;
        std::ostringstream o;
        o.precision(decimals);
        o << std::fixed << x;
        return o.str();
    }
};

std::string random_scene(Gen& g) {
    // A chain of 2-4 matrices, sometimes with a named, parenthesised right operand.
    const int n = 2 + g.pick(3);
    std::vector<std::string> names;
    for (int i = 0; i < n; ++i) names.push_back(std::string(1, char('A' + i)));
    std::string expr = names[0];
    for (int i = 1; i < n; ++i) expr += " @ " + names[i];
    if (n >= 3 && g.coin()) expr = names[0] + " @ (mid = " + names[1] + " @ " + names[2] + ")" +
                                  (n == 4 ? " @ " + names[3] : "");
    std::ostringstream y;
    y << "expr: " << expr << "\n";
    y << "seed: " << g.pick(1000) << "\n";
    y << "matrices:\n";
    int rows = 2 + g.pick(6);
    for (int i = 0; i < n; ++i) {
        const int cols = 2 + g.pick(6);
        y << "  " << names[i] << ": {shape: [" << rows << ", " << cols << "]";
        const std::string init = g.one<std::string>({"row major", "col major", "rows", "cols", "uniform", "gaussian",
                                                     "pt linear", "tril mask", "triu mask", "eye", "diff"});
        y << ", init: " << init;
        if (init == "uniform" || init == "gaussian" || init == "rows") y << ", min: -" << g.num(0, 3) << ", max: " << g.num(0.1, 3);
        if (g.pick(4) == 0) y << ", dropout: " << g.num(0, 0.9);
        y << "}\n";
        rows = cols;
    }
    if (g.coin()) {
        y << "matmuls:\n";
        const std::string target = expr.find("mid") != std::string::npos && g.coin() ? "mid" : names[0] + " @ " + names[1];
        y << "  " << target << ": {epilog: "
          << g.one<std::string>({"none", "relu", "gelu", "tanh", "softmax", "layernorm", "x/k", "\"x**2\""});
        if (g.coin()) y << ", k_blocks: " << 1 + g.pick(3);
        if (g.coin()) y << ", anim: {alg: " << g.one<std::string>({"vmprod", "mvprod", "vvprod", "inherit", "none"}) << "}";
        if (g.coin()) y << ", viz: {sensitivity: " << g.one<std::string>({"local", "superlocal"}) << "}";
        y << "}\n";
    }
    if (g.coin()) y << "blocks: {i: " << 1 + g.pick(3) << ", k: " << 1 + g.pick(2) << ", j: " << 1 + g.pick(3) << "}\n";
    if (g.coin())
        y << "layout: {scheme: " << g.one<std::string>({"blocks", "zigzag", "wheel"}) << ", gap: " << g.num(0, 8)
          << ", scatter: " << g.num(0, 5) << ", molecule: " << 1 + g.pick(3) << ", blast: " << g.num(-1, 1)
          << ", polarity: " << g.one<std::string>({"negative", "positive"}) << "}\n";
    if (g.coin())
        y << "deco: {legends: " << g.pick(10) << ", shape: " << (g.coin() ? "true" : "false")
          << ", row_guides: " << g.num(0, 1) << ", flow_guides: " << g.num(0, 1) << ", axes: "
          << (g.coin() ? "true" : "false") << "}\n";
    if (g.coin())
        y << "viz: {sensitivity: " << g.one<std::string>({"global", "semilocal", "local", "superlocal"})
          << ", min_size: " << g.num(0, 1) << ", min_light: " << g.num(0, 0.5) << ", max_light: " << g.num(0.5, 1)
          << ", elem_scale: " << g.num(0.5, 2) << ", zero_hue: " << g.num(0, 1) << ", hue_gap: " << g.num(0, 1)
          << ", hue_spread: " << g.num(0, 0.2) << "}\n";
    if (g.coin())
        y << "anim: {alg: " << g.one<std::string>({"none", "\"dotprod (row major)\"", "\"dotprod (col major)\"", "axpy",
                                                  "mvprod", "vmprod", "vvprod"})
          << ", fuse: " << g.one<std::string>({"none", "sync", "async"}) << ", speed: " << 1 + g.pick(40)
          << ", hide_inputs: " << (g.coin() ? "true" : "false") << ", spin: " << g.pick(5) << "}\n";
    if (g.coin())
        y << "camera: {position: [" << g.num(-60, -1) << ", " << g.num(1, 60) << ", " << g.num(1, 60)
          << "], target: [0, " << g.num(-2, 2) << ", 0], fov: " << 20 + g.pick(50) << "}\n";
    if (g.coin()) y << "output: {width: " << 64 + 16 * g.pick(40) << ", height: " << 64 + 16 * g.pick(30) << "}\n";
    return y.str();
}

}  // namespace

TEST_CASE("scene round trip: random scenes write and read back to the same scene") {
    Gen g(20261130);
    int checked = 0;
    for (int i = 0; i < 400; ++i) {
        const std::string text = random_scene(g);
        CAPTURE(text);
        SceneSpec first;
        try {
            first = parse_scene(text, "r.yaml");
        } catch (const Error& e) {
            FAIL("a generated scene does not parse: " << e.what());
        }
        const std::string written = write_scene(first);
        CAPTURE(written);
        SceneSpec second;
        try {
            second = parse_scene(written, "w.yaml");
        } catch (const Error& e) {
            FAIL("the written scene does not parse: " << e.what());
        }
        CHECK(write_scene(second) == written);
        CHECK(second.expr == first.expr);
        CHECK(second.seed == first.seed);
        CHECK(second.matrices.size() == first.matrices.size());
        for (const auto& [name, m] : first.matrices) {
            REQUIRE(second.matrices.count(name) == 1);
            const LeafSpec& b = second.matrices.at(name);
            CHECK(b.init == m.init);
            CHECK(b.h == m.h);
            CHECK(b.w == m.w);
            CHECK(b.min == m.min);
            CHECK(b.max == m.max);
            CHECK(b.dropout == m.dropout);
        }
        // (a matmul entry that says only what the defaults say is not written)
        for (const auto& [name, mm] : first.matmuls) {
            const auto it = second.matmuls.find(name);
            CHECK((it == second.matmuls.end() ? std::string("none") : it->second.epilog) == mm.epilog);
            CHECK((it == second.matmuls.end() ? std::optional<int>() : it->second.k_blocks) == mm.k_blocks);
        }
        ++checked;
    }
    CHECK(checked == 400);
}
