// One error type for every user-facing failure. The message is one line:
//   "<where>: <what>; <fix>"
// where <where> names the file and line:column, or the scene key, or the option.
#pragma once
#include <stdexcept>
#include <string>

namespace mmr {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& msg) : std::runtime_error(one_line(msg)) {}

    // The message made one printable line: control characters (NUL, newlines, ...)
    // and bytes that are not UTF-8 are written as escapes (\n, \x00, \xff).
    static std::string one_line(const std::string& msg);
};

// Builds "<where>: <what>" or "<where>: <what>; <fix>" (parts may be empty).
std::string format_error(const std::string& where, const std::string& what,
                         const std::string& fix = "");

[[noreturn]] void fail(const std::string& where, const std::string& what,
                       const std::string& fix = "");

}  // namespace mmr
