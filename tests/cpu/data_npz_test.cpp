// .npz archives (stored and deflated members, numpy's zip64 local headers) load to
// the exact values; bad archives are one-line errors.
#include <doctest/doctest.h>

#include "data_test_util.h"
#include "mmr/core/error.h"
#include "mmr/model/build_model.h"
#include "mmr/model/data.h"
#include "mmr/scene/scene_parser.h"

using namespace mmr;
using namespace mmr::test;

namespace {

LeafSpec leaf(const std::string& file, const std::string& array) {
    LeafSpec s;
    s.name = "W";
    s.file = file;
    s.entry = array;
    s.init = "csv";
    s.loc = {"scene.yaml", 4, 3};
    return s;
}

std::string error_of(const TempDir& dir, const LeafSpec& s) { return leaf_error(dir, s, 2, 3); }

const std::vector<double> q = {1, 2, 3, 4, 5, 6};
const std::vector<double> k = {-1, -2, -3, -4, -5, -6, -7, -8};

std::string archive() {
    return zip_bytes({{"q.npy", npy_bytes(q, {2, 3}, "f4"), false, false},
                      {"k.npy", npy_bytes(k, {2, 4}, "i2", false, true), true, false},
                      {"v.npy", npy_bytes(q, {3, 2}, "f8"), true, true},
                      {"o.npy", npy_bytes(k, {4, 2}, "u1"), false, true}});
}

}  // namespace

TEST_CASE("npz: named arrays load, stored or deflated") {
    TempDir dir;
    dir.write("w.npz", archive());
    CHECK(load_leaf(dir, leaf("w.npz", "q")).v == as_floats(q));
    const Matrix km = load_leaf(dir, leaf("w.npz", "k"));  // deflated, Fortran order
    CHECK(km.h == 2);
    CHECK(km.w == 4);
    CHECK(km.v == as_floats(k));
    const Matrix vm = load_leaf(dir, leaf("w.npz", "v.npy"));  // the member name works too
    CHECK(vm.h == 3);
    CHECK(vm.v == as_floats(q));
    const Matrix om = load_leaf(dir, leaf("w.npz", "o"));  // zip64 local header, stored
    CHECK(om.h == 4);
    CHECK(om.v == as_floats({255, 254, 253, 252, 251, 250, 249, 248}));
    FileSource f(dir.path + "/w.npz");
    CHECK(npz_names(f) == std::vector<std::string>{"q", "k", "v", "o"});
    // in a scene, with the shape from the data
    Model m = build_model(parse_scene("expr: A @ B\nmatrices:\n  A: {file: w.npz, array: k, transpose: true}\n",
                                      dir.path + "/s.yaml"));
    CHECK(m.root->rows == 4);
    CHECK(m.root->depth == 2);
}

TEST_CASE("npz: bad archives and names") {
    TempDir dir;
    const std::string good = archive();
    dir.write("w.npz", good);
    SUBCASE("an array that is not there lists those that are") {
        const std::string e = error_of(dir, leaf("w.npz", "wq"));
        CHECK(e.find("w.npz: no array 'wq' in this .npz; ") != std::string::npos);
        CHECK(e.find("arrays in it: q, k, v, o (data for matrix 'W' at scene.yaml:4:3)") != std::string::npos);
        CHECK(error_of(dir, leaf("w.npz", "kk")).find("did you mean 'k'?") != std::string::npos);
        CHECK(error_of(dir, leaf("w.npz", "")).find("does not say which array; add 'array: NAME'; arrays in it: q, k, v, o") !=
              std::string::npos);
    }
    SUBCASE("truncated") {
        dir.write("t.npz", good.substr(0, good.size() - 30));
        CHECK(error_of(dir, leaf("t.npz", "q")).find("not a valid .npz (zip) file") != std::string::npos);
        dir.write("t2.npz", good.substr(0, 100));
        CHECK(!error_of(dir, leaf("t2.npz", "q")).empty());
        dir.write("e.npz", "");
        CHECK(error_of(dir, leaf("e.npz", "q")).find("only 0 bytes") != std::string::npos);
    }
    SUBCASE("damaged compressed data") {
        std::string bad = good;
        const std::string kname = "k.npy";
        const size_t at = bad.find(kname) + kname.size() + 10;  // inside k's deflated body
        bad[at] = static_cast<char>(bad[at] ^ 0x55);
        dir.write("d.npz", bad);
        const std::string e = error_of(dir, leaf("d.npz", "k"));
        CHECK((e.find("damaged") != std::string::npos || e.find("CRC-32") != std::string::npos ||
               e.find("inflates") != std::string::npos || e.find("npy") != std::string::npos));
    }
    SUBCASE("a directory entry that lies about its size") {
        std::string bad = good;
        // the central directory entry of q: compressed size at +20
        const size_t cd = bad.rfind(std::string("\x50\x4b\x01\x02", 4), bad.size());
        size_t first = bad.find(std::string("\x50\x4b\x01\x02", 4));
        REQUIRE(first != std::string::npos);
        (void)cd;
        bad[first + 20] = '\xff';
        bad[first + 21] = '\xff';
        bad[first + 22] = '\xff';
        dir.write("l.npz", bad);
        CHECK(!error_of(dir, leaf("l.npz", "q")).empty());
    }
    SUBCASE("not a zip") {
        dir.write("n.npz", std::string(200, 'x'));
        CHECK(error_of(dir, leaf("n.npz", "q")).find("no end-of-central-directory record") != std::string::npos);
    }
}

TEST_CASE("npz: declared member sizes are checked before inflating") {
    TempDir dir;
    // one deflated member; patch the uncompressed size in the local header (+22) and/or
    // the central directory entry (+24)
    const std::string good = zip_bytes({{"q.npy", npy_bytes(q, {2, 3}, "f4"), true, false}});
    auto patched = [&](uint32_t local, uint32_t central) {
        std::string z = good;
        const size_t lh = z.find(std::string("\x50\x4b\x03\x04", 4)), cd = z.find(std::string("\x50\x4b\x01\x02", 4));
        for (int i = 0; i < 4; ++i) {
            z[lh + 22 + i] = static_cast<char>((local >> (8 * i)) & 0xff);
            z[cd + 24 + i] = static_cast<char>((central >> (8 * i)) & 0xff);
        }
        return z;
    };
    dir.write("big.npz", patched(0xF0000000u, 0xF0000000u));
    CHECK(error_of(dir, leaf("big.npz", "q")).find("big.npz:q.npy: the member declares 4026531840 bytes uncompressed; "
                                                   "mmr inflates .npz members of up to 1 GiB") != std::string::npos);
    dir.write("lies.npz", patched(1000, 1000));
    CHECK(error_of(dir, leaf("lies.npz", "q")).find("lies.npz:q.npy: the member declares 1000 bytes but its .npy header "
                                                    "(2x3 float32) needs 152") != std::string::npos);
    dir.write("small.npz", patched(100, 100));
    CHECK(error_of(dir, leaf("small.npz", "q")).find("inflates to more than the 100 bytes") != std::string::npos);
    dir.write("two.npz", patched(1000, 152));
    CHECK(error_of(dir, leaf("two.npz", "q")).find("its local header declares 1000 bytes") != std::string::npos);
    dir.write("ok.npz", patched(152, 152));
    CHECK(load_leaf(dir, leaf("ok.npz", "q")).v == as_floats(q));
}
