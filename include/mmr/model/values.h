// Matrix values: seeded random numbers, mm's init functions, epilogs and
// matmul evaluation (docs/spec/mm-values.md §2–§5).
#pragma once
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "mmr/model/matrix.h"
#include "mmr/scene/scene_spec.h"

namespace mmr {

// Seeded uniform generator in [0, 1): the same seed gives the same sequence on
// every platform (mt19937_64, 53-bit mantissa; no std distributions).
// std::mt19937_64 is fully specified by the C++ standard (unlike the std
// distributions, which are implementation-defined), so only the engine is used.
class Rng {
public:
    explicit Rng(uint64_t seed);
    double uniform();  // (next_u64() >> 11) * 2^-53
private:
    std::mt19937_64 engine_;
    uint64_t next_u64();
};

// The seed of one matrix's random stream: a 64-bit hash of the scene seed, the
// matrix name (FNV-1a) and, for a name listed as several matrices, the occurrence
// (0, 1, ...) mixed by SplitMix64. Each random init (uniform, gaussian, pt linear,
// dropout, a formula's Math.random) of a matrix draws from Rng(matrix_seed(...)),
// so editing one matrix never changes another's values.
uint64_t matrix_seed(uint64_t scene_seed, const std::string& matrix_name, int occurrence = 0);

// Every init name mm knows, in mm's menu order, plus "csv" (ours: data from a local file).
const std::vector<std::string>& init_names();
bool is_init(const std::string& name);

// Fills an h x w matrix per docs/spec/mm-values.md §2 (range mapping §2.1, dropout §2.4,
// draw order §5). `scene_dir` resolves relative CSV paths. Throws mmr::Error with
// a one-line message naming spec.loc / the file on bad input.
Matrix init_matrix(const LeafSpec& spec, const std::string& init, int h, int w, Rng& rng,
                   const std::string& scene_dir);

// CSV data (docs/spec/mm-values.md §2.2): rows of numbers with roll-over.
struct CsvData {
    std::vector<std::vector<double>> rows;
    double at(int i, int j) const;  // rows[i mod n][j mod len(row)]
};
CsvData load_csv(const std::string& path, const std::string& where);

// Time limit for init "expr" formulas evaluated by init_matrix.
constexpr double kInitExprTimeoutSeconds = 10.0;

// How eval_js_matrix evaluates a formula.
struct JsOptions {
    double timeout_seconds = kInitExprTimeoutSeconds;
    uint64_t seed = 0;         // of Math.random() (Date.now() and new Date() are always 0, UTC)
    bool errors_zero = false;  // an element that throws is 0 (mm's behaviour, --js-errors zero)
    std::string matrix;        // named in the error for an element that throws
};

// JavaScript formula over (i, j, h, w), evaluated by Duktape in a child process
// with a time limit; booleans -> 0/1. A formula that does not compile, an element
// that throws (unless opts.errors_zero) or a time-out is an mmr::Error naming `where`.
Matrix eval_js_matrix(const std::string& formula, int h, int w, const JsOptions& opts,
                      const std::string& where);
// The same with the default options but the time limit.
Matrix eval_js_matrix(const std::string& formula, int h, int w, double timeout_seconds,
                      const std::string& where);

// Epilogs (docs/spec/mm-values.md §4), names in mm's menu order.
const std::vector<std::string>& epilog_names();
bool is_epilog(const std::string& name);
double epilog_pointwise(const std::string& epilog, double x, int D);
void epilog_matrixwide(const std::string& epilog, Matrix& m);

// The masked softmax of packed attention (docs/values.md#masked-softmax), written
//   softmax(mask(x/sqrt(k), heads G, requests S1:L1 S2:L2 ..., causal))
// Rows are G query heads stacked, each head's rows the requests' new tokens in order
// (S1 + S2 + ... rows); columns are the requests' keys in order (L1 + L2 + ...). Row p
// of request r sees column t of request r only (no cross-request pairs) and, when
// causal, only t <= L_r - S_r + p (its own position and the cached tokens before it).
// Not an mm epilog: mm links cannot carry it.
struct AttentionMask {
    int heads = 1;
    std::vector<std::pair<int, int>> requests;  // (new queries S_r, keys L_r)
    // Empty key slots after request r's keys ("S:L+P"): never live (the unused end of
    // a request's last KV page, attention.paged). Empty or one entry per request.
    std::vector<int> pad;
    bool causal = false;
    int pad_of(size_t r) const { return r < pad.size() ? pad[r] : 0; }
    int rows() const;  // heads * sum S_r
    int cols() const;  // sum L_r
    bool live(int row, int col) const;
    std::string text() const;  // the epilog string
};
bool is_mask_epilog(const std::string& epilog);
// Parses a mask epilog; throws mmr::Error "<where>: ...; <fix>" when malformed.
AttentionMask parse_mask_epilog(const std::string& epilog, const std::string& where);

// result = P(sum_k a[i][k] * b[k][j]) with double sums, NaN -> 0, float32 storage,
// then the matrix-wide part of the epilog.
Matrix matmul(const Matrix& a, const Matrix& b, const std::string& epilog);

}  // namespace mmr
