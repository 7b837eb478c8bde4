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
#include "sinks.h"

extern "C" {
mmr::FrameSink* mmr_av_open_sink(const std::string& path, const mmr::VideoOptions& opts,
                                 const mmr::VideoFormat& format) __attribute__((weak));
}

namespace mmr::encode_detail {

namespace {

using OpenFn = FrameSink* (*)(const std::string&, const VideoOptions&, const VideoFormat&);

struct AvModule {
    OpenFn open = nullptr;
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
        if (m.open) return m;
        tried += (tried.empty() ? "" : "; ") + path + ": not mmr's encoder module";
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

}  // namespace

std::unique_ptr<FrameSink> open_av_sink(const std::string& path, const VideoOptions& opts, const VideoFormat& format) {
    const AvModule& m = module();
    if (!m.open)
        fail("-o " + path, "the video encoders (libmmr_av.so) could not be loaded: " + m.error,
             "reinstall mmr (cmake --install puts it in lib/mmr/ under the prefix), or set MMR_AV_MODULE "
             "to its path");
    return std::unique_ptr<FrameSink>(m.open(path, opts, format));
}

}  // namespace mmr::encode_detail
