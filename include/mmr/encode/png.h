// PNG output (libpng, zlib level chosen for speed), with optional text chunks.
#pragma once
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "mmr/gl/backend.h"

namespace mmr {

// Writes `img` to `path` atomically (temporary file in the same folder, then
// rename). `texts` become iTXt chunks (key, UTF-8 value). Throws mmr::Error.
void write_png(const std::string& path, const Image& img,
               const std::vector<std::pair<std::string, std::string>>& texts = {});

// Writes `img` as a PNG to an open stream (e.g. stdout, for `-o -`). Throws
// mmr::Error naming `where` if writing fails.
void write_png_stream(std::FILE* f, const Image& img, const std::vector<std::pair<std::string, std::string>>& texts,
                      const std::string& where);

// Reads a PNG as RGBA8 (for tests and diffs). Throws mmr::Error.
Image read_png(const std::string& path);
// Reads the text chunks of a PNG.
std::vector<std::pair<std::string, std::string>> read_png_texts(const std::string& path);

}  // namespace mmr
