// Internal helpers shared by the data readers (src/model/data_*.cpp).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace mmr::detail {

// a * b, setting `overflow` (and returning UINT64_MAX) when it does not fit.
uint64_t mul_checked(uint64_t a, uint64_t b, bool& overflow);
// Little-endian unsigned integer of n bytes (n <= 8).
uint64_t le(const unsigned char* p, int n);
// Text safe for a one-line message: control characters replaced, cut at `max`.
std::string printable(const std::string& s, size_t max = 60);
// "a, b, c, ... (12 more)"
std::string name_list(const std::vector<std::string>& names, size_t max = 20);

}  // namespace mmr::detail
