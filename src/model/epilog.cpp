// Epilogs (docs/spec/mm-values.md §4): a pointwise map applied to each dot product, and a
// matrix-wide part (softmax / layernorm) applied to the finished result.
#include <algorithm>
#include <cmath>

#include <sstream>

#include "epilog_impl.h"
#include "mmr/core/error.h"
#include "mmr/model/values.h"

// mm computes in JavaScript, which never fuses a*b+c into one rounding; keep the
// compiler from doing so on FMA targets so results match to the last bit.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace mmr {

const std::vector<std::string>& epilog_names() {
    static const std::vector<std::string> names = {
        "none",    "relu",      "gelu",      "sigmoid",
        "silu",    "tanh",      "layernorm", "softmax",
        "softmax(x/sqrt(k))",   "softmax(tril(x/sqrt(k)))",
        "softmax(tril(x/8))",   "x/k",       "x/sqrt(k)", "x**2"};
    return names;
}

bool is_epilog(const std::string& name) {
    const auto& n = epilog_names();
    return std::find(n.begin(), n.end(), name) != n.end() || is_mask_epilog(name);
}

static const char* const kMaskPrefix = "softmax(mask(x/sqrt(k)";

bool is_mask_epilog(const std::string& e) { return e.rfind(kMaskPrefix, 0) == 0; }

int AttentionMask::rows() const {
    long long s = 0;
    for (const auto& r : requests) s += r.first;
    return static_cast<int>(s * heads);
}

int AttentionMask::cols() const {
    long long s = 0;
    for (size_t r = 0; r < requests.size(); ++r) s += requests[r].second + pad_of(r);
    return static_cast<int>(s);
}

bool AttentionMask::live(int row, int col) const {
    const int per_head = rows() / std::max(1, heads);
    if (per_head <= 0) return false;
    int p = row % per_head, t = col;
    for (size_t r = 0; r < requests.size(); ++r) {
        const auto [s, l] = requests[r];
        if (p < s) {
            if (t < 0 || t >= l) return false;   // another request's keys, or empty page slots
            return !causal || t <= l - s + p;
        }
        p -= s;
        t -= l + pad_of(r);
    }
    return false;
}

std::string AttentionMask::text() const {
    std::string s = std::string(kMaskPrefix) + ", heads " + std::to_string(heads) + ", requests";
    for (size_t r = 0; r < requests.size(); ++r) {
        s += " " + std::to_string(requests[r].first) + ":" + std::to_string(requests[r].second);
        if (pad_of(r)) s += "+" + std::to_string(pad_of(r));
    }
    if (causal) s += ", causal";
    return s + "))";
}

AttentionMask parse_mask_epilog(const std::string& e, const std::string& where) {
    const std::string fix =
        "write e.g. 'softmax(mask(x/sqrt(k), heads 2, requests 4:4 1:6, causal))' (see docs/values.md#masked-softmax)";
    if (!is_mask_epilog(e) || e.size() < 2 || e.compare(e.size() - 2, 2, "))") != 0)
        fail(where, "malformed mask epilog '" + e + "'", fix);
    AttentionMask m;
    m.requests.clear();
    const std::string body = e.substr(std::string(kMaskPrefix).size(),
                                      e.size() - 2 - std::string(kMaskPrefix).size());
    std::stringstream parts(body);
    std::string part;
    bool have_heads = false, have_requests = false;
    auto whole = [&](const std::string& t, int lo, int hi) {
        if (t.empty() || t.size() > 9 || t.find_first_not_of("0123456789") != std::string::npos)
            fail(where, "'" + t + "' in the mask epilog is not a whole number", fix);
        const long long v = std::stoll(t);
        if (v < lo || v > hi)
            fail(where, "'" + t + "' in the mask epilog is out of range " + std::to_string(lo) + "-" +
                            std::to_string(hi), fix);
        return static_cast<int>(v);
    };
    std::getline(parts, part, ',');  // text before the first comma: empty
    if (!part.empty()) fail(where, "malformed mask epilog '" + e + "'", fix);
    while (std::getline(parts, part, ',')) {
        std::stringstream words(part);
        std::string w;
        words >> w;
        if (w == "heads") {
            std::string n;
            words >> n;
            m.heads = whole(n, 1, 1000000);
            have_heads = true;
        } else if (w == "requests") {
            std::string r;
            while (words >> r) {
                const size_t c = r.find(':');
                if (c == std::string::npos) fail(where, "request '" + r + "' in the mask epilog is not S:L", fix);
                const size_t plus = r.find('+', c + 1);
                const int s = whole(r.substr(0, c), 0, 1000000),
                          l = whole(r.substr(c + 1, plus == std::string::npos ? std::string::npos : plus - c - 1), 0,
                                    1000000);
                const int pad = plus == std::string::npos ? 0 : whole(r.substr(plus + 1), 0, 1000000);
                if (s > l) fail(where, "request '" + r + "' has more new queries than keys", fix);
                m.requests.emplace_back(s, l);
                m.pad.push_back(pad);
            }
            have_requests = !m.requests.empty();
        } else if (w == "causal") {
            m.causal = true;
        } else {
            fail(where, "unknown part '" + part + "' of the mask epilog", fix);
        }
        std::string extra;
        if (w != "requests" && (words >> extra)) fail(where, "unexpected '" + extra + "' in the mask epilog", fix);
    }
    if (!have_heads || !have_requests) fail(where, "the mask epilog needs 'heads N' and 'requests S:L ...'", fix);
    return m;
}

