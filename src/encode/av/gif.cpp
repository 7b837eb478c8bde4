// Animated GIF through libavcodec's "gif" encoder and libavformat's gif muxer.
//
// Palette: one fixed palette for every frame, a 6x7x6 RGB cube (252 colours;
// green gets 7 levels because the eye is most sensitive to it) plus a
// transparent entry. A fixed palette needs no look at future frames (frames are
// streamed), is deterministic, and lets the encoder send only what changed
// between frames (it crops to the changed rectangle and marks unchanged pixels
// with the transparent index), which a per-frame palette would prevent.
// Colours between the levels are ordered-dithered (8x8 Bayer): the pattern is
// fixed in screen space, so static areas give identical indices frame to frame
// and stay cheap; colours exactly on a level (black, white) are not dithered.
//
// Timing: GIF delays are whole 1/100 s. Frame i is shown at
// round(i * 100 / fps) hundredths (the muxer's time base is 1/100), so delays
// alternate (24 fps: 4,4,4,5,...) and the total length has no drift.
extern "C" {
#include <libavutil/opt.h>
}

#include <array>
#include <cmath>
#include <cstdio>

#include "av_sink.h"
#include "mmr/core/error.h"
#include "../sinks.h"

namespace mmr::encode_detail {
namespace {

constexpr int kLevels[3] = {6, 7, 6};  // R, G, B
constexpr int kTransparent = 255;      // palette entry with alpha 0, for unchanged pixels

// 8x8 Bayer matrix: thresholds 0..63 spread evenly in every 2^k x 2^k block.
constexpr uint8_t kBayer[8][8] = {
    {0, 32, 8, 40, 2, 34, 10, 42},  {48, 16, 56, 24, 50, 18, 58, 26}, {12, 44, 4, 36, 14, 46, 6, 38},
    {60, 28, 52, 20, 62, 30, 54, 22}, {3, 35, 11, 43, 1, 33, 9, 41},  {51, 19, 59, 27, 49, 17, 57, 25},
    {15, 47, 7, 39, 13, 45, 5, 37},  {63, 31, 55, 23, 61, 29, 53, 21}};

class GifSpec : public AvFormatSpec {
public:
    GifSpec(const std::string& path, const VideoOptions& opts) : path_(path), opts_(opts) { build_tables(); }

    const char* muxer() const override { return "gif"; }
    const char* extension() const override { return ".gif"; }

    const AVCodec* find_encoder(std::string*) override {
        const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_GIF);
        if (!codec) throw Error(path_ + ": this libavcodec has no GIF encoder; write .mp4 or a PNG sequence");
        return codec;
    }

    void configure(AVCodecContext* ctx, AVDictionary** mux_options) override {
        ctx->pix_fmt = AV_PIX_FMT_PAL8;
        av_dict_set(mux_options, "loop", "0", 0);  // 0 = loop forever
    }

    void convert(const Image& src, AVFrame* dst) override {
        // Palette entries are native-endian 0xAARRGGBB words.
        std::copy(palette_.begin(), palette_.end(), reinterpret_cast<uint32_t*>(dst->data[1]));
        const uint8_t* p = src.rgba.data();
        for (int y = 0; y < src.height; ++y) {
            uint8_t* out = dst->data[0] + size_t(y) * dst->linesize[0];
            const auto& row = kBayer[y & 7];
            for (int x = 0; x < src.width; ++x, p += 4) {
                int t = row[x & 7];
                out[x] = uint8_t(index_[0][t][p[0]] + index_[1][t][p[1]] + index_[2][t][p[2]]);
            }
        }
    }

    // The muxer otherwise repeats the previous delay after the last frame; give
    // it the exact one so that one loop lasts round(frames * 100 / fps) / 100 s.
    void before_trailer(AVFormatContext* fmt, int64_t frames) override {
        int64_t last = cs_at(frames) - cs_at(frames - 1);
        av_opt_set_int(fmt->priv_data, "final_delay", last, 0);
    }

    // The gif muxer of FFmpeg 5.1 holds one packet back (to learn its delay
    // from the next) and frees it only in write_trailer: write the trailer into
    // the doomed temporary file rather than leak it.
    void on_abort(AVFormatContext* fmt) override { av_write_trailer(fmt); }

    std::string describe() const override {
        return "GIF (fixed 6x7x6 palette, ordered dither, delays in 1/100 s), loops forever";
    }

private:
    int64_t cs_at(int64_t frame) const { return std::llround(double(frame) * 100 / opts_.fps); }

    // index_[c][t][v]: channel c's contribution to the palette index for value v
    // at Bayer threshold t, so the inner loop is three table lookups.
    void build_tables() {
        const int stride[3] = {kLevels[1] * kLevels[2], kLevels[2], 1};
        for (int c = 0; c < 3; ++c) {
            int top = kLevels[c] - 1;
            for (int t = 0; t < 64; ++t)
                for (int v = 0; v < 256; ++v) {
                    // v in level units plus a threshold in (0, 1): rounds up with the
                    // probability of the fraction, so the average colour is kept.
                    int level = (v * top * 64 + (t * 2 + 1) * 255 / 2) / (255 * 64);
                    index_[c][t][v] = uint8_t(std::min(level, top) * stride[c]);
                }
        }
        palette_.fill(0xff000000u);
        for (int r = 0; r < kLevels[0]; ++r)
            for (int g = 0; g < kLevels[1]; ++g)
                for (int b = 0; b < kLevels[2]; ++b) {
                    auto level = [](int l, int c) { return uint32_t((l * 255 * 2 + (kLevels[c] - 1)) / (2 * (kLevels[c] - 1))); };
                    palette_[size_t(r * stride_r() + g * kLevels[2] + b)] =
                        0xff000000u | level(r, 0) << 16 | level(g, 1) << 8 | level(b, 2);
                }
        palette_[kTransparent] = 0x00000000u;
    }
    static constexpr int stride_r() { return kLevels[1] * kLevels[2]; }

    std::string path_;
    VideoOptions opts_;
    uint8_t index_[3][64][256];
    std::array<uint32_t, 256> palette_;
};

}  // namespace

std::unique_ptr<AvFormatSpec> make_gif_spec(const std::string& path, const VideoOptions& opts) {
    return std::make_unique<GifSpec>(path, opts);
}

}  // namespace mmr::encode_detail
