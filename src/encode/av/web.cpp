// The web and editor formats beside H.264 and GIF:
//   VP9 in WebM or MP4 (libvpx-vp9): yuv420p, yuv444p (profile 1), or yuva420p
//       with alpha (WebM only: the alpha plane is a second VP9 stream in the
//       Matroska BlockAdditional, as Chrome and Firefox read it);
//   AV1 in WebM or MP4 (libsvtav1; libaom-av1 if SVT-AV1 is missing): yuv420p;
//   ProRes 4444 in QuickTime .mov (prores_ks): yuv444p10le, or yuva444p10le
//       with alpha, what video editors import;
//   animated WebP (libwebp_anim): the encoder is given BGRA and does its own
//       RGB to YUV conversion (and ALPH chunk with alpha);
//   APNG (FFmpeg's apng encoder): rgb24, or rgba with alpha; lossless.
// Settings chosen for reproducible bytes are explained where they are set;
// docs/video.md has the table.
extern "C" {
#include <libavutil/opt.h>
}

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "av_sink.h"
#include "mmr/core/error.h"
#include "../sinks.h"

namespace mmr::encode_detail {
namespace {

int threads(unsigned most) { return int(std::min(most, std::max(1u, std::thread::hardware_concurrency()))); }

void bt709(AVCodecContext* ctx) {
    ctx->color_range = AVCOL_RANGE_MPEG;
    ctx->colorspace = AVCOL_SPC_BT709;
    ctx->color_primaries = AVCOL_PRI_BT709;
    ctx->color_trc = AVCOL_TRC_BT709;
}

const AVCodec* find_named(const std::string& path, const char* name, const char* what) {
    const AVCodec* codec = avcodec_find_encoder_by_name(name);
    if (!codec)
        throw Error(path + ": this libavcodec has no " + name + " encoder for " + what +
                    "; install Debian's libavcodec59, or write .mp4 (H.264)");
    return codec;
}

// YUV formats through RgbaToYuv (VP9, AV1, ProRes).
class YuvSpec : public AvFormatSpec {
public:
    YuvSpec(const std::string& path, const VideoOptions& opts, const VideoFormat& format)
        : path_(path), opts_(opts), format_(format), pix_fmt_(av_get_pix_fmt(format.pix_fmt.c_str())) {}
    const char* muxer() const override { return format_.container.c_str(); }
    const char* extension() const override { return ext_.c_str(); }
    void convert(const Image& src, AVFrame* dst) override { yuv_->convert(src, dst); }

protected:
    void start(AVCodecContext* ctx) {
        ctx->pix_fmt = pix_fmt_;
        bt709(ctx);
        yuv_ = std::make_unique<RgbaToYuv>(path_, ctx->width, ctx->height, pix_fmt_, opts_.bitexact);
    }
    std::string path_;
    VideoOptions opts_;
    VideoFormat format_;
    AVPixelFormat pix_fmt_;
    std::string ext_ = "." + format_.container;
    std::unique_ptr<RgbaToYuv> yuv_;
};

class Vp9Spec : public YuvSpec {
public:
    using YuvSpec::YuvSpec;
    const AVCodec* find_encoder(std::string*) override { return find_named(path_, "libvpx-vp9", "VP9"); }
    void configure(AVCodecContext* ctx, AVDictionary** mux_options) override {
        start(ctx);
        // Constant quality (crf, no bit rate cap), "good" quality at speed 5:
        // about realtime speed's cost for visibly better small balls (bench/).
        ctx->bit_rate = 0;
        av_opt_set_int(ctx->priv_data, "crf", format_.crf, 0);
        av_opt_set(ctx->priv_data, "deadline", "good", 0);
        av_opt_set_int(ctx->priv_data, "cpu-used", 5, 0);
        // Tile columns and row-based threads: libvpx's threading splits the frame,
        // never the decisions, so the bytes do not depend on the thread count
        // (checked by the tests). Tiles need width >= 256 per column.
        av_opt_set_int(ctx->priv_data, "row-mt", 1, 0);
        ctx->thread_count = threads(4);
        ctx->gop_size = 240;  // a keyframe at least every 240 frames: seeking stays quick
        if (format_.container == "mp4") av_dict_set(mux_options, "movflags", "+faststart", 0);
    }
    std::string describe() const override {
        return "VP9 (libvpx-vp9 good speed 5 crf " + std::to_string(format_.crf) + "), " + format_.pix_fmt +
               " BT.709 limited range" + (format_.alpha ? " with alpha" : "") + ", " +
               (format_.container == "webm" ? "WebM" : "MP4 +faststart");
    }
};

class Av1Spec : public YuvSpec {
public:
    using YuvSpec::YuvSpec;
    const AVCodec* find_encoder(std::string* note) override {
        codec_ = avcodec_find_encoder_by_name("libsvtav1");
        if (codec_) return codec_;
        codec_ = find_named(path_, "libaom-av1", "AV1");
        *note = path_ + ": libsvtav1 is not available, using libaom-av1 (slower)";
        return codec_;
    }
    void configure(AVCodecContext* ctx, AVDictionary** mux_options) override {
        start(ctx);
        ctx->bit_rate = 0;
        av_opt_set_int(ctx->priv_data, "crf", format_.crf, 0);
        ctx->gop_size = 240;
        if (std::strcmp(codec_->name, "libsvtav1") == 0) {
            // SVT-AV1 prints a banner on stderr unless told not to.
            setenv("SVT_LOG", "0", 0);  // fatal errors only: mmr reports the failure in one line
            av_opt_set_int(ctx->priv_data, "preset", 10, 0);
        } else {
            av_opt_set_int(ctx->priv_data, "cpu-used", 8, 0);
            av_opt_set_int(ctx->priv_data, "row-mt", 1, 0);
            ctx->thread_count = threads(4);
        }
        if (format_.container == "mp4") av_dict_set(mux_options, "movflags", "+faststart", 0);
    }
    std::string describe() const override {
        return std::string("AV1 (") + codec_->name + " crf " + std::to_string(format_.crf) +
               "), yuv420p BT.709 limited range, " + (format_.container == "webm" ? "WebM" : "MP4 +faststart");
    }

private:
    const AVCodec* codec_ = nullptr;
};

class ProresSpec : public YuvSpec {
public:
    using YuvSpec::YuvSpec;
    const AVCodec* find_encoder(std::string*) override { return find_named(path_, "prores_ks", "ProRes"); }
    void configure(AVCodecContext* ctx, AVDictionary** mux_options) override {
        start(ctx);
        av_opt_set(ctx->priv_data, "profile", "4444", 0);
        // "apl0" is what Apple's encoders write; some editors check it.
        av_opt_set(ctx->priv_data, "vendor", "apl0", 0);
        if (format_.alpha) av_opt_set_int(ctx->priv_data, "alpha_bits", 16, 0);
        ctx->thread_count = threads(4);  // slice threads: slices are coded independently
        av_dict_set(mux_options, "movflags", "+faststart", 0);
    }
    std::string describe() const override {
        return "ProRes 4444 (prores_ks), " + format_.pix_fmt + " BT.709" +
               (format_.alpha ? " with 16-bit alpha" : "") + ", QuickTime";
    }
};

// Copies RGBA into a BGRA frame; alpha is made opaque unless kept.
void rgba_to_bgra(const Image& src, AVFrame* dst, bool keep_alpha) {
    for (int y = 0; y < src.height; ++y) {
        const uint8_t* in = src.rgba.data() + size_t(y) * src.width * 4;
        uint8_t* out = dst->data[0] + size_t(y) * dst->linesize[0];
        for (int x = 0; x < src.width; ++x, in += 4, out += 4) {
            out[0] = in[2];
            out[1] = in[1];
            out[2] = in[0];
            out[3] = keep_alpha ? in[3] : 255;
        }
    }
}

class WebpSpec : public AvFormatSpec {
public:
    WebpSpec(const std::string& path, const VideoOptions& opts, const VideoFormat& format)
        : path_(path), opts_(opts), format_(format) {}
    const char* muxer() const override { return "webp"; }
    const char* extension() const override { return ".webp"; }
    const AVCodec* find_encoder(std::string*) override {
        return find_named(path_, "libwebp_anim", "animated WebP");
    }
    void configure(AVCodecContext* ctx, AVDictionary** mux_options) override {
        ctx->pix_fmt = AV_PIX_FMT_BGRA;
        // Lossless: mmr's flat colours on a plain background compress better than
        // lossy (dotprod at 320x180: 0.38 MB lossless, 1.7 MB lossy at quality 90),
        // faster, and without the ghost trails libwebp's lossy frame blending left
        // where a ball had been (tests/cpu/video_formats_test.cpp). libwebp runs
        // on one thread here: reproducible.
        av_opt_set_int(ctx->priv_data, "lossless", 1, 0);
        ctx->compression_level = 4;  // libwebp's "method": 0 fastest .. 6 smallest
        av_dict_set(mux_options, "loop", "0", 0);  // loop forever
    }
    void convert(const Image& src, AVFrame* dst) override { rgba_to_bgra(src, dst, format_.alpha); }
    std::string describe() const override {
        return std::string("animated WebP (libwebp_anim lossless") + (format_.alpha ? ", alpha" : "") +
               "), loops forever";
    }

private:
    std::string path_;
    VideoOptions opts_;
    VideoFormat format_;
};

class ApngSpec : public AvFormatSpec {
public:
    ApngSpec(const std::string& path, const VideoOptions& opts, const VideoFormat& format)
        : path_(path), opts_(opts), format_(format) {}
    const char* muxer() const override { return "apng"; }
    const char* extension() const override { return ".png"; }
    const AVCodec* find_encoder(std::string*) override { return find_named(path_, "apng", "APNG"); }
    void configure(AVCodecContext* ctx, AVDictionary** mux_options) override {
        ctx->pix_fmt = format_.alpha ? AV_PIX_FMT_RGBA : AV_PIX_FMT_RGB24;
        // zlib level 1 as for PNG frames (mostly black frames compress as well as
        // at 6, several times faster); the encoder crops each frame to what changed.
        ctx->compression_level = 1;
        av_dict_set(mux_options, "plays", "0", 0);  // loop forever
    }
    void convert(const Image& src, AVFrame* dst) override {
        const int ch = format_.alpha ? 4 : 3;
        for (int y = 0; y < src.height; ++y) {
            const uint8_t* in = src.rgba.data() + size_t(y) * src.width * 4;
            uint8_t* out = dst->data[0] + size_t(y) * dst->linesize[0];
            if (ch == 4) {
                std::memcpy(out, in, size_t(src.width) * 4);
                continue;
            }
            for (int x = 0; x < src.width; ++x, in += 4, out += 3) out[0] = in[0], out[1] = in[1], out[2] = in[2];
        }
    }
    std::string describe() const override {
        return std::string("APNG (lossless, ") + (format_.alpha ? "rgba" : "rgb24") + "), loops forever";
    }

private:
    std::string path_;
    VideoOptions opts_;
    VideoFormat format_;
};

}  // namespace

std::unique_ptr<AvFormatSpec> make_vp9_spec(const std::string& path, const VideoOptions& opts,
                                            const VideoFormat& format) {
    return std::make_unique<Vp9Spec>(path, opts, format);
}
std::unique_ptr<AvFormatSpec> make_av1_spec(const std::string& path, const VideoOptions& opts,
                                            const VideoFormat& format) {
    return std::make_unique<Av1Spec>(path, opts, format);
}
std::unique_ptr<AvFormatSpec> make_prores_spec(const std::string& path, const VideoOptions& opts,
                                               const VideoFormat& format) {
    return std::make_unique<ProresSpec>(path, opts, format);
}
std::unique_ptr<AvFormatSpec> make_webp_spec(const std::string& path, const VideoOptions& opts,
                                             const VideoFormat& format) {
    return std::make_unique<WebpSpec>(path, opts, format);
}
std::unique_ptr<AvFormatSpec> make_apng_spec(const std::string& path, const VideoOptions& opts,
                                             const VideoFormat& format) {
    return std::make_unique<ApngSpec>(path, opts, format);
}

}  // namespace mmr::encode_detail