namespace detail {

// Checked in mm's order (§4.1): exact names first, then substrings of the name.
// Unknown names are the identity, as in mm (the scene parser rejects them earlier).
Pointwise pointwise_of(const std::string& e) {
    if (e == "relu") return Pointwise::Relu;
    if (e == "gelu") return Pointwise::Gelu;
    if (e == "sigmoid") return Pointwise::Sigmoid;
    if (e == "silu") return Pointwise::Silu;
    if (e == "tanh") return Pointwise::Tanh;
    if (e == "x**2") return Pointwise::Square;
    if (e == "x/k") return Pointwise::DivK;
    if (e.find("x/sqrt(k)") != std::string::npos) return Pointwise::DivSqrtK;
    if (e.find("x/8") != std::string::npos) return Pointwise::Div8;
    return Pointwise::Identity;
}

// Abramowitz & Stegun 7.1.26, exactly as mm evaluates it (not std::erf).
static double erf_as(double x) {
    const double a1 = 0.254829592, a2 = -0.284496736, a3 = 1.421413741;
    const double a4 = -1.453152027, a5 = 1.061405429, p = 0.3275911;
    const double ax = std::fabs(x);
    const double t = 1.0 / (1.0 + p * ax);
    const double y = (((((a5 * t + a4) * t) + a3) * t + a2) * t + a1) * t;
    const double sign = std::isnan(x) ? x : (x > 0) - (x < 0);  // Math.sign
    return sign * (1 - y * std::exp(-ax * ax));
}

static double sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

double apply_pointwise(Pointwise p, double x, int D) {
    switch (p) {
        case Pointwise::Relu: return std::isnan(x) ? x : std::max(0.0, x);  // Math.max
        case Pointwise::Gelu: return x * (1 + erf_as(x / std::sqrt(2.0))) / 2;
        case Pointwise::Sigmoid: return sigmoid(x);
        case Pointwise::Silu: return x * sigmoid(x);
        case Pointwise::Tanh: return std::tanh(x);
        case Pointwise::Square: return x * x;
        case Pointwise::DivK: return x / D;
        case Pointwise::DivSqrtK: return x / std::sqrt(static_cast<double>(D));
        case Pointwise::Div8: return x / 8;
        case Pointwise::Identity: break;
    }
    return x;
}

}  // namespace detail

double epilog_pointwise(const std::string& epilog, double x, int D) {
    return detail::apply_pointwise(detail::pointwise_of(epilog), x, D);
}

// Math.max semantics: NaN wins.
static double js_max(double a, double b) {
    if (std::isnan(a) || std::isnan(b)) return std::nan("");
    return std::max(a, b);
}

// Row softmax exactly as mm's softmax_ (§4.2), including its quirks: the running
// max starts at 0, the denominator loop stops once the partial sum is non-finite,
// and NaN outputs become 0.
// Deviation: for the causal variant mm uses n = i + 1 even when that exceeds the
// row width, reading into the next rows (or past the matrix); we clamp n to w.
static void softmax_rows(Matrix& m, bool causal) {
    for (int i = 0; i < m.h; ++i) {
        float* row = m.v.data() + static_cast<size_t>(i) * m.w;
        const int n = causal ? std::min(i + 1, m.w) : m.w;
        double mx = 0;
        for (int t = 0; t < n; ++t) mx = js_max(mx, row[t]);
        double denom = 0;
        for (int t = 0; t < n; ++t) {
            denom += std::exp(row[t] - mx);
            if (!std::isfinite(denom)) break;
        }
        for (int j = 0; j < m.w; ++j) {
            const double y = (causal && j > i) ? 0.0 : std::exp(row[j] - mx) / denom;
            row[j] = std::isnan(y) ? 0.0f : static_cast<float>(y);
        }
    }
}

// Softmax over each row's live entries (AttentionMask); masked entries are 0. A
// matrix of another shape than the mask's is left as it is (the model refuses it).
static void masked_softmax_rows(Matrix& m, const AttentionMask& mask) {
    if (m.h != mask.rows() || m.w != mask.cols()) return;
    for (int i = 0; i < m.h; ++i) {
        float* row = m.v.data() + static_cast<size_t>(i) * m.w;
        double mx = -INFINITY;
        for (int j = 0; j < m.w; ++j)
            if (mask.live(i, j)) mx = std::max(mx, static_cast<double>(row[j]));
        double denom = 0;
        for (int j = 0; j < m.w; ++j)
            if (mask.live(i, j)) denom += std::exp(row[j] - mx);
        for (int j = 0; j < m.w; ++j) {
            const double y = mask.live(i, j) && denom > 0 ? std::exp(row[j] - mx) / denom : 0.0;
            row[j] = std::isfinite(y) ? static_cast<float>(y) : 0.0f;
        }
    }
}

// Normalisation over all elements (no per-row statistics, no scale/shift).
static void layernorm(Matrix& m) {
    if (m.v.empty()) return;
    double sum = 0, sum2 = 0;
    for (float x : m.v) {
        sum += x;
        // mm squares via Float32Array.map, which stores each x^2 as float32.
        sum2 += static_cast<float>(static_cast<double>(x) * x);
    }
    const double n = static_cast<double>(m.v.size());
    const double mean = sum / n, mean2 = sum2 / n;
    const double denom = std::sqrt(mean2 - mean * mean + 1e-5);
    for (float& x : m.v) x = static_cast<float>((x - mean) / denom);
}

void epilog_matrixwide(const std::string& epilog, Matrix& m) {
    if (epilog == "softmax" || epilog == "softmax(x/sqrt(k))") {
        softmax_rows(m, false);
    } else if (epilog == "softmax(tril(x/sqrt(k)))" || epilog == "softmax(tril(x/8))") {
        softmax_rows(m, true);
    } else if (epilog == "layernorm") {
        layernorm(m);
    } else if (is_mask_epilog(epilog)) {
        masked_softmax_rows(m, parse_mask_epilog(epilog, "epilog"));
    }
}

}  // namespace mmr
