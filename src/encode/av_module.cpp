// The libav video formats come from libmmr_av.so (src/encode/av/), loaded the
// first time a video is written: linking libavcodec into mmr would load ~120
// libraries at every start (~0.09 s), for still, check and import too. A program
// that links the encoders in (the tests do) uses them directly: the weak
// reference below is then defined.
#include <dlfcn.h>
#include <limits.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include "mmr/core/error.h"
#include "mmr/encode/packets.h"
#include "sinks.h"

extern "C" {
mmr::FrameSink* mmr_av_open_sink(const std::string& path, const mmr::VideoOptions& opts,
                                 const mmr::VideoFormat& format) __attribute__((weak));
mmr::FrameSink* mmr_av_open_h264_segment_sink(const std::string& path, const mmr::VideoOptions& opts,
                                              const mmr::VideoFormat& format, mmr::PacketSink* out)
    __attribute__((weak));
mmr::PacketSink* mmr_av_open_mp4_muxer(const std::string& path, bool bitexact) __attribute__((weak));
std::string mmr_av_encoder_versions() __attribute__((weak));
}

namespace mmr::encode_detail {

namespace {

using OpenFn = FrameSink* (*)(const std::string&, const VideoOptions&, const VideoFormat&);
using SegmentFn = FrameSink* (*)(const std::string&, const VideoOptions&, const VideoFormat&, PacketSink*);
using MuxerFn = PacketSink* (*)(const std::string&, bool);
using VersionsFn = std::string (*)();

struct AvModule {
    OpenFn open = nullptr;
    SegmentFn segments = nullptr;
    MuxerFn muxer = nullptr;
    VersionsFn versions = nullptr;
    std::string error;  // why it could not be loaded
};

std::string exe_dir() {
    char buf[PATH_MAX];
    const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return ".";
    std::string p(buf, size_t(n));
    const size_t slash = p.find_last_of('/');
    return slash == std::string::npos ? "." : p.substr(0, slash);
}

AvModule load() {
    AvModule m;
    if (mmr_av_open_sink) {  // linked in
        m.open = mmr_av_open_sink;
        m.segments = mmr_av_open_h264_segment_sink;
        m.muxer = mmr_av_open_mp4_muxer;
        m.versions = mmr_av_encoder_versions;
        return m;
    }
    // MMR_AV_MODULE names the file; else beside the binary (build tree), else where
    // `cmake --install` puts it relative to the binary.
    std::string tried;
    const char* env = std::getenv("MMR_AV_MODULE");
    const std::string dir = exe_dir();
    for (const std::string& path : env ? std::vector<std::string>{env}
                                       : std::vector<std::string>{dir + "/libmmr_av.so",
                                                                  dir + "/" MMR_AV_INSTALL_REL "/libmmr_av.so"}) {
        void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!h) {
            const char* e = dlerror();
            tried += (tried.empty() ? "" : "; ") + std::string(e ? e : path);
            continue;
        }
        m.open = reinterpret_cast<OpenFn>(dlsym(h, "mmr_av_open_sink"));
        m.segments = reinterpret_cast<SegmentFn>(dlsym(h, "mmr_av_open_h264_segment_sink"));
        m.muxer = reinterpret_cast<MuxerFn>(dlsym(h, "mmr_av_open_mp4_muxer"));
        m.versions = reinterpret_cast<VersionsFn>(dlsym(h, "mmr_av_encoder_versions"));
        if (m.open && m.segments && m.muxer && m.versions) return m;
        tried += (tried.empty() ? "" : "; ") + path + ": not mmr's encoder module";
        m.open = nullptr;  // all or nothing
        m.segments = nullptr;
        m.muxer = nullptr;
        m.versions = nullptr;
    }
    m.error = tried;
    return m;
}

const AvModule& module() {
    static std::once_flag once;
    static AvModule m;
    std::call_once(once, [] { m = load(); });
    return m;
}

const AvModule& loaded(const std::string& path) {
    const AvModule& m = module();
    if (!m.open)
        fail("-o " + path, "the video encoders (libmmr_av.so) could not be loaded: " + m.error,
             "reinstall mmr (cmake --install puts it in lib/mmr/ under the prefix), or set MMR_AV_MODULE "
             "to its path");
    return m;
}

}  // namespace

std::unique_ptr<FrameSink> open_av_sink(const std::string& path, const VideoOptions& opts, const VideoFormat& format) {
    return std::unique_ptr<FrameSink>(loaded(path).open(path, opts, format));
}

}  // namespace mmr::encode_detail

namespace mmr {

std::unique_ptr<FrameSink> open_h264_segment_sink(const std::string& path, const VideoOptions& opts,
                                                  const VideoFormat& format, std::unique_ptr<PacketSink> out) {
    const auto& m = encode_detail::loaded(path);
    return std::unique_ptr<FrameSink>(m.segments(path, opts, format, out.release()));
}

std::unique_ptr<PacketSink> open_mp4_muxer(const std::string& path, bool bitexact) {
    return std::unique_ptr<PacketSink>(encode_detail::loaded(path).muxer(path, bitexact));
}

std::string encoder_versions() { return encode_detail::loaded("libmmr_av.so").versions(); }

}  // namespace mmr
