// PNG via libpng at zlib level 1: 3-5x faster than stb_image_write and smaller
// (notes, "PNG encode"). libpng reports errors by longjmp, so the libpng calls
// sit in small C-style functions that hold no C++ objects needing destructors.
#include "mmr/encode/png.h"

#include <png.h>
#include <zlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "mmr/core/error.h"
#include "mmr/core/input_file.h"
#include "mmr/core/limits.h"
#include "mmr/core/interrupt.h"

namespace mmr {
namespace {

// libpng's message is copied here before the longjmp.
struct PngErr {
    char msg[256];
};

void on_error(png_structp png, png_const_charp msg) {
    auto* err = static_cast<PngErr*>(png_get_error_ptr(png));
    std::snprintf(err->msg, sizeof err->msg, "%s", msg);
    png_longjmp(png, 1);
}
void on_warning(png_structp, png_const_charp) {}  // warnings are not failures

bool all_opaque(const Image& img) {
    const uint8_t* p = img.rgba.data();
    for (size_t i = 3, n = img.rgba.size(); i < n; i += 4)
        if (p[i] != 255) return false;
    return true;
}

// Writes the stream; returns false with err->msg set on failure.
bool write_stream(FILE* f, const Image& img, png_text* texts, int ntexts, PngErr* err) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, err, on_error, on_warning);
    if (!png) return std::snprintf(err->msg, sizeof err->msg, "out of memory"), false;
    png_infop info = png_create_info_struct(png);
    if (!info || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return false;
    }
    png_init_io(png, f);
    // Level 1, no filter: the fastest setting and, on mostly black frames, no
    // bigger than SUB (notes: 1080p 82-92 ms, 1.7 MB).
    png_set_compression_level(png, 1);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    // Frames are opaque: store RGB (as mm's canvas PNGs are) and let libpng
    // drop the alpha byte while writing.
    bool opaque = all_opaque(img);
    png_set_IHDR(png, info, img.width, img.height, 8, opaque ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGBA,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
    if (ntexts > 0) png_set_text(png, info, texts, ntexts);
    png_write_info(png, info);
    if (opaque) png_set_filler(png, 0, PNG_FILLER_AFTER);
    const png_byte* row = img.rgba.data();
    for (int y = 0; y < img.height; ++y, row += size_t(img.width) * 4)
        png_write_row(png, row);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return true;
}

// What a read produced: pixels and text chunks (either may be skipped).
struct ReadResult {
    int width = 0, height = 0;
    std::vector<uint8_t> rgba;
    std::vector<std::pair<std::string, std::string>> texts;
};

bool read_stream(FILE* f, bool want_pixels, ReadResult* out, PngErr* err) {
    png_byte sig[8];
    if (std::fread(sig, 1, 8, f) != 8 || png_sig_cmp(sig, 0, 8) != 0)
        return std::snprintf(err->msg, sizeof err->msg, "not a PNG file"), false;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, err, on_error, on_warning);
    if (!png) return std::snprintf(err->msg, sizeof err->msg, "out of memory"), false;
    png_infop info = png_create_info_struct(png);
    // Row pointers and scratch live in malloc'd memory so that a longjmp leaks
    // nothing with a destructor; volatile because they change after setjmp.
    png_bytep* volatile rows = nullptr;
    png_bytep volatile scratch = nullptr;
    if (!info || setjmp(png_jmpbuf(png))) {
        std::free(rows);
        std::free(scratch);
        png_destroy_read_struct(&png, &info, nullptr);
        return false;
    }
    png_init_io(png, f);
    png_set_sig_bytes(png, 8);
    // Refused in the header, before any row is allocated (libpng checks it in IHDR).
    png_set_user_limits(png, limits::max_compare_side, limits::max_compare_side);
    png_read_info(png, info);
    if (uint64_t(png_get_image_width(png, info)) * png_get_image_height(png, info) > limits::max_compare_pixels)
        png_error(png, "the image has more pixels than mmr reads");
    // Any PNG becomes 8-bit RGBA.
    png_set_expand(png);
    png_set_strip_16(png);
    png_set_gray_to_rgb(png);
    png_set_add_alpha(png, 0xff, PNG_FILLER_AFTER);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    if (want_pixels) {
        out->width = int(w);
        out->height = int(h);
        out->rgba.resize(size_t(w) * h * 4);
        rows = static_cast<png_bytep*>(std::malloc(sizeof(png_bytep) * (h ? h : 1)));
        if (!rows) png_error(png, "out of memory");
        for (png_uint_32 y = 0; y < h; ++y) rows[y] = out->rgba.data() + size_t(y) * w * 4;
        png_read_image(png, rows);
    } else {
        // Texts may follow IDAT, so the image data must still be decoded;
        // one scratch row is enough.
        scratch = static_cast<png_bytep>(std::malloc(size_t(w) * 4 + 1));
        if (!scratch) png_error(png, "out of memory");
        for (int p = 0; p < passes; ++p)
            for (png_uint_32 y = 0; y < h; ++y) png_read_row(png, scratch, nullptr);
    }
    png_read_end(png, info);  // texts after the image data land in `info` too
    png_textp text = nullptr;
    int ntext = png_get_text(png, info, &text, nullptr);
    for (int i = 0; i < ntext; ++i) {
        size_t len = text[i].compression > 0 ? text[i].itxt_length : text[i].text_length;
        out->texts.emplace_back(text[i].key, std::string(text[i].text ? text[i].text : "", len));
    }
    std::free(rows);
    std::free(scratch);
    png_destroy_read_struct(&png, &info, nullptr);
    return true;
}

