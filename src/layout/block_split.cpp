// Block partition arithmetic of one dimension (docs/spec/mm-layout.md §2).
#include <algorithm>
#include <cmath>

#include "mmr/layout/layout.h"

namespace mmr {

BlockSplit BlockSplit::make(int N, int count, double gap) {
    BlockSplit s;
    s.N = std::max(N, 0);
    s.gap = gap;
    // Counts below 1 make no sense; a zero-length dimension still gets one
    // (empty) block so that size stays >= 1 and coord() never divides by 0.
    s.n = std::max(1, std::min(count, s.N));
    s.size = std::max(1, (s.N + s.n - 1) / s.n);
    // Blocks starting at or beyond N are "dead" (N = 9, c = 4 -> only 3 exist).
    s.nvis = std::max(1, std::min(s.n, (s.N + s.size - 1) / s.size));
    return s;
}

double BlockSplit::disp() const { return N + gap * (nvis - 1); }

double BlockSplit::coord(int x) const { return x + gap * std::floor(double(x) / size); }

int BlockSplit::extent(int b) const {
    if (b < 0 || b >= n || b * size >= N) return 0;
    return std::min(size, N - b * size);
}

}  // namespace mmr
