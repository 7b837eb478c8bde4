// Matmul results (docs/spec/mm-values.md §3): double-precision dot products, pointwise
// epilog, float32 storage, then the matrix-wide epilog.
#include <cmath>
#include <string>
#include <vector>

#include "epilog_impl.h"
#include "mmr/core/error.h"
#include "mmr/model/values.h"

namespace mmr {

Matrix matmul(const Matrix& a, const Matrix& b, const std::string& epilog) {
    if (a.w != b.h) {
        fail("matmul", "shape mismatch: " + std::to_string(a.h) + "x" + std::to_string(a.w) +
                           " @ " + std::to_string(b.h) + "x" + std::to_string(b.w),
             "the left operand's width must equal the right operand's height");
    }
    const int H = a.h, D = a.w, W = b.w;
    const detail::Pointwise p = detail::pointwise_of(epilog);
    Matrix r(H, W);
    // i-k-j order with a row of double accumulators: streams through b row by row
    // (cache friendly, vectorisable) while each acc[j] still sums k = 0, 1, ... in
    // mm's order. A float32*float32 product is exact in double, so the sums are
    // bit-identical to mm's dot-product loop.
    std::vector<double> acc(static_cast<size_t>(W));
    for (int i = 0; i < H; ++i) {
        std::fill(acc.begin(), acc.end(), 0.0);
        const float* arow = a.v.data() + static_cast<size_t>(i) * D;
        for (int k = 0; k < D; ++k) {
            const double aik = arow[k];
            const float* brow = b.v.data() + static_cast<size_t>(k) * W;
            for (int j = 0; j < W; ++j) acc[j] += aik * brow[j];
        }
        float* rrow = r.v.data() + static_cast<size_t>(i) * W;
        for (int j = 0; j < W; ++j) {
            // A NaN sum becomes 0 and skips the pointwise epilog (mm's dotprod).
            rrow[j] = std::isnan(acc[j]) ? 0.0f
                                         : static_cast<float>(detail::apply_pointwise(p, acc[j], D));
        }
    }
    epilog_matrixwide(epilog, r);
    return r;
}

}  // namespace mmr
