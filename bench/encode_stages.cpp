// Where the H.264 sink's fixed cost per frame goes, stage by stage, without the
// renderer. Built and run by bench/encode_stages.sh.
//   encode_stages WxH [frames]
// Frames are synthetic and mm-like: a dark page with blocks of shaded balls whose
// colours drift every frame (8 distinct frames, prepared up front and cycled).
// Each stage is timed alone, on the calling thread unless it says otherwise:
//   readback buffer   a fresh zero-filled RGBA Image per frame (what a renderer
//                     returning a new Image pays) -- for reference, not the sink's
//   row flip          swapping rows top-bottom in place -- likewise
//   copy RGBA         copying the frame into a reused buffer (the hand-off to the
//                     encoder thread before this issue)
//   RGBA->yuv420p     swscale, BT.709, bilinear chroma, bitexact, 1 and 2 threads
//   x264              avcodec_send_frame/receive_packet of converted frames, veryfast
//                     crf 20, 4 threads, as the sink configures it
//   sink              open_frame_sink(".mp4"), write() every frame, finish():
//                     wall time per frame and CPU time per frame (all threads)
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/cpu.h>
#include <libavutil/opt.h>
}

#include "av/av_sink.h"
#include "mmr/core/error.h"
#include "mmr/encode/video.h"

using namespace mmr;
using Clock = std::chrono::steady_clock;

namespace {

Image make_frame(int w, int h, int frame) {
    Image img;
    img.width = w;
    img.height = h;
    img.rgba.assign(size_t(w) * h * 4, 0);
    const int cell = std::max(4, w / 240);  // 8 px at 1920, 16 px at 3840
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            uint8_t* p = &img.rgba[(size_t(y) * w + x) * 4];
            const int cx = x / cell, cy = y / cell;
            const int dx = x % cell - cell / 2, dy = y % cell - cell / 2, d2 = dx * dx + dy * dy;
            // Three blocks of balls, like the faces of a matmul, on a black page.
            const bool block = (cx / 40 + cy / 30) % 3 == 1;
            const bool ball = block && 4 * d2 < cell * cell * 3 / 4;
            const uint32_t hsh = (uint32_t(cx * 73856093) ^ uint32_t(cy * 19349663)) * 2654435761u;
            const int pulse = int(50 * std::sin(0.4 * frame + 0.05 * cx + 0.07 * cy));
            const int shade = 255 - 8 * d2 * 64 / (cell * cell);
            auto chan = [&](int base) { return uint8_t(std::clamp((base + pulse) * shade / 255, 0, 255)); };
            p[0] = ball ? chan(60 + int(hsh >> 24) % 180) : 0;
            p[1] = ball ? chan(60 + int(hsh >> 16 & 0xff) % 180) : 0;
            p[2] = ball ? chan(60 + int(hsh >> 8 & 0xff) % 180) : 0;
            p[3] = 255;
        }
    return img;
}

double cpu_seconds() {
    rusage u;
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

struct Timer {
    Clock::time_point t0 = Clock::now();
    double c0 = cpu_seconds();
    void print(const char* what, int frames) const {
        const double wall = std::chrono::duration<double>(Clock::now() - t0).count(), cpu = cpu_seconds() - c0;
        std::printf("  %-40s %8.2f ms wall %8.2f ms CPU per frame\n", what, 1e3 * wall / frames, 1e3 * cpu / frames);
    }
};

volatile uint8_t g_sink;  // keeps the reference stages from being optimised away

}  // namespace

