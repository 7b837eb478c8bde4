// A dense row-major matrix of float32 values (mm stores every value as float32).
#pragma once
#include <cstddef>
#include <vector>

namespace mmr {

struct Matrix {
    int h = 0, w = 0;
    std::vector<float> v;  // row-major, size h*w

    Matrix() = default;
    Matrix(int rows, int cols, float fill = 0.0f)
        : h(rows), w(cols), v(static_cast<size_t>(rows) * cols, fill) {}
    float& at(int i, int j) { return v[static_cast<size_t>(i) * w + j]; }
    float at(int i, int j) const { return v[static_cast<size_t>(i) * w + j]; }
    size_t size() const { return v.size(); }
};

}  // namespace mmr
