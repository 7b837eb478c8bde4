#include "mmr/compare/image_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>

#include "mmr/core/error.h"
#include "mmr/core/input_file.h"
#include "mmr/core/limits.h"
#include "mmr/encode/png.h"

namespace mmr {
namespace {

uint32_t be32(const unsigned char* p) {
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}

}  // namespace

const char* channels_name(int channels) {
    switch (channels) {
        case 1: return "grey";
        case 2: return "grey+alpha";
        case 3: return "RGB";
        case 4: return "RGBA";
        default: return "unknown";
    }
}

PngHeader probe_png(const std::string& path) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0)
        fail(path, errno == ENOENT ? "no such file" : std::string("cannot read (") + std::strerror(errno) + ")",
             "check the path");
    if (S_ISDIR(st.st_mode)) fail(path, "is a folder, not a PNG file", "give the path of a .png image");
    // Opened like every input: a FIFO or device is refused, the size checked first.
    InputFile in(path, limits::max_png_file_bytes, "PNG file");
    if (!in.ok())
        fail(path, std::string("cannot read (") + std::strerror(in.open_errno()) + ")", "check its permissions");
    std::unique_ptr<FILE, int (*)(FILE*)> f(fdopen(in.fd(), "rb"), std::fclose);
    if (!f) fail(path, std::string("cannot read (") + std::strerror(errno) + ")", "check its permissions");
    in.release();
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    unsigned char head[33];
    size_t got = std::fread(head, 1, sizeof head, f.get());
    if (got < 8 || std::memcmp(head, sig, 8) != 0)
        fail(path, got == 0 ? "is empty, not a PNG file" : "is not a PNG file", "give a PNG image");
    if (got < 33 || std::memcmp(head + 12, "IHDR", 4) != 0 || be32(head + 8) != 13)
        fail(path, "is a damaged PNG file (no image header)", "write the image again");
    PngHeader h;
    const uint32_t w = be32(head + 16), hgt = be32(head + 20);
    const int color_type = head[25];
    if (w == 0 || hgt == 0 || w > 0x7fffffff || hgt > 0x7fffffff)
        fail(path, "is a damaged PNG file (bad size)", "write the image again");
    // Refused before anything is decoded or allocated.
    const std::string dims = std::to_string(w) + "x" + std::to_string(hgt);
    if (w > limits::max_compare_side || hgt > limits::max_compare_side)
        fail(path,
             "the image is " + dims + " pixels; mmr compares images up to " +
                 std::to_string(limits::max_compare_side) + "x" + std::to_string(limits::max_compare_side),
             "compare smaller images");
    if (uint64_t(w) * hgt > limits::max_compare_pixels)
        fail(path,
             "the image is " + dims + " pixels (" + std::to_string(uint64_t(w) * hgt) + "); mmr compares images of up to " +
                 std::to_string(limits::max_compare_pixels) + " pixels (8192x8192)",
             "compare smaller images");
    h.width = int(w), h.height = int(hgt);
    switch (color_type) {
        case 0: h.channels = 1; break;
        case 2: h.channels = 3; break;
        case 3: h.channels = 3; break;
        case 4: h.channels = 2; break;
        case 6: h.channels = 4; break;
        default: fail(path, "is a damaged PNG file (colour type " + std::to_string(color_type) + ")", "write the image again");
    }
    // A tRNS chunk (before the image data) adds transparency to grey, RGB and palette images.
    if (color_type == 0 || color_type == 2 || color_type == 3) {
        unsigned char chunk[8];
        if (std::fseek(f.get(), 33, SEEK_SET) == 0)
            while (std::fread(chunk, 1, 8, f.get()) == 8) {
                if (std::memcmp(chunk + 4, "IDAT", 4) == 0 || std::memcmp(chunk + 4, "IEND", 4) == 0) break;
                if (std::memcmp(chunk + 4, "tRNS", 4) == 0) {
                    ++h.channels;
                    break;
                }
                if (std::fseek(f.get(), long(be32(chunk)) + 4, SEEK_CUR) != 0) break;
            }
    }
    return h;
}

ImageFile load_png_for_compare(const std::string& path) {
    ImageFile out;
    out.header = probe_png(path);
    try {
        out.image = read_png(path);
    } catch (const Error& e) {
        // read_png says "<path>: <libpng message>"; keep the message only.
        std::string msg = e.what();
        if (msg.compare(0, path.size() + 2, path + ": ") == 0) msg = msg.substr(path.size() + 2);
        fail(path, "is a damaged PNG file (" + msg + ")", "write the image again");
    }
    return out;
}

int stored_channels(const Image& img) {
    for (size_t i = 3; i < img.rgba.size(); i += 4)
        if (img.rgba[i] != 255) return 4;
    return 3;
}

}  // namespace mmr
