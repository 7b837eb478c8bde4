// H.264 in MP4: RGBA -> yuv420p (swscale, BT.709 limited range) -> libx264
// (Debian's libavcodec59 includes it, docs/dev/headless-gl.md pitfall 7) -> mp4 muxer with
// +faststart so that browsers can start playing before the whole file arrives.
extern "C" {
#include <libavutil/cpu.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

#include <algorithm>
#include <cstring>
#include <thread>

#include "av_sink.h"
#include "mmr/core/error.h"
#include "../sinks.h"

namespace mmr::encode_detail {
namespace {

class Mp4Spec : public AvFormatSpec {
public:
    Mp4Spec(const std::string& path, const VideoOptions& opts) : path_(path), opts_(opts) {}
    ~Mp4Spec() override { sws_freeContext(sws_); }

    const char* muxer() const override { return "mp4"; }
    const char* extension() const override { return ".mp4"; }

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
        ctx->pix_fmt = AV_PIX_FMT_YUV420P;
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

        if (sws_) return;  // a new encoder for the next segment: same conversion
        sws_ = sws_alloc_context();
        if (!sws_) throw Error(path_ + ": cannot allocate the colour converter");
        av_opt_set_int(sws_, "srcw", ctx->width, 0);
        av_opt_set_int(sws_, "srch", ctx->height, 0);
        av_opt_set_int(sws_, "src_format", AV_PIX_FMT_RGBA, 0);
        av_opt_set_int(sws_, "dstw", ctx->width, 0);
        av_opt_set_int(sws_, "dsth", ctx->height, 0);
        av_opt_set_int(sws_, "dst_format", AV_PIX_FMT_YUV420P, 0);
        // Bilinear: chroma is averaged over 2x2 pixels rather than point-sampled,
        // so thin coloured lines keep their colour. BITEXACT: same bytes on any CPU.
        av_opt_set_int(sws_, "sws_flags", SWS_BILINEAR | (opts_.bitexact ? SWS_BITEXACT : 0), 0);
        // Slice threads (FFmpeg 5.1): measured here at 1080p, 4.3 ms/frame on one
        // thread, 2.4-3.2 ms on 2-4, for the same CPU time and identical bytes.
        av_opt_set_int(sws_, "threads", std::min(4u, std::max(1u, std::thread::hardware_concurrency())), 0);
        if (sws_init_context(sws_, nullptr, nullptr) < 0)
            throw Error(path_ + ": cannot set up the RGBA to yuv420p conversion");
        // Source: full-range RGB. Destination: BT.709 matrix, limited (16-235) range.
        const int* bt709 = sws_getCoefficients(SWS_CS_ITU709);
        sws_setColorspaceDetails(sws_, sws_getCoefficients(SWS_CS_DEFAULT), 1, bt709, 0, 0, 1 << 16, 1 << 16);
    }

    void convert(const Image& src, AVFrame* dst) override {
        AVFrame* in = in_frame(src);
        int err = sws_scale_frame(sws_, dst, in);
        if (err < 0) throw Error(path_ + ": cannot convert a frame to yuv420p (" + av_error_text(err) + ")");
    }

    std::string describe() const override {
        std::string enc = std::strcmp(codec_->name, "libx264") == 0
                              ? "libx264 " + opts_.preset + " crf " + std::to_string(opts_.crf) +
                                    (avx2_only_ ? ", AVX2 for reproducible bytes" : "")
                              : std::string(codec_->name) + " " + std::to_string(bit_rate() / 1000000) + " Mbit/s";
        return "H.264 (" + enc + "), yuv420p BT.709 limited range, MP4 +faststart";
    }

private:
    // For encoders without crf: about 0.1 bit per pixel per frame, 9 Mbit/s at
    // 1280x720x30. The notes measured 17-40 Mbit/s for random-colour scenes at crf 20.
    int64_t bit_rate() const { return int64_t(0.1 * opts_.width * opts_.height * opts_.fps); }

    // Wraps the Image's pixels in an AVFrame without copying them.
    AVFrame* in_frame(const Image& src) {
        if (!in_) {
            in_.reset(av_frame_alloc());
            if (!in_) throw Error(path_ + ": cannot allocate a frame");
        }
        AVFrame* f = in_.get();
        f->format = AV_PIX_FMT_RGBA;
        f->width = src.width;
        f->height = src.height;
        f->data[0] = const_cast<uint8_t*>(src.rgba.data());
        f->linesize[0] = src.width * 4;
        return f;
    }

    struct FrameFree {
        void operator()(AVFrame* f) const { av_frame_free(&f); }
    };

    std::string path_;
    VideoOptions opts_;
    const AVCodec* codec_ = nullptr;
    bool avx2_only_ = false;
    SwsContext* sws_ = nullptr;
    std::unique_ptr<AVFrame, FrameFree> in_;
};

}  // namespace

std::unique_ptr<AvFormatSpec> make_mp4_spec(const std::string& path, const VideoOptions& opts) {
    return std::make_unique<Mp4Spec>(path, opts);
}

}  // namespace mmr::encode_detail
