// Shards: --shard I/N and auto (each engine's variables), the shares of items and
// of segmented videos, and the part files (header, truncation, damage).
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>

#include "mmr/shard/part.h"
#include "mmr/shard/shard.h"

using namespace mmr;
using namespace mmr::shard;

namespace {

Getenv env(std::map<std::string, std::string> vars) {
    auto held = std::make_shared<std::map<std::string, std::string>>(std::move(vars));
    return [held](const char* name) -> const char* {
        auto it = held->find(name);
        return it == held->end() ? nullptr : it->second.c_str();
    };
}

std::string error_of(const std::string& text, int shards, std::map<std::string, std::string> vars) {
    try {
        parse_shard(text, shards, env(std::move(vars)));
    } catch (const ShardError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("shard: --shard I/N, and its bad values name the option") {
    Shard s = parse_shard("2/7", 0, env({}));
    CHECK(s.index == 2);
    CHECK(s.count == 7);
    CHECK(s.source == "--shard 2/7");
    CHECK_FALSE(parse_shard("", 0, env({})).active());
    CHECK(error_of("7/7", 0, {}) ==
          "--shard 7/7: shard 7 is out of range (shards are numbered 0 to 6); write --shard 6/7 for the last");
    CHECK(error_of("0/0", 0, {}) == "--shard 0/0: 0 shards; N must be 1 or more, e.g. --shard 0/4");
    CHECK(error_of("1-4", 0, {}).rfind("--shard 1-4: is not I/N or auto", 0) == 0);
    CHECK(error_of("-1/4", 0, {}).rfind("--shard -1/4: is not I/N", 0) == 0);
    CHECK(error_of("", 4, {}).rfind("--shards: is given without --shard", 0) == 0);
}

TEST_CASE("shard: --shard auto reads Slurm, Kubernetes and GNU parallel variables") {
    Shard s = parse_shard("auto", 0, env({{"SLURM_ARRAY_TASK_ID", "3"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}));
    CHECK(s.text() == "3/4");
    CHECK(s.source == "SLURM_ARRAY_TASK_ID=3");
    // An array numbered 1-8 with MIN/MAX only: task 1 is shard 0.
    s = parse_shard("auto", 0, env({{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_MIN", "1"}, {"SLURM_ARRAY_TASK_MAX", "8"}}));
    CHECK(s.text() == "0/8");
    // With a step: --array=0-30:10 is 4 tasks.
    s = parse_shard("auto", 0, env({{"SLURM_ARRAY_TASK_ID", "20"}, {"SLURM_ARRAY_TASK_MIN", "0"},
                                    {"SLURM_ARRAY_TASK_MAX", "30"}, {"SLURM_ARRAY_TASK_STEP", "10"}}));
    CHECK(s.text() == "2/4");
    s = parse_shard("auto", 5, env({{"JOB_COMPLETION_INDEX", "4"}}));
    CHECK(s.text() == "4/5");
    CHECK(s.source == "JOB_COMPLETION_INDEX=4");
    s = parse_shard("auto", 3, env({{"PARALLEL_SEQ", "3"}}));
    CHECK(s.text() == "2/3");  // GNU parallel counts jobs from 1
    // Slurm wins over the others when several are set.
    s = parse_shard("auto", 0, env({{"SLURM_ARRAY_TASK_ID", "0"}, {"SLURM_ARRAY_TASK_COUNT", "2"}, {"PARALLEL_SEQ", "2"}}));
    CHECK(s.text() == "0/2");
}

TEST_CASE("shard: malformed or missing engine variables are named") {
    CHECK(error_of("auto", 0, {{"SLURM_ARRAY_TASK_ID", "x3"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}) ==
          "SLURM_ARRAY_TASK_ID: 'x3' is not a whole number; unset it, or give the shard explicitly with --shard I/N");
    CHECK(error_of("auto", 0, {{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_COUNT", "four"}})
              .rfind("SLURM_ARRAY_TASK_COUNT: 'four' is not a whole number", 0) == 0);
    CHECK(error_of("auto", 0, {{"SLURM_ARRAY_TASK_ID", "1"}})
              .rfind("SLURM_ARRAY_TASK_ID: is set but neither SLURM_ARRAY_TASK_COUNT nor", 0) == 0);
    CHECK(error_of("auto", 0, {{"SLURM_ARRAY_TASK_ID", "4"}, {"SLURM_ARRAY_TASK_COUNT", "4"}})
              .rfind("SLURM_ARRAY_TASK_ID: 4 is task 4 of only 4", 0) == 0);
    CHECK(error_of("auto", 0, {{"JOB_COMPLETION_INDEX", " 2"}}).rfind("JOB_COMPLETION_INDEX: ' 2' is not a whole number", 0) == 0);
    CHECK(error_of("auto", 0, {{"JOB_COMPLETION_INDEX", "2"}}) ==
          "--shard auto: JOB_COMPLETION_INDEX gives the index but not the number of shards; add --shards N (the Job's completions)");
    CHECK(error_of("auto", 2, {{"JOB_COMPLETION_INDEX", "2"}}).rfind("JOB_COMPLETION_INDEX: 2 is out of range for --shards 2", 0) == 0);
    CHECK(error_of("auto", 4, {{"PARALLEL_SEQ", "0"}}).rfind("PARALLEL_SEQ: '0' is not a GNU parallel job number", 0) == 0);
    CHECK(error_of("auto", 0, {}).rfind("--shard auto: no shard index in the environment", 0) == 0);
    CHECK(error_of("auto", 3, {{"SLURM_ARRAY_TASK_ID", "0"}, {"SLURM_ARRAY_TASK_COUNT", "4"}})
              .rfind("--shards 3: differs from the job array's 4 tasks", 0) == 0);
}

TEST_CASE("shard: shares are contiguous, cover every item once and differ by at most one") {
    for (int64_t items : {0, 1, 5, 10, 11, 100}) {
        for (int n : {1, 2, 3, 7, 16}) {
            int64_t next = 0, lo = items, hi = 0;
            for (int i = 0; i < n; ++i) {
                Range r = share(items, i, n);
                CHECK(r.begin == next);
                next = r.end;
                lo = std::min(lo, r.size());
                hi = std::max(hi, r.size());
            }
            CHECK(next == items);
            CHECK(hi - lo <= 1);
        }
    }
    CHECK(share(10, 0, 3).size() == 4);  // the first shards take the extra items
    CHECK(share(10, 2, 3).begin == 7);
}

TEST_CASE("shard: a video's share is whole segments; the last segment may be short") {
    // 640 frames in segments of 120: 6 segments (the last 40 frames).
    CHECK(video_share(640, 120, 0, 2).begin == 0);
    CHECK(video_share(640, 120, 0, 2).end == 360);
    CHECK(video_share(640, 120, 1, 2).end == 640);
    Range r = video_share(640, 120, 2, 3);
    CHECK(r.begin == 480);
    CHECK(r.end == 640);
    CHECK(video_share(640, 120, 6, 7).empty());  // 6 segments, 7 shards: the last has none
    for (int n : {1, 2, 3, 7}) {
        int64_t next = 0;
        for (int i = 0; i < n; ++i) {
            Range v = video_share(641, 30, i, n);
            if (v.empty()) continue;
            CHECK(v.begin == next);
            CHECK(v.begin % 30 == 0);
            next = v.end;
        }
        CHECK(next == 641);
    }
}

TEST_CASE("shard: part file names, identity and the FNV-1a hash") {
    CHECK(part_path("parts/", "long", 120, 239) == "parts/long.f000120-000239.mmrpart");
    CHECK(fnv1a_hex("") == "cbf29ce484222325");
    CHECK(fnv1a_hex("a") == "af63dc4c8601ec8c");
    std::string h1, h2;
    CHECK(render_identity({{"crf", "20"}, {"fps", "30"}}, &h1) == R"({"crf":"20","fps":"30"})");
    render_identity({{"crf", "23"}, {"fps", "30"}}, &h2);
    CHECK(h1 != h2);
}
