// Test helper for run_diff_tests.sh: makes the images the comparison tests
// need and inspects screenshots. Not installed; not part of mmr.
//   mmr_png_tool reencode IN OUT stb|stb-paeth|png9   same pixels, other bytes
//   mmr_png_tool convert IN OUT rgba|grey|grey-alpha  other channel counts
//   mmr_png_tool count IN R G B TOL                   pixels within TOL of (R,G,B)
//   mmr_png_tool info IN                              "WIDTH HEIGHT"
//   mmr_png_tool paint IN OUT X Y R G B               one pixel changed
//   mmr_png_tool flatten IN OUT R G B                 IN (RGBA) composited over a colour
//   mmr_png_tool beside IN IN2 OUT                    IN and IN2 side by side (same height)
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <png.h>
#include <stb_image_write.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "mmr/core/error.h"
#include "mmr/encode/png.h"

namespace {

int usage() {
    std::fprintf(stderr, "usage: mmr_png_tool reencode|convert|count|info|paint|flatten|beside ...\n");
    return 2;
}

bool opaque(const mmr::Image& img) {
    for (size_t i = 3; i < img.rgba.size(); i += 4)
        if (img.rgba[i] != 255) return false;
    return true;
}

std::vector<uint8_t> channels(const mmr::Image& img, int comp) {
    std::vector<uint8_t> out;
    out.reserve(img.rgba.size());
    for (size_t i = 0; i < img.rgba.size(); i += 4) {
        const uint8_t* p = &img.rgba[i];
        uint8_t grey = uint8_t((p[0] * 299 + p[1] * 587 + p[2] * 114) / 1000);
        switch (comp) {
            case 1: out.push_back(grey); break;
            case 2: out.push_back(grey), out.push_back(p[3]); break;
            case 3: out.insert(out.end(), p, p + 3); break;
            default: out.insert(out.end(), p, p + 4);
        }
    }
    return out;
}

bool write_stb(const std::string& path, const mmr::Image& img, int comp) {
    std::vector<uint8_t> px = channels(img, comp);
    return stbi_write_png(path.c_str(), img.width, img.height, comp, px.data(), img.width * comp) != 0;
}

// libpng at zlib level 9 with every filter (mmr writes level 1, no filter).
bool write_png9(const std::string& path, const mmr::Image& img) {
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return false;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png_create_info_struct(png);
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        std::fclose(f);
        return false;
    }
    png_init_io(png, f);
    png_set_compression_level(png, 9);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_ALL_FILTERS);
    const bool op = opaque(img);
    png_set_IHDR(png, info, img.width, img.height, 8, op ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGBA,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
    png_write_info(png, info);
    std::vector<uint8_t> px = channels(img, op ? 3 : 4);
    const size_t stride = size_t(img.width) * (op ? 3 : 4);
    for (int y = 0; y < img.height; ++y) png_write_row(png, px.data() + y * stride);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return std::fclose(f) == 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) return usage();
    const std::string cmd = argv[1];
    try {
        mmr::Image img = mmr::read_png(argv[2]);
        if (cmd == "info") {
            std::printf("%d %d\n", img.width, img.height);
            return 0;
        }
        if (cmd == "count" && argc == 7) {
            const int r = std::atoi(argv[3]), g = std::atoi(argv[4]), b = std::atoi(argv[5]), tol = std::atoi(argv[6]);
            long n = 0;
            for (size_t i = 0; i < img.rgba.size(); i += 4)
                n += std::abs(img.rgba[i] - r) <= tol && std::abs(img.rgba[i + 1] - g) <= tol &&
                     std::abs(img.rgba[i + 2] - b) <= tol;
            std::printf("%ld\n", n);
            return 0;
        }
        if (cmd == "reencode" && argc == 5) {
            const std::string how = argv[4];
            const int comp = opaque(img) ? 3 : 4;
            bool ok = false;
            if (how == "stb") {
                stbi_write_png_compression_level = 8;  // stb's default; every filter tried per row
                stbi_write_force_png_filter = -1;
                ok = write_stb(argv[3], img, comp);
            } else if (how == "stb-paeth") {
                stbi_write_png_compression_level = 2;
                stbi_write_force_png_filter = 4;
                ok = write_stb(argv[3], img, comp);
            } else if (how == "png9") {
                ok = write_png9(argv[3], img);
            } else {
                return usage();
            }
            return ok ? 0 : 1;
        }
        if (cmd == "convert" && argc == 5) {
            const std::string to = argv[4];
            const int comp = to == "rgba" ? 4 : to == "grey" ? 1 : to == "grey-alpha" ? 2 : 0;
            if (!comp) return usage();
            return write_stb(argv[3], img, comp) ? 0 : 1;
        }
        if (cmd == "flatten" && argc == 7) {
            const double bg[3] = {double(std::atoi(argv[4])), double(std::atoi(argv[5])), double(std::atoi(argv[6]))};
            for (size_t i = 0; i < img.rgba.size(); i += 4) {
                const double a = img.rgba[i + 3] / 255.0;
                for (int k = 0; k < 3; ++k) img.rgba[i + k] = uint8_t(img.rgba[i + k] * a + bg[k] * (1 - a) + 0.5);
                img.rgba[i + 3] = 255;
            }
            mmr::write_png(argv[3], img);
            return 0;
        }
        if (cmd == "beside" && argc == 5) {
            const mmr::Image b = mmr::read_png(argv[3]);
            if (b.height != img.height) return usage();
            mmr::Image out;
            out.width = img.width + b.width;
            out.height = img.height;
            for (int y = 0; y < img.height; ++y) {
                out.rgba.insert(out.rgba.end(), img.rgba.begin() + size_t(y) * img.width * 4,
                                img.rgba.begin() + size_t(y + 1) * img.width * 4);
                out.rgba.insert(out.rgba.end(), b.rgba.begin() + size_t(y) * b.width * 4,
                                b.rgba.begin() + size_t(y + 1) * b.width * 4);
            }
            mmr::write_png(argv[4], out);
            return 0;
        }
        if (cmd == "paint" && argc == 9) {
            const int x = std::atoi(argv[4]), y = std::atoi(argv[5]);
            uint8_t* p = &img.rgba[(size_t(y) * img.width + x) * 4];
            p[0] = uint8_t(std::atoi(argv[6])), p[1] = uint8_t(std::atoi(argv[7])), p[2] = uint8_t(std::atoi(argv[8]));
            mmr::write_png(argv[3], img);
            return 0;
        }
        return usage();
    } catch (const mmr::Error& e) {
        std::fprintf(stderr, "mmr_png_tool: %s\n", e.what());
        return 1;
    }
}
