#include "mmr/core/warning.h"

#include <atomic>
#include <iostream>

#include "mmr/core/error.h"

namespace mmr {

namespace {
std::atomic<int> g_count{0};
}

void warn(const std::string& where, const std::string& what, const std::string& fix) {
    ++g_count;
    // Built like an error message, so the same escaping keeps it to one line.
    std::cerr << "mmr: warning: " << Error::one_line(format_error(where, what, fix)) << "\n";
}

int warning_count() { return g_count.load(); }

}  // namespace mmr
