// A double-quoted string literal that is valid both as JSON and as a YAML
// double-quoted scalar: quotes, backslashes and control characters (and DEL,
// which YAML does not allow raw) are escaped.
#pragma once
#include <string>

namespace mmr {

std::string quote_string(const std::string& s);

}  // namespace mmr

namespace mmr {

// A value from the input as echoed into an error message: at most
// limits::max_shown_value_chars characters (cut ones end in "…" and the full
// length, "… (1048576 bytes)"), control characters and bytes that are not UTF-8
// escaped (\n, \x00, \xff), so every message stays one readable line.
std::string shown_value(const std::string& s);

// Escapes control characters and invalid UTF-8 of `s` (no cutting).
std::string escape_for_message(const std::string& s);

}  // namespace mmr
