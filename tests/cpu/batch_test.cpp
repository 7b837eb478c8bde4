// Many scenes per command (issue #10 part 4): inputs, templates, brace lists,
// collisions and the process pool.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "mmr/batch/batch.h"
#include "temp_dir.h"
#include "mmr/core/error.h"
#include "mmr/record/record.h"

using namespace mmr;
using namespace mmr::batch;

namespace {
void touch(const std::string& p) { std::ofstream(p) << "expr: A @ B\n"; }
}  // namespace

TEST_CASE("expand_braces: lists, several groups, tokens kept") {
    CHECK(expand_braces("web/x.{mp4,gif}") == std::vector<std::string>{"web/x.mp4", "web/x.gif"});
    CHECK(expand_braces("out/{name}.png") == std::vector<std::string>{"out/{name}.png"});
    CHECK(expand_braces("{a,b}/{name}-{1,2}.png") ==
          std::vector<std::string>{"a/{name}-1.png", "a/{name}-2.png", "b/{name}-1.png", "b/{name}-2.png"});
    CHECK(expand_braces("f{,-hd}.png") == std::vector<std::string>{"f.png", "f-hd.png"});
    CHECK(expand_braces("frames/{name}/f{frame:04}.png") == std::vector<std::string>{"frames/{name}/f{frame:04}.png"});
}

TEST_CASE("fill_template: name, stem, dir, step, frame") {
    Input in{"scenes/sub/head.v2.yaml", "head.v2", "scenes/sub/head.v2", "scenes/sub"};
    CHECK(fill_template("figs/{name}.png", in, -1, false, "-o") == "figs/head.v2.png");
    CHECK(fill_template("out/{stem}.png", in, -1, false, "-o") == "out/scenes/sub/head.v2.png");
    CHECK(fill_template("{dir}/{name}-{step}.png", in, 7, false, "-o") == "scenes/sub/head.v2-7.png");
    CHECK(fill_template("f/{name}/{frame:04}.png", in, -1, true, "-o") == "f/head.v2/{frame:04}.png");
    CHECK_THROWS_WITH_AS(fill_template("{nme}.png", in, -1, false, "-o {nme}.png"),
                         doctest::Contains("did you mean {name}?"), Error);
    CHECK_THROWS_WITH_AS(fill_template("{frame:04}.png", in, -1, false, "-o x"), doctest::Contains("a still has one picture"),
                         Error);
    CHECK_THROWS_WITH_AS(fill_template("{step}.png", in, -1, false, "-o x"), doctest::Contains("give --step"), Error);
    CHECK(has_scene_token("a/{stem}.png"));
    CHECK_FALSE(has_scene_token("a/{frame:04}.png"));
    CHECK(has_step_token("a{step}.png"));
}

TEST_CASE("expand_inputs: files, folders, patterns, links, duplicates") {
    const mmr::test::TempDir tmp;
    const std::string d = tmp.path;
    REQUIRE(!d.empty());
    mkdir((d + "/s").c_str(), 0755);
    touch(d + "/s/b.yaml");
    touch(d + "/s/a.yml");
    touch(d + "/s/notes.txt");
    mkdir((d + "/empty").c_str(), 0755);
    auto no_link = [](const std::string& a) { return a.rfind("https://", 0) == 0; };
    auto in = expand_inputs({d + "/s", d + "/s/b.yaml", "https://x/?params=1"}, no_link);
    REQUIRE(in.size() == 3);
    CHECK(in[0].path == d + "/s/a.yml");
    CHECK(in[0].name == "a");
    CHECK(in[0].dir == d + "/s");
    CHECK(in[0].stem == d + "/s/a");
    CHECK(in[1].path == d + "/s/b.yaml");
    CHECK(in[2].name == "link-1");
    in = expand_inputs({d + "/s/*.yaml"}, no_link);
    REQUIRE(in.size() == 1);
    CHECK(in[0].name == "b");
    CHECK_THROWS_WITH_AS(expand_inputs({d + "/empty"}, no_link), doctest::Contains("holds no scene"), Error);
    CHECK_THROWS_WITH_AS(expand_inputs({d + "/s/*.json"}, no_link), doctest::Contains("no file matches"), Error);
    // A missing file is kept: rendering it fails and the summary names it.
    CHECK(expand_inputs({d + "/missing.yaml"}, no_link).size() == 1);
}

TEST_CASE("check_collisions: two scenes to one file is an error before rendering") {
    Job a{{"x/head.yaml", "head", "x/head", "x"}, 0, {"out/head.png"}};
    Job b{{"y/head.yaml", "head", "y/head", "y"}, 0, {"out/head.png"}};
    CHECK_THROWS_WITH_AS(check_collisions({a, b}, "-o out/{name}.png"),
                         doctest::Contains("x/head.yaml and y/head.yaml both write out/head.png"), Error);
    b.outputs = {"out/y-head.png"};
    CHECK_NOTHROW(check_collisions({a, b}, "-o x"));
    Job s1{{"a.yaml", "a", "a", "."}, 1, {"a.png"}}, s2{{"a.yaml", "a", "a", "."}, 2, {"a.png"}};
    CHECK_THROWS_WITH_AS(check_collisions({s1, s2}, "-o a.png"), doctest::Contains("put {step}"), Error);
}

TEST_CASE("run_jobs: every job runs once in a child, statuses in order, a failure does not stop the rest") {
    std::vector<Job> jobs;
    for (int i = 0; i < 5; ++i) jobs.push_back(Job{{"s" + std::to_string(i), "", "", "."}, i, {}});
    for (int parallel : {1, 2, 8}) {
        const std::vector<int> st = run_jobs(jobs, parallel, [](const Job& j) {
            if (j.step == 3) throw Error("s3: broken");
            return j.step == 1 ? 7 : 0;
        });
        CHECK(st == std::vector<int>{0, 7, 0, 1, 0});
    }
    const std::string line = summary("still", jobs, {0, 7, 0, 1, 0});
    CHECK(line == "mmr still: 3 of 5 renders succeeded; failed: s1 --step 1 (exit 7), s3 --step 3 (exit 1)");
}

TEST_CASE("render record: text round trip, unknown keys ignored, malformed values refused") {
    RenderRecord r;
    r.width = 640, r.height = 360, r.seed = 18446744073709551615ull, r.scale = 1.5, r.theme = "light";
    r.background = "transparent", r.aa = "msaa", r.msaa = 2, r.step = 12, r.fit = true, r.margin = 0.1;
    r.version = "0.1.0";
    const std::string t = record_text(r);
    RenderRecord b = parse_record(t + "future=1\n", "x.png");
    CHECK(record_text(b) == t);
    CHECK(b.seed == 18446744073709551615ull);
    CHECK_THROWS_WITH_AS(parse_record("size=10x10\n", "x.png"), doctest::Contains("x.png: its mmr:render text has a malformed size"),
                         Error);
    CHECK_THROWS_AS(parse_record("aa=blur\n", "x.png"), Error);
}