ReadResult read_file(const std::string& path, bool want_pixels) {
    // Opened like every input (no FIFO or device, size checked), then given to libpng.
    InputFile in(path, limits::max_png_file_bytes, "PNG file");
    if (!in.ok()) throw Error(path + ": cannot read (" + std::strerror(in.open_errno()) + ")");
    FILE* f = fdopen(in.fd(), "rb");
    if (!f) throw Error(path + ": cannot read (" + std::strerror(errno) + ")");
    in.release();
    ReadResult result;
    PngErr err{};
    bool ok = read_stream(f, want_pixels, &result, &err);
    std::fclose(f);
    if (!ok) throw Error(path + ": " + err.msg);
    return result;
}

// mkstemp creates files with mode 0600; a PNG should get the usual 0666 & ~umask.
mode_t file_mode() {
    static mode_t mode = [] {
        mode_t mask = umask(0);  // read the umask (no other way) and restore it
        umask(mask);
        return mode_t(0666 & ~mask);
    }();
    return mode;
}

uint32_t be32(const unsigned char* p) {
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}

[[noreturn]] void damaged(const std::string& path, const std::string& what) {
    fail(path, "is a damaged PNG file (" + what + ")", "write the image again");
}

// zlib-inflates a zTXt/iTXt text into at most limits::max_scene_bytes.
std::string inflate_text(const std::string& path, const std::string& comp) {
    z_stream zs{};
    if (inflateInit(&zs) != Z_OK) fail(path, "cannot start zlib", "");
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(comp.data()));
    zs.avail_in = static_cast<uInt>(comp.size());
    std::string out;
    char buf[1 << 16];
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        zs.next_out = reinterpret_cast<Bytef*>(buf);
        zs.avail_out = sizeof buf;
        rc = inflate(&zs, Z_NO_FLUSH);
        const size_t got = sizeof buf - zs.avail_out;
        if ((rc != Z_OK && rc != Z_STREAM_END) || (rc == Z_OK && got == 0)) {
            inflateEnd(&zs);
            damaged(path, "a compressed text chunk is damaged");
        }
        if (out.size() + got > limits::max_scene_bytes) {
            inflateEnd(&zs);
            fail(path, "a compressed text chunk inflates to more than " + byte_size_text(limits::max_scene_bytes),
                 "mmr reads scenes of up to " + byte_size_text(limits::max_scene_bytes));
        }
        out.append(buf, got);
    }
    inflateEnd(&zs);
    return out;
}

