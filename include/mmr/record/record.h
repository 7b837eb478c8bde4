// What made a still, stored in its PNG next to the scene (iTXt "mmr:render"),
// so that `mmr still old.png -o new.png` gives the same picture: size, seed,
// scale, theme, background, antialiasing, step and the mmr version. The text is
// one "key=value" line per setting, in a fixed order; readers ignore keys they do
// not know (a later mmr may add some).
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace mmr {

inline const char* const kRecordKey = "mmr:render";

struct RenderRecord {
    int width = 0, height = 0;
    unsigned long long seed = 0;
    double scale = 1;
    int supersample = 1;
    std::string theme = "dark";
    std::string background;  // color_text(): "#000000", "#ffffff80", "transparent"
    std::string aa = "smooth";  // smooth | msaa | none
    int msaa = 4;               // samples with aa msaa
    int step = 0;
    bool fit = false;
    double margin = 0.05;
    std::string version;  // of the mmr that wrote it
};

std::string record_text(const RenderRecord& r);
// Parses a record; throws mmr::Error naming `where` (the PNG) and the key.
RenderRecord parse_record(const std::string& text, const std::string& where);
// The record among a PNG's text chunks, if any.
std::optional<RenderRecord> find_record(const std::vector<std::pair<std::string, std::string>>& texts,
                                        const std::string& where);

}  // namespace mmr
