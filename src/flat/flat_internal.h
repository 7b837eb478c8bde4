// Shared between the flat back ends (not part of the public interface).
#pragma once
#include <string>

#include "mmr/flat/figure.h"

namespace mmr::flat {

// The cells as PNG bytes, one pixel per cell (cairo's PNG writer: deterministic).
std::string cells_png(const FigCells& cells);

}  // namespace mmr::flat
