// A double-quoted string literal that is valid both as JSON and as a YAML
// double-quoted scalar: quotes, backslashes and control characters (and DEL,
// which YAML does not allow raw) are escaped.
#pragma once
#include <string>

namespace mmr {

std::string quote_string(const std::string& s);

}  // namespace mmr
