// Encoder throughput of the FrameSinks, without the renderer: how many frames
// per second write() + finish() absorb. Built and run by bench/video_encode.sh.
//   video_encode OUT WxH [frames] [fps] [bitexact 1|0]   (OUT: x.mp4, x.gif or f{frame:04}.png)
// Frames are synthetic but matrix-like: shaded balls in 8 px cells with
// pseudo-random colours that drift every frame, on a dark background, panning
// 3 px per frame (values and camera move in mm's animations, so nearly every
// pixel changes). 30 distinct frames are prepared up front and cycled, so that
// only encoding is timed.
#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "mmr/core/error.h"
#include "mmr/encode/video.h"

using namespace mmr;

namespace {

Image make_frame(int w, int h, int frame) {
    Image img;
    img.width = w;
    img.height = h;
    img.rgba.resize(size_t(w) * h * 4);
    int shift = 3 * frame;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            uint8_t* p = &img.rgba[(size_t(y) * w + x) * 4];
            int cx = (x + shift) / 8, cy = y / 8;
            // A shaded ball per cell: brightness falls off from the centre.
            int dx = (x + shift) % 8 - 4, dy = y % 8 - 4, d2 = dx * dx + dy * dy;
            bool ball = d2 < 14 && cy % 16 < 12;  // bands of rows, like matrices
            uint32_t hsh = uint32_t(cx * 73856093) ^ uint32_t(cy * 19349663);
            hsh *= 2654435761u;
            // Values animate: every cell's colour drifts from frame to frame.
            int pulse = int(60 * std::sin(0.4 * frame + 0.05 * cx + 0.07 * cy));
            int shade = 255 - 10 * d2;
            auto chan = [&](int base) { return uint8_t(std::clamp((base + pulse) * shade / 255, 0, 255)); };
            p[0] = ball ? chan(60 + int(hsh >> 24) % 180) : 16;
            p[1] = ball ? chan(60 + int(hsh >> 16 & 0xff) % 180) : 16;
            p[2] = ball ? chan(60 + int(hsh >> 8 & 0xff) % 180) : 24;
            p[3] = 255;
        }
    return img;
}

double cpu_seconds() {
    rusage u;
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s OUT WxH [frames] [fps] [bitexact 1|0]\n", argv[0]);
        return 2;
    }
    std::string out = argv[1];
    VideoOptions opts;
    if (std::sscanf(argv[2], "%dx%d", &opts.width, &opts.height) != 2) return 2;
    int frames = argc > 3 ? std::atoi(argv[3]) : 100;
    opts.fps = argc > 4 ? std::atof(argv[4]) : 30;
    opts.bitexact = argc > 5 ? std::atoi(argv[5]) != 0 : true;
    std::vector<Image> pool;
    for (int i = 0; i < 30; ++i) pool.push_back(make_frame(opts.width, opts.height, i));
    try {
        double cpu0 = cpu_seconds();
        auto t0 = std::chrono::steady_clock::now();
        auto sink = open_frame_sink(out, opts);
        for (int i = 0; i < frames; ++i) sink->write(pool[size_t(i) % pool.size()]);
        sink->finish();
        double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        double cpu = cpu_seconds() - cpu0;
        struct stat st {};
        stat(out.c_str(), &st);  // PNG sequences: 0 (no single file)
        std::printf("%-60s %5d frames %7.1f fps %6.0f CPU-ms/frame %8.2f Mbit/s\n", sink->description().c_str(),
                    frames, frames / wall, 1000 * cpu / frames,
                    double(st.st_size) * 8 / (frames / opts.fps) / 1e6);
    } catch (const Error& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
}
