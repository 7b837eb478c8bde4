// Reading PNG files for comparison, with the checks a comparison needs first:
// the file exists, is a PNG, and how many channels it stores.
#pragma once
#include <string>

#include "mmr/gl/backend.h"

namespace mmr {

struct PngHeader {
    int width = 0, height = 0;
    int channels = 0;  // 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA (palettes: 3, or 4 with tRNS)
};
// "grey", "grey+alpha", "RGB" or "RGBA".
const char* channels_name(int channels);

// Reads the header only. Throws mmr::Error (one line naming the file, what is
// wrong and the fix) if the file is missing, unreadable, not a PNG, or larger
// than 100 megapixels.
PngHeader probe_png(const std::string& path);

struct ImageFile {
    PngHeader header;
    Image image;  // decoded to 8-bit RGBA
};
// probe_png, then decodes; a damaged PNG is an mmr::Error too.
ImageFile load_png_for_compare(const std::string& path);

// The channel count write_png stores for `img`: 3 if every pixel is opaque, else 4.
int stored_channels(const Image& img);

}  // namespace mmr
