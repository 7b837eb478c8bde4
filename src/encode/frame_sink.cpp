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

#include <vector>

#include "mmr/core/error.h"
#include "mmr/scene/scene_parser.h"  // closest_match
#include "sinks.h"

namespace mmr {
namespace encode_detail {
namespace {

const char* const kSupported =
    "use .mp4 (H.264), .webm (VP9), .mov (ProRes 4444), .webp, .apng, .gif, or a PNG sequence template "
    "such as frames/{frame:04}.png";
const char* const kAlphaFormats =
    "formats with alpha: .mov (ProRes 4444), .webm (VP9), .webp, .apng or .png (APNG), a PNG sequence";

// The containers by extension, and the codecs each may hold (the first is the default).
struct Container {
    const char* ext;
    const char* name;
    std::vector<std::string> codecs;
};
const std::vector<Container>& containers() {
    static const std::vector<Container> list = {
        {".mp4", "mp4", {"h264", "vp9", "av1"}},  {".webm", "webm", {"vp9", "av1"}},
        {".mov", "mov", {"prores", "h264"}},      {".webp", "webp", {"webp"}},
        {".apng", "apng", {"apng"}},              {".png", "apng", {"apng"}},
        {".gif", "gif", {"gif"}}};
    return list;
}
const std::vector<std::string> kCodecs = {"h264", "vp9", "av1", "prores", "webp", "apng", "gif"};

std::string codec_title(const std::string& c) {
    if (c == "h264") return "H.264";
    if (c == "vp9") return "VP9";
    if (c == "av1") return "AV1";
    if (c == "prores") return "ProRes 4444";
    if (c == "webp") return "animated WebP";
    if (c == "apng") return "APNG";
    if (c == "gif") return "GIF";
    return "PNG";
}

std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
    return s;
}

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

VideoFormat video_format(const std::string& path, const VideoOptions& opts) {
    VideoFormat f;
    FrameTemplate tmpl;
    const bool sequence = parse_frame_template(path, &tmpl);
    const std::string ext = lower_extension(path);
    std::vector<std::string> allowed;
    if (sequence) {
        f.container = "png";
        allowed = {"png"};
    } else {
        for (const Container& c : containers())
            if (ext == c.ext) f.container = c.name, allowed = c.codecs;
        if (f.container.empty()) {
            if (ext.empty()) fail(path, "no file extension, so no video format", kSupported);
            std::vector<std::string> exts;
            for (const Container& c : containers()) exts.push_back(c.ext);
            const std::string near = closest_match(ext, exts);
            fail(path, "cannot write video format \"" + ext + "\"" + (near.empty() ? "" : " (did you mean " + near + "?)"),
                 kSupported);
        }
    }
    // The codec: --codec, else the container's default.
    if (!opts.codec.empty()) {
        std::string c = opts.codec;
        for (char& ch : c) ch = char(std::tolower(static_cast<unsigned char>(ch)));
        if (c == "h.264" || c == "avc" || c == "x264" || c == "libx264") c = "h264";
        if (std::find(kCodecs.begin(), kCodecs.end(), c) == kCodecs.end()) {
            const std::string near = closest_match(c, kCodecs);
            fail("--codec " + opts.codec, "unknown codec" + (near.empty() ? "" : " (did you mean " + near + "?)"),
                 "use one of " + join(kCodecs));
        }
        if (std::find(allowed.begin(), allowed.end(), c) == allowed.end()) {
            if (sequence)
                fail(path, "a PNG sequence has no --codec", "drop --codec " + opts.codec + ", or write e.g. out.mp4");
            std::vector<std::string> holders;
            for (const Container& k : containers())
                if (std::find(k.codecs.begin(), k.codecs.end(), c) != k.codecs.end() && std::string(k.ext) != ".png")
                    holders.push_back(k.ext);
            fail(path, codec_title(c) + " (--codec " + c + ") cannot go in a " + ext + " file, which holds " +
                           join(allowed, " or "),
                 "write " + join(holders, " or ") + " instead, or drop --codec");
        }
        f.codec = c;
    } else {
        f.codec = allowed.front();
    }
    const std::string& c = f.codec;
    const std::string title = codec_title(c);

    // Quality and speed options belong to some codecs only.
    const bool has_crf = c == "h264" || c == "vp9" || c == "av1";
    if (opts.crf != -1) {
        if (!has_crf)
            fail(path, "--crf does not apply to " + title + " (it sets H.264, VP9 and AV1 quality)",
                 "drop --crf");
        const int top = c == "h264" ? 51 : 63;
        if (opts.crf < 0 || opts.crf > top)
            fail(path, "crf " + std::to_string(opts.crf) + " is out of range for " + title,
                 "use 0 (best) to " + std::to_string(top) + "; " + (c == "h264" ? "20" : c == "vp9" ? "32" : "35") +
                     " is the default");
    }
    if (has_crf) f.crf = opts.crf != -1 ? opts.crf : c == "h264" ? 20 : c == "vp9" ? 32 : 35;
    if (!opts.preset.empty()) {
        if (c != "h264") fail(path, "--preset is an x264 setting and does not apply to " + title, "drop --preset");
        if (!is_x264_preset(opts.preset))
            fail(path, "unknown x264 preset \"" + opts.preset + "\"",
                 "use ultrafast, superfast, veryfast, faster, fast, medium, slow, slower, veryslow or placebo");
    }

    // Pixel format: 4:2:0 by default for the delivery codecs, 4:4:4 on request.
    std::string chroma = "yuv420p";
    if (!opts.pix_fmt.empty()) {
        if (c != "h264" && c != "vp9" && c != "av1")
            fail(path, "--pix-fmt does not apply to " + title + " (it has one pixel format)", "drop --pix-fmt");
        if (opts.pix_fmt != "yuv420p" && opts.pix_fmt != "yuv444p")
            fail("--pix-fmt " + opts.pix_fmt, "unknown pixel format", "use yuv420p (the default) or yuv444p");
        if (c == "av1" && opts.pix_fmt == "yuv444p")
            fail(path, "AV1 is written 4:2:0 only (SVT-AV1)", "drop --pix-fmt, or use --codec vp9 (.webm) for 4:4:4");
        chroma = opts.pix_fmt;
    }

    // Alpha.
    const bool alpha_capable = c == "prores" || c == "vp9" || c == "webp" || c == "apng" || c == "png";
    if (opts.alpha) {
        if (!alpha_capable)
            fail(path, title + " in " + (sequence ? std::string("PNG") : ext) + " has no alpha channel, so no transparent background",
                 std::string(kAlphaFormats));
        if (c == "vp9" && f.container != "webm")
            fail(path, "VP9 with alpha is written in WebM only", "write .webm");
        if (c == "vp9" && chroma == "yuv444p")
            fail(path, "VP9 with alpha is 4:2:0 only (yuva420p)", "drop --pix-fmt yuv444p");
        f.alpha = true;
    }
    if (c == "h264") f.pix_fmt = chroma;
    else if (c == "vp9") f.pix_fmt = f.alpha ? "yuva420p" : chroma;
    else if (c == "av1") f.pix_fmt = "yuv420p";
    else if (c == "prores") f.pix_fmt = f.alpha ? "yuva444p10le" : "yuv444p10le";
    else if (c == "webp") f.pix_fmt = "bgra";
    else if (c == "apng" || c == "png") f.pix_fmt = f.alpha ? "rgba" : "rgb24";
    else f.pix_fmt = "pal8";

    if (opts.width <= 0 || opts.height <= 0)
        fail(path, "frame size " + std::to_string(opts.width) + "x" + std::to_string(opts.height) +
                       " is not positive");
    if (!(opts.fps > 0) || !std::isfinite(opts.fps))
        fail(path, "frame rate must be greater than 0, got " + fps_text(opts.fps));
    if (opts.fps > 1000)  // beyond what a time base of 1/fps keeps exact, and what any player shows
        fail(path, "frame rate " + fps_text(opts.fps) + " is above 1000", "use 1000 fps or less");
    if (sequence && opts.first_index < 0)
        fail(path, "first frame number " + std::to_string(opts.first_index) + " is negative");
    // 4:2:0 halves the chroma planes in both directions: odd sizes cannot be encoded.
    if (f.pix_fmt == "yuv420p" || f.pix_fmt == "yuva420p") {
        if (opts.width % 2 || opts.height % 2) {
            int w = std::max(2, opts.width & ~1), h = std::max(2, opts.height & ~1);
            // What else works: 4:4:4 where the codec has it, or a format without chroma subsampling.
            const std::string odd = f.alpha ? ".mov (ProRes 4444), .webp, .apng or a PNG sequence"
                                            : ".mov (ProRes 4444), .webp, .apng, .gif or a PNG sequence";
            fail(path,
                 title + " video (" + f.pix_fmt + ") needs an even width and height, got " +
                     std::to_string(opts.width) + "x" + std::to_string(opts.height),
                 "use an even size such as --size " + std::to_string(w) + "x" + std::to_string(h) +
                     (c == "av1" || f.alpha ? ", " : ", --pix-fmt yuv444p, ") + "or a format that allows odd sizes: " +
                     odd);
        }
    }
    // SVT-AV1 (1.4) refuses frames under 64 pixels either way.
    if (c == "av1" && (opts.width < 64 || opts.height < 64))
        fail(path, "AV1 (SVT-AV1) needs frames of at least 64x64, got " + std::to_string(opts.width) + "x" +
                       std::to_string(opts.height),
             "use a larger --size, or write .webm with VP9 (the default)");
    // GIF delays are whole 1/100 s and browsers replace delays under 2/100 s by
    // 1/10 s, so above 50 fps the animation would play slower, not smoother.
    if (c == "gif" && opts.fps > 50)
        fail(path, "GIF cannot play " + fps_text(opts.fps) + " fps (frame delays are in 1/100 s, at least 2)",
             "use 50 fps or less (e.g. 25), or write .mp4");
    // x264 writes both 4:4:4 and lossless (crf 0, whatever the chroma) in the
    // High 4:4:4 Predictive profile. Hardware decoders (phones, Safari's) and
    // Firefox play 4:2:0 profiles only; desktop Chrome decodes it in software
    // (Debian's Chromium 156 does, docs/video.md).
    if (c == "h264" && (f.pix_fmt == "yuv444p" || f.crf == 0)) {
        f.warning = std::string("H.264 ") + (f.crf == 0 ? "lossless (crf 0)" : "4:4:4 (--pix-fmt yuv444p)") +
                    " is written in the High 4:4:4 Predictive profile, which browsers will not play "
                    "(Safari, Firefox, phones; only desktop Chrome does); editors and ffmpeg-based players do";
        f.warning_fix = f.crf == 0 ? "for the web use crf 1 or more" : "for the web drop --pix-fmt yuv444p";
    }
    return f;
}

VideoFormat check_frame_sink(const std::string& path, const VideoOptions& opts) {
    VideoFormat f = video_format(path, opts);
    check_folder(path);
    return f;
}

std::unique_ptr<FrameSink> open_frame_sink(const std::string& path, const VideoOptions& opts) {
    const VideoFormat f = check_frame_sink(path, opts);
    FrameTemplate tmpl;
    if (parse_frame_template(path, &tmpl)) return open_png_sequence_sink(path, opts, tmpl);
    return open_av_sink(path, opts, f);
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
    void write_repeat(const Image& frame) override {
        try {
            for (auto& s : sinks_) s->write_repeat(frame);
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
