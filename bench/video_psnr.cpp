// PSNR of a video against the PNG frames it was rendered from (RGB, all frames):
// how much each format loses. Built and run by bench/video_formats.sh.
//   video_psnr VIDEO FRAMES_TEMPLATE N     e.g. video_psnr a.webm seq/f%04d.png 90
// YUV is converted back with BT.709 limited range, what mmr's encoders declare,
// with full-resolution chroma interpolation.
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libswscale/swscale.h>
}

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "mmr/core/error.h"
#include "mmr/encode/png.h"

using namespace mmr;

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s VIDEO FRAMES_TEMPLATE N\n", argv[0]);
        return 2;
    }
    const int want = std::atoi(argv[3]);
    av_log_set_level(AV_LOG_ERROR);  // decoders announce themselves at INFO
    AVFormatContext* fmt = nullptr;
    if (avformat_open_input(&fmt, argv[1], nullptr, nullptr) < 0 || avformat_find_stream_info(fmt, nullptr) < 0) {
        std::fprintf(stderr, "%s: cannot open\n", argv[1]);
        return 1;
    }
    const AVCodec* codec = nullptr;
    const int si = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    AVCodecContext* dec = avcodec_alloc_context3(codec);
    avcodec_parameters_to_context(dec, fmt->streams[si]->codecpar);
    if (avcodec_open2(dec, codec, nullptr) < 0) return 1;
    AVPacket* pkt = av_packet_alloc();
    AVFrame* fr = av_frame_alloc();
    int n = 0;
    double se = 0, count = 0;
    try {
        auto drain = [&] {
            while (avcodec_receive_frame(dec, fr) == 0) {
                if (n >= want) {
                    ++n;
                    continue;
                }
                char name[4096];
                std::snprintf(name, sizeof name, argv[2], n);
                const Image ref = read_png(name);
                std::vector<uint8_t> rgba(size_t(fr->width) * fr->height * 4);
                SwsContext* s = sws_getContext(fr->width, fr->height, AVPixelFormat(fr->format), fr->width, fr->height,
                                               AV_PIX_FMT_RGBA, SWS_BILINEAR | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT,
                                               nullptr, nullptr, nullptr);
                sws_setColorspaceDetails(s, sws_getCoefficients(SWS_CS_ITU709), 0, sws_getCoefficients(SWS_CS_DEFAULT),
                                         1, 0, 1 << 16, 1 << 16);
                uint8_t* dst[4] = {rgba.data()};
                int stride[4] = {fr->width * 4};
                sws_scale(s, fr->data, fr->linesize, 0, fr->height, dst, stride);
                sws_freeContext(s);
                for (size_t i = 0; i < rgba.size(); i += 4)
                    for (int c = 0; c < 3; ++c) {
                        const double e = double(rgba[i + c]) - double(ref.rgba[i + c]);
                        se += e * e;
                        count += 1;
                    }
                ++n;
            }
        };
        while (av_read_frame(fmt, pkt) >= 0) {
            if (pkt->stream_index == si && avcodec_send_packet(dec, pkt) >= 0) drain();
            av_packet_unref(pkt);
        }
        avcodec_send_packet(dec, nullptr);
        drain();
    } catch (const Error& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    const double mse = count > 0 ? se / count : 0;
    if (mse == 0) std::printf("inf\n");
    else std::printf("%.1f\n", 10 * std::log10(255.0 * 255.0 / mse));
    av_frame_free(&fr);
    av_packet_free(&pkt);
    avcodec_free_context(&dec);
    avformat_close_input(&fmt);
    return n >= want ? 0 : 1;
}