// One tEXt / zTXt / iTXt chunk's data -> (keyword, text); false if it is malformed.
bool parse_text_chunk(const std::string& path, const char* type, const std::string& d,
                      std::pair<std::string, std::string>& out) {
    const size_t nul = d.find('\0');
    if (nul == std::string::npos || nul == 0 || nul > 79) return false;
    out.first = d.substr(0, nul);
    if (std::memcmp(type, "tEXt", 4) == 0) {
        out.second = d.substr(nul + 1);
        return true;
    }
    if (std::memcmp(type, "zTXt", 4) == 0) {
        if (d.size() < nul + 2 || d[nul + 1] != 0) return false;
        out.second = inflate_text(path, d.substr(nul + 2));
        return true;
    }
    // iTXt: keyword \0 compressed-flag method language \0 translated-keyword \0 text
    if (d.size() < nul + 3) return false;
    const bool compressed = d[nul + 1] != 0;
    const size_t lang_end = d.find('\0', nul + 3);
    if (lang_end == std::string::npos) return false;
    const size_t key_end = d.find('\0', lang_end + 1);
    if (key_end == std::string::npos) return false;
    const std::string text = d.substr(key_end + 1);
    out.second = compressed ? inflate_text(path, text) : text;
    return true;
}

// iTXt chunks (uncompressed) pointing into `texts`, which must outlive them.
std::vector<png_text> text_chunks(const std::vector<std::pair<std::string, std::string>>& texts) {
    std::vector<png_text> chunks(texts.size());
    for (size_t i = 0; i < texts.size(); ++i) {
        png_text& c = chunks[i];
        std::memset(&c, 0, sizeof c);
        c.compression = PNG_ITXT_COMPRESSION_NONE;
        c.key = const_cast<char*>(texts[i].first.c_str());
        c.text = const_cast<char*>(texts[i].second.c_str());
        c.itxt_length = texts[i].second.size();
        c.lang = const_cast<char*>("");
        c.lang_key = const_cast<char*>("");
    }
    return chunks;
}

}  // namespace

void write_png_stream(std::FILE* f, const Image& img, const std::vector<std::pair<std::string, std::string>>& texts,
                      const std::string& where) {
    if (img.width <= 0 || img.height <= 0 || img.rgba.size() != size_t(img.width) * img.height * 4)
        throw Error(where + ": cannot write an empty or inconsistent image");
    std::vector<png_text> chunks = text_chunks(texts);
    PngErr err{};
    errno = 0;
    bool ok = write_stream(f, img, chunks.data(), int(chunks.size()), &err);
    int e = errno;
    if (ok && std::fflush(f) != 0) ok = false, e = errno, std::strcpy(err.msg, "write error");
    if (!ok) throw Error(where + ": cannot write (" + (e ? std::strerror(e) : err.msg) + ")");
}

void write_png(const std::string& path, const Image& img,
               const std::vector<std::pair<std::string, std::string>>& texts) {
    if (img.width <= 0 || img.height <= 0 || img.rgba.size() != size_t(img.width) * img.height * 4)
        throw Error(path + ": cannot write an empty or inconsistent image");
    for (const auto& t : texts)
        if (t.first.empty() || t.first.size() > 79)
            throw Error(path + ": PNG text key must have 1 to 79 characters: \"" + t.first + "\"");
    mode_t mode = file_mode();

    // Same folder as the target, so rename() is atomic and never crosses filesystems.
    // Registered, so that SIGINT, SIGTERM or SIGHUP removes it (mmr/core/interrupt.h).
    std::string tmp = path + ".tmp-XXXXXX";
    int fd;
    interrupt::TempRegistration registered;
    {
        interrupt::Hold hold;
        fd = mkstemp(&tmp[0]);
        if (fd >= 0) registered = interrupt::TempRegistration(tmp);
    }
    if (fd < 0) throw Error(path + ": cannot write (" + std::strerror(errno) + ")");
    auto fail_with = [&](const std::string& why) {
        std::remove(tmp.c_str());
        registered.reset();
        throw Error(path + ": cannot write (" + why + ")");
    };
    fchmod(fd, mode);
    FILE* f = fdopen(fd, "wb");
    if (!f) {
        int e = errno;
        close(fd);
        fail_with(std::strerror(e));
    }

    std::vector<png_text> chunks = text_chunks(texts);
    PngErr err{};
    errno = 0;
    bool ok = write_stream(f, img, chunks.data(), int(chunks.size()), &err);
    int write_errno = errno;  // libpng reports "Write Error"; errno says why
    if (ok && std::fflush(f) != 0) ok = false, write_errno = errno, std::strcpy(err.msg, "write error");
    if (std::fclose(f) != 0 && ok) ok = false, write_errno = errno, std::strcpy(err.msg, "write error");
    if (!ok) fail_with(write_errno ? std::strerror(write_errno) : err.msg);
    interrupt::Hold hold;  // the file is either complete or absent
    if (std::rename(tmp.c_str(), path.c_str()) != 0) fail_with(std::strerror(errno));
    registered.reset();
}

