// Nesting depth of JSON text, counted on the raw bytes (brackets outside
// strings). Readers refuse deep input before parsing, as parsing and copying
// deeply nested values recurse.
#pragma once
#include <cstddef>
#include <string>

namespace mmr {

size_t json_depth(const std::string& text);

}  // namespace mmr
