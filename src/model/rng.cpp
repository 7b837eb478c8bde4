// Seeded uniform numbers (docs/spec/mm-values.md §5). mm uses the unseeded Math.random();
// we use a seeded mt19937_64 so a scene renders the same on every run and platform.
#include "mmr/model/values.h"

namespace mmr {

Rng::Rng(uint64_t seed) : engine_(seed) {}

uint64_t Rng::next_u64() { return engine_(); }

// The top 53 bits scaled by 2^-53: every double in [0, 1) on that grid is equally
// likely, and 1.0 is never returned (mm's `1 - U` for Box-Muller relies on U < 1).
double Rng::uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

}  // namespace mmr
