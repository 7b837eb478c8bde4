// Issue #9 (frames/compute/memory limits, numbers, messages, one random stream per
// matrix): the library side. The command line is in tests/cli/run_hardening_numbers_tests.sh.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "mmr/core/error.h"
#include "mmr/core/limits.h"
#include "mmr/core/memory_limit.h"
#include "mmr/core/quote.h"
#include "mmr/model/build_model.h"
#include "mmr/model/values.h"
#include "mmr/scene/scene_parser.h"
#include "mmr/timeline/time_map.h"

using namespace mmr;
using namespace std::string_literals;

namespace {

std::string error_of_build(const std::string& yaml) {
    try {
        build_model(parse_scene(yaml, "s.yaml"));
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

std::string error_of_parse(const std::string& yaml) {
    try {
        parse_scene(yaml, "s.yaml");
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

const Matrix& leaf(const Model& m, const std::string& name, int occurrence = 0) {
    for (const auto& l : m.leaves)
        if (l.spec.name == name && occurrence-- == 0) return l.values;
    FAIL("no leaf " << name);
    static Matrix none;
    return none;
}

std::string frames_error(const TimeMap& tm, const FrameRequest& r) {
    try {
        checked_total_frames(tm, r);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("random streams: editing one matrix leaves every other matrix bit-identical") {
    const std::string base =
        "expr: (A @ B) @ (C @ D)\nseed: 7\nmatrices:\n"
        "  A: {shape: [6, 5], init: gaussian}\n"
        "  B: {init: uniform%B%}\n"
        "  C: {shape: [4, 6], init: pt linear, dropout: 0.3}\n"
        "  D: {init: gaussian, dropout: 0.1}\n";
    auto scene = [&](const std::string& b) {
        std::string s = base;
        s.replace(s.find("%B%"), 3, b);
        return build_model(parse_scene(s, "s.yaml"));
    };
    const Model m1 = scene("");
    const Model m2 = scene(", dropout: 0.5");             // B gains dropout
    const Model m3 = scene(", min: -3, max: 3");          // B's range changes
    for (const Model* m : {&m2, &m3}) {
        CHECK(leaf(*m, "A").v == leaf(m1, "A").v);
        CHECK(leaf(*m, "C").v == leaf(m1, "C").v);
        CHECK(leaf(*m, "D").v == leaf(m1, "D").v);
        CHECK(leaf(*m, "B").v != leaf(m1, "B").v);
    }
    // Same seed, same values; another seed, other values.
    const Model again = scene("");
    for (const char* n : {"A", "B", "C", "D"}) CHECK(leaf(again, n).v == leaf(m1, n).v);
    SceneSpec s = parse_scene("expr: A @ B\nmatrices:\n  A: {shape: [4, 4], init: gaussian}\n", "s.yaml");
    s.seed = 7;
    const Model a = build_model(s);
    s.seed = 8;
    const Model b = build_model(s);
    CHECK(leaf(a, "A").v != leaf(b, "A").v);
}

TEST_CASE("random streams: a matrix's values do not depend on which other matrices exist") {
    const Model m1 = build_model(parse_scene(
        "expr: A @ B\nmatrices:\n  A: {shape: [5, 5], init: uniform}\n  B: {init: gaussian}\n", "s.yaml"));
    // A new random matrix drawn before A's turn changes nothing of A.
    const Model m2 = build_model(parse_scene(
        "expr: (Z @ A) @ B\nmatrices:\n  Z: {shape: [5, 5], init: uniform}\n  A: {shape: [5, 5], init: uniform}\n"
        "  B: {init: gaussian}\n",
        "s.yaml"));
    CHECK(leaf(m2, "A").v == leaf(m1, "A").v);
    CHECK(leaf(m2, "B").v == leaf(m1, "B").v);
}

TEST_CASE("random streams: one name listed as two matrices gets two streams") {
    const Model m = build_model(parse_scene(
        "expr: W @ X @ W\nmatrices:\n  W:\n    - {shape: [4, 4], init: uniform}\n    - {shape: [4, 4], init: uniform}\n",
        "s.yaml"));
    CHECK(leaf(m, "W", 0).v != leaf(m, "W", 1).v);
}

TEST_CASE("random streams: matrix_seed mixes seed, name and occurrence") {
    CHECK(matrix_seed(1, "A") == matrix_seed(1, "A", 0));
    CHECK(matrix_seed(1, "A") != matrix_seed(2, "A"));
    CHECK(matrix_seed(1, "A") != matrix_seed(1, "B"));
    CHECK(matrix_seed(1, "A") != matrix_seed(1, "A", 1));
    CHECK(matrix_seed(0, "") != matrix_seed(0, "", 1));
    CHECK(matrix_seed(0, "AB") != matrix_seed(0, "BA"));
    // Fixed forever: scenes with random inits render the same on every release.
    CHECK(matrix_seed(0, "A") == matrix_seed(0, "A"));
}

TEST_CASE("limits: a 10000x10000 square is refused quickly, naming the key") {
    CHECK(error_of_build("expr: A @ B\nmatrices:\n  A: {shape: [10000, 10000]}\n") ==
          "s.yaml:3:14: matrices.A.shape [10000, 10000] makes the scene draw 1.01e+08 elements (matrix 'A' "
          "alone 1e+08); at most 20000000 are drawn; use a smaller shape or pass --max-elements");
    SceneSpec s = parse_scene("expr: A @ B\nmatrices:\n  A: {shape: [3000, 3000]}\n  B: {shape: [3000, 3000]}\n",
                              "s.yaml");
    s.max_elements = 1e9;
    try {
        build_model(s);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(std::string(e.what()) ==
              "s.yaml:3:14: matrices.A.shape [3000, 3000] makes the matmuls need 2.7e+10 multiply-adds ('A @ B' "
              "alone 2.7e+10); at most 4000000000 are computed; use a smaller shape or pass --max-multiply-adds");
    }
    BuildOptions o;
    o.memory_limit_bytes = 1e6;
    try {
        build_model(parse_scene("expr: A @ B\nmatrices:\n  A: {shape: [200, 200]}\n", "s.yaml"), o);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("s.yaml:3:14: matrices.A.shape [200, 200] makes the scene need about") == 0);
        CHECK(std::string(e.what()).find("more than the 977 KiB allowed (the limit given); use a smaller shape") !=
              std::string::npos);
    }
}

TEST_CASE("limits: every shipped scene fits the element and multiply-add limits with margin") {
    // The largest (the article's FFN scenes) draw 1.1e6 elements and need 1.4e8 multiply-adds.
    CHECK(limits::max_elements >= 10 * 1.1e6);
    CHECK(limits::max_multiply_adds >= 10 * 1.4e8);
}

TEST_CASE("memory limit: cgroup v2 and v1 files of the process's cgroup") {
    std::string tmpl = (std::filesystem::temp_directory_path() / "mmr-memlim-XXXXXX").string();
    const std::string root = mkdtemp(tmpl.data());
    auto write = [&](const std::string& path, const std::string& text) {
        std::string dir = root;
        for (size_t p = 1; (p = path.find('/', p)) != std::string::npos; ++p)
            mkdir((root + path.substr(0, p)).c_str(), 0755);
        std::ofstream(root + path) << text;
    };
    write("/proc/self/cgroup", "0::/user.slice/job\n");
    write("/sys/fs/cgroup/user.slice/memory.max", "3000000000\n");
    write("/sys/fs/cgroup/user.slice/job/memory.max", "max\n");
    MemoryLimit m = process_memory_limit(root, false);
    CHECK(m.bytes == 3e9);
    CHECK(m.source == "cgroup v2 memory.max");
    write("/proc/self/cgroup", "4:memory:/docker/abc\n0::/\n");
    write("/sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes", "2000000000\n");
    m = process_memory_limit(root, false);
    CHECK(m.bytes == 2e9);
    CHECK(m.source == "cgroup v1 memory.limit_in_bytes");
    write("/sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes", "9223372036854771712\n");  // v1's "none"
    m = process_memory_limit(root, false);
    CHECK(m.bytes == 0);
    // The real process: at most physical memory, from somewhere.
    const MemoryLimit real = process_memory_limit();
    CHECK(real.bytes > 0);
    CHECK(real.bytes <= double(sysconf(_SC_PHYS_PAGES)) * double(sysconf(_SC_PAGESIZE)));
    CHECK(std::system(("rm -rf " + root).c_str()) == 0);
}

TEST_CASE("frames: counted in double, checked before conversion, naming the cause") {
    TimeMap tm;
    tm.fps = 30;
    tm.speed = 1e-6;
    tm.period = 80;
    FrameRequest r;
    r.scene = "s.yaml";
    r.speed_where = "s.yaml:2:20";
    CHECK(frames_error(tm, r) ==
          "s.yaml:2:20: anim.speed 1e-06 makes one cycle 2.4e+09 frames at 30 fps (80 steps); at most 1000000 "
          "are rendered: raise anim.speed, lower --cycles or pass --max-frames");
    r.max_frames = 3e9;
    CHECK(checked_total_frames(tm, r) == 2400000000LL);  // --max-frames raises it
    tm.speed = 20;
    r.max_frames = limits::max_frames;
    r.cycles = 1e12;
    CHECK(frames_error(tm, r) ==
          "--cycles 1e+12: makes 1.2e+14 frames at 30 fps (120 a cycle); at most 1000000 are rendered: lower "
          "--cycles or pass --max-frames");
    for (double bad : {double(INFINITY), double(NAN), -1.0, 0.0}) {
        r.cycles = bad;
        CHECK(frames_error(tm, r).find("the number of cycles must be a positive number") != std::string::npos);
    }
    r.cycles = 1;
    CHECK(checked_total_frames(tm, r) == 120);
    r.duration = 1e300;
    CHECK(frames_error(tm, r) ==
          "--duration 1e+300: makes 3e+301 frames at 30 fps; at most 1000000 are rendered: lower --duration or "
          "--fps, or pass --max-frames");
    r.duration = INFINITY;
    CHECK(frames_error(tm, r) == "--duration inf: the duration must be a positive number of seconds; write e.g. "
                                 "'--duration 10'");
    r.duration = 0;
    tm.period = 0;
    tm.spin = 1e-6;
    r.spin_where = "s.yaml:2:9";
    CHECK(frames_error(tm, r) ==
          "s.yaml:2:9: anim.spin 1e-06 makes one turn 3.76991e+09 frames at 30 fps; at most 1000000 are rendered: "
          "raise anim.spin, give --duration or pass --max-frames");
    tm.fps = 1e-300;
    CHECK(frames_error(tm, r) == "--fps 1e-300: the frame rate must be from 0.01 to 1000; write e.g. '--fps 30'");
    int64_t a = 0, b = 0;
    CHECK_THROWS_AS(parse_frame_range("0:99999999999999999999999", 10, a, b), Error);
    CHECK_THROWS_AS(parse_frame_range("1e3:5", 10, a, b), Error);
}

TEST_CASE("numbers: shapes, indices and keys are checked before any conversion") {
    CHECK(error_of_parse("expr: A @ B\nmatrices:\n  A: {shape: [1e300, 2]}\n") ==
          "s.yaml:3:14: 'matrices.A.shape' is [1e+300, 2], too large (at most 1e+06 per side); use a smaller shape");
    for (const char* v : {"[.inf, 2]", "[.nan, 2]", "[2.5, 2]"})
        CHECK(error_of_parse(std::string("expr: A @ B\nmatrices:\n  A: {shape: ") + v + "}\n") ==
              "s.yaml:3:14: 'matrices.A.shape' must be [rows, cols] (two whole numbers); write 'shape: [32, 24]'");
    for (const char* v : {"[1e300]", "[.nan]", "[-.inf]"})
        CHECK(error_of_parse(std::string("expr: A @ B\nmatrices:\n  A: {file: a.npy, index: ") + v + "}\n")
                  .find("'matrices.A.index' must be a list of whole numbers") != std::string::npos);
    CHECK(error_of_parse("expr: A @ B\nanim: {speed: 1e400}\n") ==
          "s.yaml:2:15: 'anim.speed' is 1e400, out of range; use a value from 1e-06 to 1e+06");
    CHECK(error_of_parse("expr: A @ B\nseed: 18446744073709551616\n") ==
          "s.yaml:2:7: 'seed' must be a whole number from 0 to 2^64-1; write 'seed: 1'");
    CHECK(parse_scene("expr: A @ B\nseed: 18446744073709551615\n", "s.yaml").seed == 18446744073709551615ull);
    CHECK(error_of_parse("expr: A @ B\n? [a, b]\n: 1\n") ==
          "s.yaml:2:3: a key of the scene is a list, not a name; write 'name: value'");
    CHECK(error_of_parse("expr: A @ B\nmatrices:\n  null: {shape: [2, 2]}\n") ==
          "s.yaml:3:3: a key of 'matrices' is YAML's null (null, ~ or nothing before the ':'); to name a matrix "
          "or result 'null', quote it: '\"null\": ...'");
    CHECK(parse_scene("expr: null @ B\nmatrices:\n  \"null\": {shape: [2, 2]}\n", "s.yaml").matrices.count("null"));
    CHECK(error_of_parse("expr: A @ B\nseed: 1\n---\nexpr: C @ D\n") ==
          "s.yaml:3:1: a second YAML document ('---'); a scene file holds one document: remove it or split the file");
    CHECK(error_of_parse("---\nexpr: A @ B\n").empty());  // an explicit start of the one document
}

TEST_CASE("numbers: the camera must be finite and look somewhere") {
    CHECK(error_of_parse("expr: A @ B\ncamera: {position: [1, 2, 3], target: [1, 2, 3]}\n") ==
          "s.yaml:2:20: 'camera.position' equals 'camera.target'; the camera needs a direction: move it");
    CHECK(error_of_parse("expr: A @ B\ncamera: {position: [0, 0, 0]}\n") ==
          "s.yaml:2:20: 'camera.position' equals 'camera.target'; the camera needs a direction: move it");
    for (const char* v : {"[.inf, 0, 0]", "[1e300, 1, 1]", "[.nan, 1, 1]"})
        CHECK(error_of_parse(std::string("expr: A @ B\ncamera: {position: ") + v + "}\n")
                  .find("out of range; use finite coordinates from -1e+06 to 1e+06") != std::string::npos);
}

TEST_CASE("messages: values are cut and escaped, every message is one line") {
    const std::string big(1000000, 'x');
    const std::string e = error_of_parse("expr: A @ B\nanim: {alg: " + big + "}\n");
    CHECK(e.size() < 400);
    CHECK(e.find("unknown alg '" + std::string(60, 'x') + "\u2026 (1000000 bytes)' in 'anim.alg'") != std::string::npos);
    CHECK(shown_value("a\nb\0c"s) == "a\\nb\\x00c");
    CHECK(shown_value("ab\xff\xfe" "cd") == "ab\\xff\\xfecd");
    CHECK(shown_value("h\xc3\xa9") == "h\xc3\xa9");  // valid UTF-8 stays
    CHECK(Error("one\ntwo\0three"s).what() == std::string("one\\ntwo\\x00three"));
    CHECK(error_of_parse("expr: A @ B\nanim: {alg: \"a\\0b\\nc\"}\n").find("'a\\x00b\\nc'") != std::string::npos);
}
