// H.264 in MP4 (or QuickTime .mov): RGBA -> yuv420p (default) or yuv444p
// (swscale, BT.709 limited range) -> libx264 (Debian's libavcodec59 includes it,
// docs/dev/headless-gl.md pitfall 7) -> mp4/mov muxer with +faststart so that
// browsers can start playing before the whole file arrives.
extern "C" {
#include <libavutil/cpu.h>
#include <libavutil/opt.h>
}

#include <cstring>

#include "av_sink.h"
#include "mmr/core/error.h"
#include "../sinks.h"

namespace mmr::encode_detail {
namespace {

class H264Spec : public AvFormatSpec {
public:
    H264Spec(const std::string& path, const VideoOptions& opts, const VideoFormat& format)
        : path_(path), opts_(opts), format_(format) {
        if (opts_.preset.empty()) opts_.preset = "veryfast";
        opts_.crf = format.crf;
        pix_fmt_ = format.pix_fmt == "yuv444p" ? AV_PIX_FMT_YUV444P : AV_PIX_FMT_YUV420P;
    }

    const char* muxer() const override { return format_.container == "mov" ? "mov" : "mp4"; }
    const char* extension() const override { return format_.container == "mov" ? ".mov" : ".mp4"; }

    const AVCodec* find_encoder(std::string* note) override {
        codec_ = avcodec_find_encoder_by_name("libx264");
        if (codec_) return codec_;
        // Another build of libavcodec may lack x264 (it is GPL) but have
        // libopenh264 or a hardware encoder: use it, with a bit rate instead of crf.
        codec_ = avcodec_find_encoder(AV_CODEC_ID_H264);
        if (!codec_)
            throw Error(path_ + ": this libavcodec has no H.264 encoder; install Debian's libavcodec59 "
                                "(with libx264), or write a .gif or a PNG sequence");
        *note = path_ + ": libx264 is not available, using " + codec_->name +
                " (crf and preset do not apply; about " + std::to_string(bit_rate() / 1000000) + " Mbit/s)";
        return codec_;
    }

    void configure(AVCodecContext* ctx, AVDictionary** mux_options) override {
        ctx->pix_fmt = pix_fmt_;
        // What swscale below produces, declared so that players convert back with
        // the same matrix (x264 writes it into the stream's VUI, the muxer a colr box).
        ctx->color_range = AVCOL_RANGE_MPEG;
        ctx->colorspace = AVCOL_SPC_BT709;
        ctx->color_primaries = AVCOL_PRI_BT709;
        ctx->color_trc = AVCOL_TRC_BT709;
        if (std::strcmp(codec_->name, "libx264") == 0) {
            av_opt_set(ctx->priv_data, "preset", opts_.preset.c_str(), 0);
            av_opt_set_double(ctx->priv_data, "crf", opts_.crf, 0);
            // x264 0.164's AVX-512 code is not reproducible: 64x48 frames gave
            // different bytes in about 1 run in 5 within one process (same input
            // planes, even with 1 thread). Capped at AVX2 it is, for about 10 %
            // more CPU at 1080p. An AVX-512 CPU always has AVX2, FMA3 and BMI2.
            avx2_only_ = opts_.bitexact && (av_get_cpu_flags() & AV_CPU_FLAG_AVX512);
            if (avx2_only_) av_opt_set(ctx->priv_data, "x264-params", "asm=AVX2", 0);
        } else {
            ctx->bit_rate = bit_rate();
        }
        av_dict_set(mux_options, "movflags", "+faststart", 0);
        // The segment encoder (segments.cpp) configures a new encoder at each
        // segment: the same conversion serves them all.
        if (!yuv_) yuv_ = std::make_unique<RgbaToYuv>(path_, ctx->width, ctx->height, pix_fmt_, opts_.bitexact);
    }

    void convert(const Image& src, AVFrame* dst) override { yuv_->convert(src, dst); }

    std::string describe() const override {
        std::string enc = std::strcmp(codec_->name, "libx264") == 0
                              ? "libx264 " + opts_.preset + " crf " + std::to_string(opts_.crf) +
                                    (avx2_only_ ? ", AVX2 for reproducible bytes" : "")
                              : std::string(codec_->name) + " " + std::to_string(bit_rate() / 1000000) + " Mbit/s";
        return "H.264 (" + enc + "), " + av_get_pix_fmt_name(pix_fmt_) + " BT.709 limited range, " +
               (format_.container == "mov" ? "QuickTime" : "MP4") + " +faststart";
    }

private:
    // For encoders without crf: about 0.1 bit per pixel per frame, 9 Mbit/s at
    // 1280x720x30. The notes measured 17-40 Mbit/s for random-colour scenes at crf 20.
    int64_t bit_rate() const { return int64_t(0.1 * opts_.width * opts_.height * opts_.fps); }

    std::string path_;
    VideoOptions opts_;
    VideoFormat format_;
    AVPixelFormat pix_fmt_;
    const AVCodec* codec_ = nullptr;
    bool avx2_only_ = false;
    std::unique_ptr<RgbaToYuv> yuv_;
};

}  // namespace

std::unique_ptr<AvFormatSpec> make_h264_spec(const std::string& path, const VideoOptions& opts,
                                             const VideoFormat& format) {
    return std::make_unique<H264Spec>(path, opts, format);
}

}  // namespace mmr::encode_detail
