// The entry point of libmmr_av.so, looked up by encode/av_module.cpp. A plain C name
// so dlsym finds it; the objects are mmr's own C++ types (one toolchain, one build).
#include "av_sink.h"

extern "C" {

mmr::FrameSink* mmr_av_open_sink(const std::string& path, const mmr::VideoOptions& opts,
                                 const mmr::VideoFormat& format) {
    return mmr::encode_detail::open_av_sink_av(path, opts, format).release();
}

// Takes ownership of `out` (also when it throws).
mmr::FrameSink* mmr_av_open_h264_segment_sink(const std::string& path, const mmr::VideoOptions& opts,
                                              const mmr::VideoFormat& format, mmr::PacketSink* out) {
    return mmr::encode_detail::open_h264_segment_sink_av(path, opts, format, std::unique_ptr<mmr::PacketSink>(out))
        .release();
}

mmr::PacketSink* mmr_av_open_mp4_muxer(const std::string& path, bool bitexact) {
    return mmr::encode_detail::open_mp4_muxer_av(path, bitexact).release();
}

std::string mmr_av_encoder_versions() { return mmr::encode_detail::encoder_versions_av(); }

}  // extern "C"
