// The entry point of libmmr_av.so, looked up by encode/av_module.cpp. A plain C name
// so dlsym finds it; the objects are mmr's own C++ types (one toolchain, one build).
#include "av_sink.h"

extern "C" {

mmr::FrameSink* mmr_av_open_sink(const std::string& path, const mmr::VideoOptions& opts,
                                 const mmr::VideoFormat& format) {
    return mmr::encode_detail::open_av_sink_av(path, opts, format).release();
}

}  // extern "C"
