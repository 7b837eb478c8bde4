// Something the user should know that is not an error, e.g. a generated stand-in
// drawn for a data file that is not there: printed at once on stderr as one line,
// "mmr: warning: WHERE: WHAT; FIX", and counted so a command can sum them up.
#pragma once
#include <string>

namespace mmr {

void warn(const std::string& where, const std::string& what, const std::string& fix);
int warning_count();  // warnings printed by this process so far

}  // namespace mmr