Image read_png(const std::string& path) {
    ReadResult r = read_file(path, true);
    Image img;
    img.width = r.width;
    img.height = r.height;
    img.rgba = std::move(r.rgba);
    return img;
}

// Walks the chunks (length, type, data, CRC) without decoding a pixel: the image's
// size does not matter, only text chunks are read (and their CRCs checked).
std::vector<std::pair<std::string, std::string>> read_png_texts(const std::string& path) {
    InputFile in(path, limits::max_png_file_bytes, "PNG file");
    if (!in.ok()) fail(path, std::string("cannot read (") + std::strerror(in.open_errno()) + ")", "check the path");
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    unsigned char head[8];
    if (in.size() < 8 || (in.read(0, 8, head), std::memcmp(head, sig, 8) != 0))
        fail(path, "not a PNG file", "give a PNG written by 'mmr still'");
    std::vector<std::pair<std::string, std::string>> texts;
    const uint64_t size = in.size();
    for (uint64_t pos = 8;;) {
        if (size - pos < 12) damaged(path, "it ends inside a chunk");
        in.read(pos, 8, head);
        const uint64_t len = be32(head);
        const char* type = reinterpret_cast<const char*>(head + 4);
        if (len > 0x7fffffff || len > size - pos - 12) damaged(path, "a chunk runs past the end of the file");
        if (pos == 8 && std::memcmp(type, "IHDR", 4) != 0) damaged(path, "no image header");
        if (std::memcmp(type, "IEND", 4) == 0) break;
        if (std::memcmp(type, "tEXt", 4) == 0 || std::memcmp(type, "zTXt", 4) == 0 ||
            std::memcmp(type, "iTXt", 4) == 0) {
            // A text too large to be a scene: skipped, unless it is the scene.
            const std::string key_part = in.bytes(pos + 8, std::min<uint64_t>(len, 80));
            const bool is_scene = key_part.compare(0, 10, std::string("mmr:scene\0", 10)) == 0;
            if (len > limits::max_scene_bytes + 1024) {
                if (is_scene)
                    fail(path,
                         "its mmr:scene text chunk is " + std::to_string(len) + " bytes; mmr reads scenes of up to " +
                             byte_size_text(limits::max_scene_bytes),
                         "give the scene file instead");
            } else {
                std::string chunk = in.bytes(pos + 4, len + 8);  // type, data, CRC
                const uint32_t want = be32(reinterpret_cast<const unsigned char*>(chunk.data()) + 4 + len);
                const uint32_t got = static_cast<uint32_t>(
                    crc32(0L, reinterpret_cast<const Bytef*>(chunk.data()), static_cast<uInt>(len + 4)));
                if (got != want) damaged(path, std::string("CRC error in a ") + std::string(type, 4) + " chunk");
                std::pair<std::string, std::string> t;
                if (!parse_text_chunk(path, type, chunk.substr(4, len), t))
                    damaged(path, std::string("malformed ") + std::string(type, 4) + " chunk");
                texts.push_back(std::move(t));
            }
        }
        pos += 12 + len;
    }
    return texts;
}

}  // namespace mmr
