// JavaScript Number(string), which mm applies to every CSV field (`+s`).
#include "js_number.h"

#include <locale.h>
#include <stdlib.h>

#include <cmath>
#include <string>

namespace mmr::detail {

// Length of the JS white space / line terminator starting at s[i], or 0.
// ASCII blanks plus the UTF-8 forms of NBSP, BOM, LS, PS and the Zs characters.
static size_t space_len(std::string_view s, size_t i) {
    const auto u = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
    const size_t left = s.size() - i;
    const unsigned char c = u(0);
    if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
    if (left >= 2 && c == 0xC2 && u(1) == 0xA0) return 2;                  // U+00A0
    if (left < 3) return 0;
    if (c == 0xEF && u(1) == 0xBB && u(2) == 0xBF) return 3;                // U+FEFF
    if (c == 0xE1 && u(1) == 0x9A && u(2) == 0x80) return 3;                // U+1680
    if (c == 0xE3 && u(1) == 0x80 && u(2) == 0x80) return 3;                // U+3000
    if (c == 0xE2 && u(1) == 0x80 && (u(2) <= 0x8A || u(2) == 0xA8 || u(2) == 0xA9 ||
                                     u(2) == 0xAF))
        return 3;                                   // U+2000..200A, 2028, 2029, 202F
    if (c == 0xE2 && u(1) == 0x81 && u(2) == 0x9F) return 3;                // U+205F
    return 0;
}

static std::string_view trim(std::string_view s) {
    size_t b = 0;
    while (b < s.size()) {
        const size_t n = space_len(s, b);
        if (n == 0) break;
        b += n;
    }
    // Trailing: scan forward (UTF-8 cannot be decoded backwards safely here) and
    // remember where the last non-blank byte ends.
    size_t e = b;
    for (size_t i = b; i < s.size();) {
        const size_t n = space_len(s, i);
        i += n ? n : 1;
        if (!n) e = i;
    }
    return s.substr(b, e - b);
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static std::optional<double> radix_integer(std::string_view d, int radix) {
    if (d.empty()) return std::nullopt;
    double v = 0;  // like JS: the integer value rounded to double (digit by digit)
    for (char c : d) {
        int x;
        if (is_digit(c)) x = c - '0';
        else if (c >= 'a' && c <= 'f') x = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') x = c - 'A' + 10;
        else return std::nullopt;
        if (x >= radix) return std::nullopt;
        v = v * radix + x;
    }
    return v;
}

// StrDecimalLiteral: [+-] (Infinity | digits [. digits] | . digits) [e [+-] digits]
static bool is_decimal_literal(std::string_view s) {
    size_t i = 0;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (s.substr(i) == "Infinity") return true;
    size_t int_digits = 0, frac_digits = 0;
    while (i < s.size() && is_digit(s[i])) ++i, ++int_digits;
    if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && is_digit(s[i])) ++i, ++frac_digits;
    }
    if (int_digits + frac_digits == 0) return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        size_t exp_digits = 0;
        while (i < s.size() && is_digit(s[i])) ++i, ++exp_digits;
        if (exp_digits == 0) return false;
    }
    return i == s.size();
}

std::optional<double> js_string_to_number(std::string_view raw) {
    const std::string_view s = trim(raw);
    if (s.empty()) return 0.0;
    // 0x / 0o / 0b integers (no sign allowed, as in JS).
    if (s.size() > 2 && s[0] == '0') {
        const char p = s[1];
        if (p == 'x' || p == 'X') return radix_integer(s.substr(2), 16);
        if (p == 'o' || p == 'O') return radix_integer(s.substr(2), 8);
        if (p == 'b' || p == 'B') return radix_integer(s.substr(2), 2);
    }
    if (!is_decimal_literal(s)) return std::nullopt;
    const bool neg = s[0] == '-';
    const std::string_view body = (s[0] == '+' || s[0] == '-') ? s.substr(1) : s;
    if (body == "Infinity") return neg ? -HUGE_VAL : HUGE_VAL;
    // Validated above, so strtod sees only the syntax both languages share (it
    // would also accept "inf", "nan" and hex floats). Overflow gives +-HUGE_VAL and
    // underflow 0 or a subnormal, as in JS. The C locale pins '.' as the decimal
    // point whatever setlocale() the program may have called.
    static const locale_t c_locale = newlocale(LC_ALL_MASK, "C", locale_t(0));
    const std::string text(s);
    return strtod_l(text.c_str(), nullptr, c_locale);
}

}  // namespace mmr::detail
