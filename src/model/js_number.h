// Internal: JavaScript's Number(string) conversion (ECMAScript StringToNumber).
#pragma once
#include <optional>
#include <string_view>

namespace mmr::detail {

// The number JavaScript's Number(s) gives, or nullopt where it gives NaN.
// Whitespace around the number is ignored and an empty (or all-blank) string is 0.
std::optional<double> js_string_to_number(std::string_view s);

}  // namespace mmr::detail
