// A 2-D slice of an N-D array (C or Fortran order), decoded to float32.
#include <cmath>
#include <cstring>

#include "data_internal.h"
#include "mmr/core/error.h"
#include "mmr/model/data.h"

namespace mmr {
namespace {

float half_to_float(uint16_t h) {
    const uint32_t sign = (h >> 15) & 1, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
    float v;
    if (exp == 0) v = std::ldexp(static_cast<float>(mant), -24);  // zero / subnormal
    else if (exp == 31) v = mant ? NAN : INFINITY;
    else v = std::ldexp(static_cast<float>(mant | 0x400), static_cast<int>(exp) - 25);
    return sign ? -v : v;
}

float bf16_to_float(uint16_t b) {
    const uint32_t bits = static_cast<uint32_t>(b) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

uint64_t load(const unsigned char* p, int n, bool big) {
    uint64_t v = 0;
    if (big)
        for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
    else
        for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

float decode(const unsigned char* p, DType t, bool big) {
    const int n = dtype_size(t);
    const uint64_t u = load(p, n, big);
    switch (t) {
        case DType::f16: return half_to_float(static_cast<uint16_t>(u));
        case DType::bf16: return bf16_to_float(static_cast<uint16_t>(u));
        case DType::f32: {
            const uint32_t b = static_cast<uint32_t>(u);
            float f;
            std::memcpy(&f, &b, 4);
            return f;
        }
        case DType::f64: {
            double d;
            std::memcpy(&d, &u, 8);
            return static_cast<float>(d);
        }
        case DType::i8: return static_cast<float>(static_cast<int8_t>(u));
        case DType::i16: return static_cast<float>(static_cast<int16_t>(u));
        case DType::i32: return static_cast<float>(static_cast<int32_t>(u));
        case DType::i64: return static_cast<float>(static_cast<int64_t>(u));
        case DType::u8: case DType::u16: case DType::u32: case DType::u64:
            return static_cast<float>(u);
        case DType::boolean: return u ? 1.0f : 0.0f;
    }
    return 0;
}

// Element strides (in elements) for C or Fortran order.
std::vector<uint64_t> strides(const TensorInfo& t) {
    const size_t n = t.shape.size();
    std::vector<uint64_t> s(n, 1);
    bool overflow = false;
    if (t.fortran_order) {
        for (size_t k = 1; k < n; ++k) s[k] = detail::mul_checked(s[k - 1], t.shape[k - 1], overflow);
    } else {
        for (size_t k = n; k > 1; --k) s[k - 2] = detail::mul_checked(s[k - 1], t.shape[k - 1], overflow);
    }
    return s;  // overflow is impossible once count() fits, which the header readers check
}

}  // namespace

std::pair<uint64_t, uint64_t> slice_shape(const TensorInfo& t, const SliceSpec& s,
                                          const std::string& where) {
    const size_t nd = t.shape.size();
    const size_t lead = nd > 2 ? nd - 2 : 0;
    if (s.index.size() != lead) {
        if (lead == 0)
            fail(where, "'index' is given but the array is " + t.shape_str() + " (" +
                            std::to_string(nd) + "-D)",
                 "remove 'index': it selects a 2-D slice of arrays with more than 2 dimensions");
        fail(where,
             "the array is " + t.shape_str() + " (" + std::to_string(nd) + "-D): 'index' needs " +
                 std::to_string(lead) + " entr" + (lead == 1 ? "y" : "ies") + " for the leading axes, not " +
                 std::to_string(s.index.size()),
             "write e.g. 'index: [" + std::string(lead == 1 ? "0" : "0, 0") + (lead > 2 ? ", ..." : "") +
                 "]' to show the last two axes at those positions");
    }
    for (size_t k = 0; k < lead; ++k) {
        const long long d = static_cast<long long>(std::min<uint64_t>(t.shape[k], uint64_t(1) << 62));
        if (s.index[k] < -d || s.index[k] >= d)
            fail(where,
                 "index " + std::to_string(s.index[k]) + " is out of range for axis " +
                     std::to_string(k) + " of the " + t.shape_str() + " array",
                 "use 0 to " + std::to_string(d - 1) + " (or -1 to -" + std::to_string(d) + ")");
    }
    uint64_t rows = nd >= 2 ? t.shape[nd - 2] : 1, cols = nd >= 1 ? t.shape[nd - 1] : 1;
    if (s.transpose) std::swap(rows, cols);
    return {rows, cols};
}

Matrix read_slice(const ByteSource& src, const TensorInfo& t, const SliceSpec& s,
                  const std::string& where) {
    const auto [full_rows, full_cols] = slice_shape(t, s, where);
    if (full_rows == 0 || full_cols == 0)
        fail(where, "the " + t.shape_str() + " array has no elements to show", "use a non-empty array");
    const bool window = s.rows || s.cols;
    const uint64_t rows = window ? s.rows : full_rows, cols = window ? s.cols : full_cols;
    if (window && (rows == 0 || cols == 0 || s.row0 > full_rows || s.col0 > full_cols ||
                   rows > full_rows - s.row0 || cols > full_cols - s.col0))
        fail(where,
             "a " + std::to_string(rows) + "x" + std::to_string(cols) + " window at offset [" +
                 std::to_string(s.row0) + ", " + std::to_string(s.col0) + "] does not fit in the " +
                 std::to_string(full_rows) + "x" + std::to_string(full_cols) + " slice",
             "give a smaller shape or offset");
    if (rows > 1000000 || cols > 1000000)
        fail(where, "a " + std::to_string(rows) + "x" + std::to_string(cols) + " matrix is too large",
             "at most 1000000 rows and columns are supported");
    const size_t nd = t.shape.size();
    const std::vector<uint64_t> st = strides(t);
    uint64_t base = 0;
    for (size_t k = 0; k + 2 < nd; ++k) {
        const long long i = s.index[k] < 0 ? s.index[k] + static_cast<long long>(t.shape[k]) : s.index[k];
        base += static_cast<uint64_t>(i) * st[k];
    }
    // Strides of the slice's row and column axes (before the transpose).
    uint64_t sr = nd >= 2 ? st[nd - 2] : 0, sc = nd >= 1 ? st[nd - 1] : 0;
    // The window in the stored (untransposed) axes: first row/column and counts.
    const uint64_t a0 = s.transpose ? s.col0 : s.row0, b0 = s.transpose ? s.row0 : s.col0;
    const uint64_t r0 = s.transpose ? cols : rows, c0 = s.transpose ? rows : cols;
    base += a0 * sr + b0 * sc;
    const uint64_t last = base + (r0 - 1) * sr + (c0 - 1) * sc;  // < count(), so no overflow
    const uint64_t isz = static_cast<uint64_t>(dtype_size(t.dtype));
    const std::string raw = src.bytes(t.offset + base * isz, (last - base + 1) * isz);
    const auto* p = reinterpret_cast<const unsigned char*>(raw.data());
    Matrix m(static_cast<int>(rows), static_cast<int>(cols));
    for (uint64_t i = 0; i < r0; ++i)
        for (uint64_t j = 0; j < c0; ++j) {
            const float v = decode(p + (i * sr + j * sc) * isz, t.dtype, t.big_endian);
            if (s.transpose) m.at(static_cast<int>(j), static_cast<int>(i)) = v;
            else m.at(static_cast<int>(i), static_cast<int>(j)) = v;
        }
    return m;
}

}  // namespace mmr
