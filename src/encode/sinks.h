// Internal to src/encode: the FrameSink implementations and the path helpers
// they share. frame_sink.cpp picks one from the output path.
#pragma once
#include <memory>
#include <string>

#include "mmr/encode/video.h"

namespace mmr::encode_detail {

// A PNG sequence template split around its "{frame}" / "{frame:0N}" token.
struct FrameTemplate {
    std::string prefix, suffix;
    int digits = 0;  // zero-padded width; 0 = as many as needed
    std::string expand(int index) const;
};
// Parses the token in `path`. Returns false if there is none; throws mmr::Error
// if it is malformed, in the folder part, repeated, or the name lacks ".png".
bool parse_frame_template(const std::string& path, FrameTemplate* out);

// Creates "<dir>/.<name>.tmp-XXXXXX<ext>" next to `path` (same filesystem, so the
// final rename is atomic), mode 0666 & ~umask like any new file, and returns its
// name. Throws mmr::Error naming `path`.
std::string create_temp_file(const std::string& path, const std::string& ext);

// Every format but the PNG sequence: libav, in libmmr_av.so (av_module.cpp loads it).
std::unique_ptr<FrameSink> open_av_sink(const std::string& path, const VideoOptions& opts,
                                        const VideoFormat& format);
std::unique_ptr<FrameSink> open_png_sequence_sink(const std::string& path, const VideoOptions& opts,
                                                  const FrameTemplate& tmpl);

}  // namespace mmr::encode_detail
