// MP4 and GIF come from libmmr_av.so (src/encode/av/), loaded the first time a
// video is written: linking libavcodec into mmr would load ~120 libraries at every
// start (~0.09 s), for still, check and import too. A program that links the
// encoders in (the tests do) uses them directly: the weak references below are then
// defined.
#include <dlfcn.h>
#include <limits.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include "mmr/core/error.h"
#include "sinks.h"

extern "C" {
mmr::FrameSink* mmr_av_open_mp4_sink(const std::string& path, const mmr::VideoOptions& opts)
    __attribute__((weak));
mmr::FrameSink* mmr_av_open_gif_sink(const std::string& path, const mmr::VideoOptions& opts)
    __attribute__((weak));
}

namespace mmr::encode_detail {

namespace {

using OpenFn = FrameSink* (*)(const std::string&, const VideoOptions&);

struct AvModule {
    OpenFn mp4 = nullptr, gif = nullptr;
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
    if (mmr_av_open_mp4_sink && mmr_av_open_gif_sink) {  // linked in
        m.mp4 = mmr_av_open_mp4_sink;
        m.gif = mmr_av_open_gif_sink;
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
        m.mp4 = reinterpret_cast<OpenFn>(dlsym(h, "mmr_av_open_mp4_sink"));
        m.gif = reinterpret_cast<OpenFn>(dlsym(h, "mmr_av_open_gif_sink"));
        if (m.mp4 && m.gif) return m;
        tried += (tried.empty() ? "" : "; ") + path + ": not mmr's encoder module";
        m.mp4 = m.gif = nullptr;
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

std::unique_ptr<FrameSink> open_with(OpenFn AvModule::*which, const std::string& path, const VideoOptions& opts) {
    const AvModule& m = module();
    if (!(m.*which))
        fail("-o " + path, "the video encoders (libmmr_av.so) could not be loaded: " + m.error,
             "reinstall mmr (cmake --install puts it in lib/mmr/ under the prefix), or set MMR_AV_MODULE "
             "to its path");
    return std::unique_ptr<FrameSink>((m.*which)(path, opts));
}

}  // namespace

std::unique_ptr<FrameSink> open_mp4_sink(const std::string& path, const VideoOptions& opts) {
    return open_with(&AvModule::mp4, path, opts);
}

std::unique_ptr<FrameSink> open_gif_sink(const std::string& path, const VideoOptions& opts) {
    return open_with(&AvModule::gif, path, opts);
}

}  // namespace mmr::encode_detail
