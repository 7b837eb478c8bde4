// Internal: the pointwise epilog resolved once per matmul instead of per element.
#pragma once
#include <string>

namespace mmr::detail {

enum class Pointwise { Identity, Relu, Gelu, Sigmoid, Silu, Tanh, Square, DivK, DivSqrtK, Div8 };

Pointwise pointwise_of(const std::string& epilog);
double apply_pointwise(Pointwise p, double x, int D);

}  // namespace mmr::detail
