#include "mmr/core/error.h"

#include "mmr/core/quote.h"

namespace mmr {

std::string format_error(const std::string& where, const std::string& what,
                         const std::string& fix) {
    std::string s;
    if (!where.empty()) s += where + ": ";
    s += what;
    if (!fix.empty()) s += "; " + fix;
    return s;
}

std::string Error::one_line(const std::string& msg) { return escape_for_message(msg); }

void fail(const std::string& where, const std::string& what, const std::string& fix) {
    throw Error(format_error(where, what, fix));
}

}  // namespace mmr
