// Shards: one render (or one list of scenes) split over N processes, each taking
// a contiguous share. The index comes from --shard I/N or, with --shard auto, from
// the environment of the engine that started the process (docs/cluster.md):
//   Slurm job array   SLURM_ARRAY_TASK_ID, with SLURM_ARRAY_TASK_COUNT or
//                     SLURM_ARRAY_TASK_MIN/MAX (and SLURM_ARRAY_TASK_STEP)
//   Kubernetes        JOB_COMPLETION_INDEX (Indexed Job), with --shards N
//   GNU parallel      PARALLEL_SEQ (1-based job number), with --shards N
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "mmr/core/error.h"

namespace mmr::shard {

// Bad --shard/--shards values or engine variables, and join's refusals: exit 2.
struct ShardError : Error {
    using Error::Error;
};

struct Shard {
    int index = 0, count = 0;  // count 0: not sharded
    std::string source;        // where the index came from: "--shard 1/4", "SLURM_ARRAY_TASK_ID=3"
    bool active() const { return count > 0; }
    std::string text() const;  // "1/4"
};

using Getenv = std::function<const char*(const char*)>;

// Parses --shard ("I/N", I from 0 to N-1, or "auto") with --shards N (0 = not
// given; "auto" needs it for Kubernetes and GNU parallel, and checks it against
// Slurm's count). Empty text: not sharded (then --shards must not be given).
// Throws ShardError naming the option or the environment variable.
Shard parse_shard(const std::string& text, int shards, const Getenv& getenv = nullptr);

// Items [begin, end) of a share.
struct Range {
    int64_t begin = 0, end = 0;
    int64_t size() const { return end - begin; }
    bool empty() const { return end <= begin; }
};

// Shard `index` of `count` of `items`: contiguous, in order, sizes differing by at
// most one (the first items % count shards take one more).
Range share(int64_t items, int index, int count);

// The frames [begin, end) (counted from the render's first frame) of shard `index`
// of `count` of a video of `frames` frames encoded in segments of `segment`
// frames: whole segments, shared out as share() shares items. A shard may get
// none when there are fewer segments than shards.
Range video_share(int64_t frames, int segment, int index, int count);

}  // namespace mmr::shard
