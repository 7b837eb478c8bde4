#include "mmr/core/quote.h"

#include <cstdint>
#include <cstdio>

#include "mmr/core/limits.h"

namespace mmr {

std::string quote_string(const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += char(c);
                }
        }
    }
    return out + "\"";
}

}  // namespace mmr

namespace mmr {

namespace {

// Length of the valid UTF-8 sequence at s[i] (1 to 4), or 0 if it is not one.
size_t utf8_sequence(const std::string& s, size_t i) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const unsigned char c = p[i];
    const size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return 0;
    uint32_t cp = len == 1 ? c : c & (0x7f >> len);
    for (size_t k = 1; k < len; ++k) {
        if ((p[i + k] >> 6) != 2) return 0;
        cp = (cp << 6) | (p[i + k] & 0x3f);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

// Appends s[i..] escaped, up to `max_chars` characters (an escape counts as
// one); returns the index after the last byte used.
size_t append_escaped(const std::string& s, size_t i, size_t max_chars, std::string& out) {
    size_t chars = 0;
    while (i < s.size() && chars < max_chars) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        const size_t len = utf8_sequence(s, i);
        char buf[8];
        if (len == 0 || c < 0x20 || c == 0x7f) {
            switch (c) {
                case '\n': out += "\\n"; break;
                case '\r': out += "\\r"; break;
                case '\t': out += "\\t"; break;
                default:
                    std::snprintf(buf, sizeof buf, "\\x%02x", c);
                    out += buf;
            }
            ++i;
        } else {
            out.append(s, i, len);
            i += len;
        }
        ++chars;
    }
    return i;
}

}  // namespace

std::string escape_for_message(const std::string& s) {
    std::string out;
    append_escaped(s, 0, s.size(), out);
    return out;
}

std::string shown_value(const std::string& s) {
    std::string out;
    const size_t end = append_escaped(s, 0, limits::max_shown_value_chars, out);
    if (end < s.size()) out += "\u2026 (" + std::to_string(s.size()) + " bytes)";
    return out;
}

}  // namespace mmr
