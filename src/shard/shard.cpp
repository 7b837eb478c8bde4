#include "mmr/shard/shard.h"

#include <cerrno>
#include <climits>
#include <algorithm>
#include <cstdlib>

namespace mmr::shard {
namespace {

// A whole number 0..INT_MAX written in digits only, or false.
bool parse_int(const std::string& s, long long* out) {
    if (s.empty() || s.size() > 10) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    *out = std::stoll(s);
    return *out <= INT_MAX;
}

[[noreturn]] void bad(const std::string& where, const std::string& what, const std::string& fix) {
    throw ShardError(format_error(where, what, fix));
}

// Reads a variable that must be a whole number if present; returns false if unset.
bool env_int(const Getenv& getenv, const char* name, long long* out) {
    const char* v = getenv(name);
    if (!v) return false;
    if (!parse_int(v, out))
        bad(name, std::string("'") + v + "' is not a whole number",
            "unset it, or give the shard explicitly with --shard I/N");
    return true;
}

Shard from_environment(int shards, const Getenv& getenv) {
    long long id = 0;
    if (env_int(getenv, "SLURM_ARRAY_TASK_ID", &id)) {
        long long min = 0, max = 0, step = 1, count = 0;
        const bool has_min = env_int(getenv, "SLURM_ARRAY_TASK_MIN", &min);
        const bool has_max = env_int(getenv, "SLURM_ARRAY_TASK_MAX", &max);
        const bool has_count = env_int(getenv, "SLURM_ARRAY_TASK_COUNT", &count);
        if (env_int(getenv, "SLURM_ARRAY_TASK_STEP", &step) && step < 1)
            bad("SLURM_ARRAY_TASK_STEP", "'" + std::to_string(step) + "' is not a positive step",
                "submit the array with a step of 1 or more");
        if (!has_count && !(has_min && has_max))
            bad("SLURM_ARRAY_TASK_ID", "is set but neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MIN/MAX",
                "run inside a job array (sbatch --array=0-15), or give --shard I/N");
        if (has_min && has_max && max < min)
            bad("SLURM_ARRAY_TASK_MAX", std::to_string(max) + " is below SLURM_ARRAY_TASK_MIN " + std::to_string(min),
                "give --shard I/N");
        if (!has_count) count = (max - min) / step + 1;
        if (shards > 0 && shards != count)
            bad("--shards " + std::to_string(shards),
                "differs from the job array's " + std::to_string(count) + " tasks (SLURM_ARRAY_TASK_COUNT)",
                "leave --shards out under Slurm");
        if (has_min && (id < min || (id - min) % step != 0))
            bad("SLURM_ARRAY_TASK_ID", std::to_string(id) + " is not a task of the array starting at " +
                                            std::to_string(min) + " with step " + std::to_string(step),
                "give --shard I/N");
        Shard s;
        s.index = int(has_min ? (id - min) / step : id);
        s.count = int(count);
        s.source = "SLURM_ARRAY_TASK_ID=" + std::to_string(id);
        if (count < 1) bad("SLURM_ARRAY_TASK_COUNT", "0 tasks", "give --shard I/N");
        if (s.index >= s.count)
            bad("SLURM_ARRAY_TASK_ID", std::to_string(id) + " is task " + std::to_string(s.index) + " of only " +
                                            std::to_string(count) + " (SLURM_ARRAY_TASK_COUNT/MIN/MAX)",
                "number the array from 0 (--array=0-" + std::to_string(count - 1) + "), or give --shard I/N");
        return s;
    }
    const char* engine = nullptr;
    long long index = 0;
    if (env_int(getenv, "JOB_COMPLETION_INDEX", &index)) {
        engine = "JOB_COMPLETION_INDEX";
    } else if (env_int(getenv, "PARALLEL_SEQ", &index)) {
        engine = "PARALLEL_SEQ";
        if (index < 1) bad("PARALLEL_SEQ", "'0' is not a GNU parallel job number (they start at 1)", "give --shard I/N");
        index -= 1;
    } else {
        bad("--shard auto",
            "no shard index in the environment (SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or PARALLEL_SEQ)",
            "run it as a Slurm array task, a Kubernetes Indexed Job or under GNU parallel, or give --shard I/N");
    }
    if (shards <= 0)
        bad(std::string("--shard auto"), std::string(engine) + " gives the index but not the number of shards",
            engine == std::string("PARALLEL_SEQ") ? "add --shards N (the number of jobs given to parallel)"
                                                  : "add --shards N (the Job's completions)");
    Shard s;
    s.index = int(index);
    s.count = shards;
    s.source = std::string(engine) + "=" + getenv(engine);
    if (s.index >= s.count)
        bad(engine, std::string(getenv(engine)) + " is out of range for --shards " + std::to_string(shards),
            "give --shards as the number of tasks");
    return s;
}

}  // namespace

std::string Shard::text() const { return std::to_string(index) + "/" + std::to_string(count); }

Shard parse_shard(const std::string& text, int shards, const Getenv& getenv_in) {
    Getenv getenv = getenv_in ? getenv_in : Getenv([](const char* n) -> const char* { return std::getenv(n); });
    if (shards < 0) bad("--shards " + std::to_string(shards), "is negative", "give the number of shards, 1 or more");
    if (text.empty()) {
        if (shards > 0) bad("--shards", "is given without --shard", "add --shard auto");
        return {};
    }
    if (text == "auto") return from_environment(shards, getenv);
    const size_t slash = text.find('/');
    long long i = 0, n = 0;
    if (slash == std::string::npos || !parse_int(text.substr(0, slash), &i) || !parse_int(text.substr(slash + 1), &n))
        bad("--shard " + text, "is not I/N or auto", "write e.g. --shard 0/4 (the first of 4 shards) or --shard auto");
    if (n == 0) bad("--shard " + text, "0 shards", "N must be 1 or more, e.g. --shard 0/4");
    if (i >= n)
        bad("--shard " + text, "shard " + std::to_string(i) + " is out of range (shards are numbered 0 to " +
                                   std::to_string(n - 1) + ")",
            "write --shard " + std::to_string(n - 1) + "/" + std::to_string(n) + " for the last");
    if (shards > 0 && shards != n)
        bad("--shards " + std::to_string(shards), "differs from --shard " + text, "leave --shards out");
    Shard s;
    s.index = int(i);
    s.count = int(n);
    s.source = "--shard " + text;
    return s;
}

Range share(int64_t items, int index, int count) {
    const int64_t base = items / count, extra = items % count;
    Range r;
    r.begin = index * base + std::min<int64_t>(index, extra);
    r.end = r.begin + base + (index < extra ? 1 : 0);
    return r;
}

Range video_share(int64_t frames, int segment, int index, int count) {
    const int64_t segments = (frames + segment - 1) / segment;
    const Range s = share(segments, index, count);
    Range r;
    r.begin = std::min(frames, s.begin * segment);
    r.end = std::min(frames, s.end * segment);
    return r;
}

}  // namespace mmr::shard
