// Golden-image test: renders a scene and compares it with a stored reference
// with a perceptual tolerance (not byte equality, so other Mesa/LLVM builds pass).
//   mmr_golden SCENE REFERENCE.png ACTUAL_OUT.png [--update]
#include <cstdio>
#include <cstring>
#include <string>

#include "mmr/compare/image_diff.h"
#include "mmr/core/error.h"
#include "mmr/encode/png.h"
#include "mmr/render/still.h"
#include "mmr/scene/scene_parser.h"

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: mmr_golden SCENE REFERENCE.png ACTUAL_OUT.png [--update]\n");
        return 2;
    }
    const bool update = argc > 4 && std::strcmp(argv[4], "--update") == 0;
    // Tolerance: pixelmatch threshold 0.1 per pixel, at most 0.5 % of pixels.
    const double kThreshold = 0.1, kMaxFraction = 0.005;
    try {
        mmr::SceneSpec spec = mmr::load_scene_file(argv[1]);
        spec.output.width = 640;
        spec.output.height = 360;
        mmr::Image actual = mmr::render_still(spec);
        if (update) {
            mmr::write_png(argv[2], actual);
            std::printf("updated %s\n", argv[2]);
            return 0;
        }
        mmr::write_png(argv[3], actual);
        mmr::Image ref = mmr::read_png(argv[2]);
        mmr::Image diff;
        mmr::DiffResult d = mmr::diff_images(ref, actual, kThreshold, &diff);
        if (!d.same_size) {
            std::printf("FAIL %s: size %dx%d, reference %dx%d\n", argv[1], actual.width,
                        actual.height, ref.width, ref.height);
            return 1;
        }
        std::printf("%s: %zu of %zu pixels differ (%.4f %%), max channel diff %d\n", argv[1],
                    d.differing, d.pixels, 100 * d.fraction(), d.max_channel_diff);
        if (d.fraction() > kMaxFraction) {
            std::string diff_path = std::string(argv[3]) + ".diff.png";
            mmr::write_png(diff_path, diff);
            std::printf("FAIL: more than %.2f %% differ; actual %s, diff %s\n", 100 * kMaxFraction,
                        argv[3], diff_path.c_str());
            return 1;
        }
        return 0;
    } catch (const mmr::Error& e) {
        std::fprintf(stderr, "mmr_golden: %s\n", e.what());
        return 1;
    }
}