int main(int argc, char** argv) {
    int w = 0, h = 0;
    if (argc < 2 || std::sscanf(argv[1], "%dx%d", &w, &h) != 2 || w < 16 || h < 16) {
        std::fprintf(stderr, "usage: %s WxH [frames]\n", argv[0]);
        return 2;
    }
    const int frames = argc > 2 ? std::max(1, std::atoi(argv[2])) : 60;
    encode_detail::quiet_av_log();  // x264 prints its settings and statistics otherwise
    std::vector<Image> pool;
    for (int i = 0; i < 8; ++i) pool.push_back(make_frame(w, h, i));
    const Image& any = pool[0];
    std::printf("%dx%d, %d frames, %.1f MB RGBA a frame\n", w, h, frames, double(any.rgba.size()) / 1e6);
    try {
        {
            Timer t;
            for (int i = 0; i < frames; ++i) {
                Image img;
                img.width = w;
                img.height = h;
                img.rgba.resize(size_t(w) * h * 4);
                g_sink = img.rgba[size_t(i) % img.rgba.size()];
            }
            t.print("readback buffer (new, zeroed)", frames);
        }
        {
            Image img = any;
            const size_t row = size_t(w) * 4;
            std::vector<uint8_t> tmp(row);
            Timer t;
            for (int i = 0; i < frames; ++i)
                for (int y = 0, z = h - 1; y < z; ++y, --z) {
                    uint8_t* a = img.rgba.data() + y * row;
                    uint8_t* b = img.rgba.data() + z * row;
                    std::memcpy(tmp.data(), a, row);
                    std::memcpy(a, b, row);
                    std::memcpy(b, tmp.data(), row);
                }
            g_sink = img.rgba[0];
            t.print("row flip (in place)", frames);
        }
        {
            Image slot;
            Timer t;
            for (int i = 0; i < frames; ++i) {
                const Image& f = pool[size_t(i) % pool.size()];
                slot.rgba.assign(f.rgba.begin(), f.rgba.end());
            }
            g_sink = slot.rgba[0];
            t.print("copy RGBA (reused buffer)", frames);
        }
        AVFrame* yuv = av_frame_alloc();
        yuv->format = AV_PIX_FMT_YUV420P;
        yuv->width = w;
        yuv->height = h;
        if (av_frame_get_buffer(yuv, 0) < 0) throw Error("cannot allocate a frame");
        for (int threads : {1, 2}) {
            encode_detail::RgbaToYuv conv("bench", w, h, AV_PIX_FMT_YUV420P, true, threads);
            Timer t;
            for (int i = 0; i < frames; ++i) conv.convert(pool[size_t(i) % pool.size()], yuv);
            t.print(threads == 1 ? "RGBA->yuv420p, 1 thread" : "RGBA->yuv420p, 2 threads", frames);
        }
        {
            // The frames converted once, then encoded as the sink's encoder does.
            std::vector<AVFrame*> planes;
            encode_detail::RgbaToYuv conv("bench", w, h, AV_PIX_FMT_YUV420P, true, 1);
            for (const Image& f : pool) {
                AVFrame* p = av_frame_alloc();
                p->format = AV_PIX_FMT_YUV420P;
                p->width = w;
                p->height = h;
                if (av_frame_get_buffer(p, 0) < 0) throw Error("cannot allocate a frame");
                conv.convert(f, p);
                planes.push_back(p);
            }
            const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
            if (!codec) throw Error("no libx264");
            AVCodecContext* ctx = avcodec_alloc_context3(codec);
            ctx->width = w;
            ctx->height = h;
            ctx->time_base = AVRational{1, 30};
            ctx->framerate = AVRational{30, 1};
            ctx->pix_fmt = AV_PIX_FMT_YUV420P;
            ctx->thread_count = 4;
            ctx->flags |= AV_CODEC_FLAG_BITEXACT | AV_CODEC_FLAG_GLOBAL_HEADER;
            av_opt_set(ctx->priv_data, "preset", "veryfast", 0);
            av_opt_set_double(ctx->priv_data, "crf", 20, 0);
            if (av_get_cpu_flags() & AV_CPU_FLAG_AVX512) av_opt_set(ctx->priv_data, "x264-params", "asm=AVX2", 0);
            if (avcodec_open2(ctx, codec, nullptr) < 0) throw Error("cannot open libx264");
            AVPacket* pkt = av_packet_alloc();
            Timer t;
            auto drain = [&] {
                while (avcodec_receive_packet(ctx, pkt) == 0) av_packet_unref(pkt);
            };
            for (int i = 0; i < frames; ++i) {
                AVFrame* p = planes[size_t(i) % planes.size()];
                p->pts = i;
                avcodec_send_frame(ctx, p);
                drain();
            }
            avcodec_send_frame(ctx, nullptr);
            drain();
            t.print("x264 veryfast crf 20, 4 threads", frames);
            av_packet_free(&pkt);
            avcodec_free_context(&ctx);
            for (AVFrame*& p : planes) av_frame_free(&p);
        }
        av_frame_free(&yuv);
        {
            VideoOptions opts;
            opts.width = w;
            opts.height = h;
            const std::string out = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : ".") +
                                    "/mmr-encode-stages-" + std::to_string(getpid()) + ".mp4";
            Timer t;
            auto sink = open_frame_sink(out, opts);
            for (int i = 0; i < frames; ++i) sink->write(pool[size_t(i) % pool.size()]);
            sink->finish();
            t.print("sink: write() + finish(), all threads", frames);
            std::remove(out.c_str());
        }
    } catch (const Error& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
}
