#include "mmr/core/error.h"

namespace mmr {

std::string format_error(const std::string& where, const std::string& what,
                         const std::string& fix) {
    std::string s;
    if (!where.empty()) s += where + ": ";
    s += what;
    if (!fix.empty()) s += "; " + fix;
    return s;
}

void fail(const std::string& where, const std::string& what, const std::string& fix) {
    throw Error(format_error(where, what, fix));
}

}  // namespace mmr
