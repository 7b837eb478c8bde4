// Chooses a FrameSink from the output path and validates paths and options
// before anything is rendered (a bad -o should fail in milliseconds, not after
// minutes of rendering).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "mmr/core/error.h"
#include "sinks.h"

namespace mmr {
namespace encode_detail {
namespace {

const char* const kSupported =
    "use .mp4 (H.264), .gif, or a PNG sequence template such as frames/{frame:04}.png";

std::string folder_of(const std::string& path) {
    size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

std::string lower_extension(const std::string& path) {
    size_t slash = path.rfind('/');
    size_t dot = path.rfind('.');
    if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
    std::string ext = path.substr(dot);
    for (char& c : ext) c = char(std::tolower(static_cast<unsigned char>(c)));
    return ext;
}

void check_folder(const std::string& path) {
    std::string dir = folder_of(path);
    struct stat st;
    if (stat(dir.c_str(), &st) != 0)
        fail(path, "folder " + dir + " does not exist", "create it first");
    if (!S_ISDIR(st.st_mode)) fail(path, dir + " is not a folder");
    if (access(dir.c_str(), W_OK | X_OK) != 0)
        fail(path, "folder " + dir + " is not writable (" + std::strerror(errno) + ")");
    if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        fail(path, "is a folder", "give a file name");
}

bool is_x264_preset(const std::string& p) {
    for (const char* name : {"ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow",
                             "slower", "veryslow", "placebo"})
        if (p == name) return true;
    return false;
}

std::string fps_text(double fps) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", fps);
    return buf;
}

}  // namespace

std::string FrameTemplate::expand(int index) const {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%0*d", digits, index);
    return prefix + buf + suffix;
}

bool parse_frame_template(const std::string& path, FrameTemplate* out) {
    size_t open = path.find("{frame");
    if (open == std::string::npos) {
        if (path.find('{') != std::string::npos && lower_extension(path) == ".png")
            fail(path, "no {frame} in this PNG sequence template", "write {frame} or {frame:04}");
        return false;
    }
    const char* forms = "write {frame} (0, 1, 2, ...) or {frame:0N} (zero-padded to N digits, e.g. {frame:04})";
    size_t close = path.find('}', open);
    if (close == std::string::npos) fail(path, "unclosed {frame", forms);
    std::string spec = path.substr(open + 6, close - open - 6);  // "" or ":04"
    int digits = 0;
    if (!spec.empty()) {
        bool ok = spec.size() == 3 && spec[0] == ':' && spec[1] == '0' && spec[2] >= '1' && spec[2] <= '9';
        if (!ok) fail(path, "bad frame template {frame" + spec + "}", forms);
        digits = spec[2] - '0';
    }
    FrameTemplate t;
    t.prefix = path.substr(0, open);
    t.suffix = path.substr(close + 1);
    t.digits = digits;
    if (t.prefix.find('{') != std::string::npos || t.suffix.find('{') != std::string::npos)
        fail(path, "more than one {...} in the frame template", "use one {frame} token");
    if (t.suffix.find('/') != std::string::npos)
        fail(path, "the {frame} token is in the folder part", "put it in the file name, e.g. frames/{frame:04}.png");
    if (lower_extension(t.suffix) != ".png")
        fail(path, "a frame template writes PNG files", "end the name with .png, e.g. frames/{frame:04}.png");
    *out = t;
    return true;
}

std::string create_temp_file(const std::string& path, const std::string& ext) {
    size_t cut = path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1;
    // Hidden, so that a crash never leaves something that looks like the output.
    std::string tmp = path.substr(0, cut) + "." + path.substr(cut) + ".tmp-XXXXXX" + ext;
    int fd = mkstemps(&tmp[0], int(ext.size()));
    if (fd < 0) fail(path, std::string("cannot write (") + std::strerror(errno) + ")");
    // mkstemp creates files with mode 0600; outputs get the usual 0666 & ~umask.
    static const mode_t mode = [] {
        mode_t mask = umask(0);  // the only way to read the umask; restored at once
        umask(mask);
        return mode_t(0666 & ~mask);
    }();
    fchmod(fd, mode);
    close(fd);
    return tmp;
}

}  // namespace encode_detail

using namespace encode_detail;

FrameSink::~FrameSink() = default;

void check_frame_sink(const std::string& path, const VideoOptions& opts) {
    FrameTemplate tmpl;
    bool sequence = parse_frame_template(path, &tmpl);
    std::string ext = lower_extension(path);
    if (!sequence && ext != ".mp4" && ext != ".gif") {
        if (ext.empty()) fail(path, "no file extension, so no video format", kSupported);
        fail(path, "cannot write video format \"" + ext + "\"", kSupported);
    }
    // Formats that keep alpha: PNG sequences (each frame an RGBA PNG).
    if (opts.alpha && !sequence)
        fail(path,
             "\"" + ext + "\" has no alpha channel, so the transparent background (--background or "
             "output.background) cannot be kept",
             "write a PNG sequence such as frames/f{frame:04}.png (the video output with alpha; gif and mp4 "
             "have none), or choose an opaque --background");
    if (opts.width <= 0 || opts.height <= 0)
        fail(path, "frame size " + std::to_string(opts.width) + "x" + std::to_string(opts.height) +
                       " is not positive");
    if (!(opts.fps > 0) || !std::isfinite(opts.fps))
        fail(path, "frame rate must be greater than 0, got " + fps_text(opts.fps));
    if (opts.fps > 1000)  // beyond what a time base of 1/fps keeps exact, and what any player shows
        fail(path, "frame rate " + fps_text(opts.fps) + " is above 1000", "use 1000 fps or less");
    if (sequence && opts.first_index < 0)
        fail(path, "first frame number " + std::to_string(opts.first_index) + " is negative");
    if (ext == ".mp4") {
        if (opts.width % 2 || opts.height % 2) {
            int w = std::max(2, opts.width & ~1), h = std::max(2, opts.height & ~1);
            fail(path,
                 "H.264 video (yuv420p) needs an even width and height, got " + std::to_string(opts.width) +
                     "x" + std::to_string(opts.height),
                 "use an even size such as " + std::to_string(w) + "x" + std::to_string(h));
        }
        if (opts.crf < 0 || opts.crf > 51)
            fail(path, "crf " + std::to_string(opts.crf) + " is out of range", "use 0 (best) to 51 (worst); 20 is the default");
        if (!is_x264_preset(opts.preset))
            fail(path, "unknown x264 preset \"" + opts.preset + "\"",
                 "use ultrafast, superfast, veryfast, faster, fast, medium, slow, slower, veryslow or placebo");
    }
    // GIF delays are whole 1/100 s and browsers replace delays under 2/100 s by
    // 1/10 s, so above 50 fps the animation would play slower, not smoother.
    if (ext == ".gif" && !sequence && opts.fps > 50)
        fail(path, "GIF cannot play " + fps_text(opts.fps) + " fps (frame delays are in 1/100 s, at least 2)",
             "use 50 fps or less (e.g. 25), or write .mp4");
    check_folder(path);
}

std::unique_ptr<FrameSink> open_frame_sink(const std::string& path, const VideoOptions& opts) {
    check_frame_sink(path, opts);
    FrameTemplate tmpl;
    if (parse_frame_template(path, &tmpl)) return open_png_sequence_sink(path, opts, tmpl);
    if (lower_extension(path) == ".mp4") return open_mp4_sink(path, opts);
    return open_gif_sink(path, opts);
}

namespace {

// Several outputs of one render ({mp4,gif}): every frame goes to each sink.
class FanoutSink final : public FrameSink {
public:
    explicit FanoutSink(std::vector<std::unique_ptr<FrameSink>> sinks) : sinks_(std::move(sinks)) {}
    ~FanoutSink() override { abort(); }
    void write(const Image& frame) override {
        try {
            for (auto& s : sinks_) s->write(frame);
        } catch (...) {
            abort();
            throw;
        }
    }
    void finish() override {
        size_t i = 0;
        try {
            for (; i < sinks_.size(); ++i) sinks_[i]->finish();
        } catch (...) {
            for (size_t k = i; k < sinks_.size(); ++k) sinks_[k]->abort();
            throw;
        }
    }
    void abort() override {
        for (auto& s : sinks_) s->abort();
    }
    std::string description() const override {
        std::string d;
        for (const auto& s : sinks_) d += (d.empty() ? "" : "; ") + s->description();
        return d;
    }
    std::string note() const override {
        for (const auto& s : sinks_)
            if (!s->note().empty()) return s->note();
        return "";
    }

private:
    std::vector<std::unique_ptr<FrameSink>> sinks_;
};

}  // namespace

std::unique_ptr<FrameSink> open_frame_sinks(const std::vector<std::string>& paths, const VideoOptions& opts) {
    for (const auto& p : paths) check_frame_sink(p, opts);
    if (paths.size() == 1) return open_frame_sink(paths[0], opts);
    std::vector<std::unique_ptr<FrameSink>> sinks;
    for (const auto& p : paths) sinks.push_back(open_frame_sink(p, opts));
    return std::make_unique<FanoutSink>(std::move(sinks));
}

}  // namespace mmr
