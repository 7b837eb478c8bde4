// PNG writer/reader: round trip with text chunks, atomic failure, bad input.
#include <doctest/doctest.h>

#include "temp_dir.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "mmr/core/error.h"
#include "mmr/encode/png.h"

using namespace mmr;

namespace {

using test::TempDir;

Image gradient(int w, int h, bool opaque) {
    Image img;
    img.width = w;
    img.height = h;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            img.rgba.insert(img.rgba.end(), {uint8_t(x * 20), uint8_t(y * 30), uint8_t(x ^ y),
                                             uint8_t(opaque ? 255 : 100 + x)});
    return img;
}

}  // namespace

TEST_CASE("PNG round trip keeps pixels and UTF-8 text chunks") {
    TempDir dir;
    for (bool opaque : {true, false}) {
        CAPTURE(opaque);
        std::string path = dir.path + "/frame.png";
        Image img = gradient(7, 5, opaque);
        std::vector<std::pair<std::string, std::string>> texts = {
            {"Software", "mmr 0.1"}, {"mmr:scene", "expr: L @ R\nnote: \xc3\xa9t\xc3\xa9"}};
        write_png(path, img, texts);
        Image back = read_png(path);
        CHECK(back.width == 7);
        CHECK(back.height == 5);
        CHECK(back.rgba == img.rgba);
        CHECK(read_png_texts(path) == texts);
        CHECK(dir.files() == std::vector<std::string>{"frame.png"});  // no temp file left
    }
}

TEST_CASE("writing into a missing folder throws naming the path and leaves nothing") {
    TempDir dir;
    std::string path = dir.path + "/missing/out.png";
    try {
        write_png(path, gradient(2, 2, true));
        FAIL("no error");
    } catch (const Error& e) {
        std::string msg = e.what();
        CHECK(msg.find(path) != std::string::npos);
        CHECK(msg.find("No such file or directory") != std::string::npos);
        CHECK(msg.find('\n') == std::string::npos);
    }
    CHECK(dir.files().empty());
}

TEST_CASE("reading a file that is not a PNG throws naming it") {
    TempDir dir;
    std::string path = dir.path + "/fake.png";
    std::ofstream(path) << "GIF89a not really";
    for (auto read : {+[](const std::string& p) { read_png(p); },
                      +[](const std::string& p) { read_png_texts(p); }}) {
        try {
            read(path);
            FAIL("no error");
        } catch (const Error& e) {
            std::string msg = e.what();
            CHECK(msg.find(path) != std::string::npos);
            CHECK(msg.find("not a PNG") != std::string::npos);
        }
    }
    CHECK_THROWS_AS(read_png(dir.path + "/absent.png"), Error);
}
