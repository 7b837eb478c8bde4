// Seeded uniform numbers (docs/spec/mm-values.md §5). mm uses the unseeded Math.random();
// we use a seeded mt19937_64 so a scene renders the same on every run and platform.
#include "mmr/model/values.h"

namespace mmr {

Rng::Rng(uint64_t seed) : engine_(seed) {}

uint64_t Rng::next_u64() { return engine_(); }

// The top 53 bits scaled by 2^-53: every double in [0, 1) on that grid is equally
// likely, and 1.0 is never returned (mm's `1 - U` for Box-Muller relies on U < 1).
double Rng::uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

namespace {

// SplitMix64's finaliser (Steele, Lea, Flood 2014): a bijection that spreads every bit.
uint64_t splitmix64(uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

}  // namespace

uint64_t matrix_seed(uint64_t scene_seed, const std::string& matrix_name, int occurrence) {
    uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a 64 of the name's bytes
    for (unsigned char c : matrix_name) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    // Chained, so (seed, name, occurrence) triples do not cancel each other out.
    return splitmix64(splitmix64(splitmix64(scene_seed) ^ h) + static_cast<uint64_t>(occurrence));
}

}  // namespace mmr
