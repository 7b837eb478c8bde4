// Writing a whole file so that it is either complete or absent: a temporary name in
// the same folder (registered with mmr/core/interrupt.h, so a signal removes it),
// then rename(). Permissions follow the umask, as for a plain open().
#pragma once
#include <string>

namespace mmr {

// Throws mmr::Error "<where>: cannot write (<reason>); choose another path".
void write_file_atomically(const std::string& path, const std::string& bytes, const std::string& where);

}  // namespace mmr
