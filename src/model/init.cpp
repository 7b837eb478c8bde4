// Leaf initialisation (docs/spec/mm-values.md §2): mm's init functions, range mapping,
// dropout, and the draw order that makes a seeded scene reproducible (§5).
#include <algorithm>
#include <cmath>

#include "mmr/core/error.h"
#include "mmr/model/data.h"
#include "mmr/model/values.h"

namespace mmr {

const std::vector<std::string>& init_names() {
    static const std::vector<std::string> names = {
        "rows",      "cols",      "row major", "col major", "pt linear", "uniform", "gaussian",
        "tril mask", "triu mask", "eye",       "diff",      "url",       "expr",    "csv"};
    return names;
}

bool is_init(const std::string& name) {
    const auto& n = init_names();
    return std::find(n.begin(), n.end(), name) != n.end();
}

namespace {

bool uses_range(const std::string& init) {
    return init == "rows" || init == "cols" || init == "row major" || init == "col major" ||
           init == "uniform" || init == "gaussian";
}
bool uses_dropout(const std::string& init) { return uses_range(init) || init == "pt linear"; }

// The raw f(i, j, h, w) of the built-in inits; random ones draw from `rng`.
double raw_value(const std::string& init, int i, int j, int h, int w, Rng& rng) {
    if (init == "rows") return h > 1 ? double(i) / (h - 1) : 0;
    if (init == "cols") return w > 1 ? double(j) / (w - 1) : 0;
    const double hw = double(h) * w;
    if (init == "row major") return hw > 1 ? (double(i) * w + j) / (hw - 1) : 0;
    if (init == "col major") return hw > 1 ? (double(j) * h + i) / (hw - 1) : 0;
    if (init == "pt linear") return (2 * rng.uniform() - 1) / std::sqrt(double(w));
    if (init == "uniform") return rng.uniform();
    if (init == "gaussian") {
        // Box-Muller as in mm: u1 = 1 - U (never 0, so the log is finite), then u2;
        // mean 0.5, sd 0.5, so the default range [-1, 1] maps it onto N(0, 1).
        const double u1 = 1 - rng.uniform();
        const double u2 = rng.uniform();
        const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
        return z * 0.5 + 0.5;
    }
    if (init == "tril mask") return j <= i ? 1 : 0;
    if (init == "triu mask") return j >= i ? 1 : 0;
    if (init == "eye") return i == j ? 1 : 0;
    if (init == "diff") return i == j ? 1 : i == j + 1 ? -1 : 0;
    return 0;  // not reached: callers check the name first
}

std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

}  // namespace

Matrix init_matrix(const LeafSpec& spec, const std::string& init, int h, int w, Rng& rng,
                   const std::string& scene_dir) {
    if (!is_init(init)) {
        fail(spec.loc.str(), "matrix '" + spec.name + "' has unknown init '" + init + "'",
             "use one of: " + join(init_names()));
    }
    // Data files (CSV, npy, npz, safetensors; mm's url init resolved to a local file):
    // src/model/data_leaf.cpp.
    if (init == "csv" || init == "url") return init_matrix(spec, init, h, w, rng, DataPaths{scene_dir, {}});
    if (init == "expr") {
        if (spec.js.empty()) {
            fail(spec.loc.str(), "matrix '" + spec.name + "' uses init 'expr' without a formula",
                 "give a JavaScript expression in i, j, h, w");
        }
        // Math.random() is seeded from this matrix's own random stream (itself seeded
        // by the scene's seed and the matrix's name, matrix_seed); the stream is not
        // advanced, so dropout after the formula draws what it would without it.
        JsOptions js;
        Rng probe = rng;
        js.seed = static_cast<uint64_t>(probe.uniform() * 0x1.0p53);
        js.errors_zero = spec.js_errors_zero;
        js.matrix = spec.name;
        return eval_js_matrix(spec.js, h, w, js, spec.loc.str());
    }

    // §2.1: scaled only when the range differs from [0, 1]; max < min gives min.
    const bool scaled = uses_range(init) && (spec.min != 0 || spec.max != 1);
    const double span = std::max(0.0, spec.max - spec.min);
    const bool dropout = uses_dropout(init) && spec.dropout > 0;
    Matrix m(h, w);
    for (int i = 0; i < h; ++i) {
        for (int j = 0; j < w; ++j) {
            // §2.4: the dropout draw comes first; a dropped element skips the init's
            // own draws (mm: `Math.random() > dropout ? scaled(...) : 0`).
            if (dropout && !(rng.uniform() > spec.dropout)) continue;  // stays exactly 0
            const double f = raw_value(init, i, j, h, w, rng);
            m.at(i, j) = static_cast<float>(scaled ? spec.min + span * f : f);
        }
    }
    return m;
}

}  // namespace mmr
