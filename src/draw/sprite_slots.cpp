#include "mmr/draw/sprite_slots.h"

#include <algorithm>

namespace mmr::slot_runs {

void normalize(std::vector<SlotRun>& runs) {
    runs.erase(std::remove_if(runs.begin(), runs.end(), [](const SlotRun& r) { return r.end <= r.begin; }),
               runs.end());
    std::sort(runs.begin(), runs.end(), [](const SlotRun& a, const SlotRun& b) { return a.begin < b.begin; });
    size_t out = 0;
    for (size_t i = 0; i < runs.size(); ++i) {
        if (out > 0 && runs[i].begin <= runs[out - 1].end)
            runs[out - 1].end = std::max(runs[out - 1].end, runs[i].end);
        else
            runs[out++] = runs[i];
    }
    runs.resize(out);
}

std::vector<SlotRun> unite(const std::vector<SlotRun>& a, const std::vector<SlotRun>& b) {
    std::vector<SlotRun> out;
    out.reserve(a.size() + b.size());
    std::merge(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out),
               [](const SlotRun& x, const SlotRun& y) { return x.begin < y.begin; });
    normalize(out);
    return out;
}

uint64_t count(const std::vector<SlotRun>& runs) {
    uint64_t n = 0;
    for (const SlotRun& r : runs) n += r.size();
    return n;
}

void split(const SlotRun& run, const std::vector<SlotRun>& set, bool inside, std::vector<SlotRun>& out) {
    // The first run of the set that may overlap: the last one beginning at or before run.begin.
    auto it = std::upper_bound(set.begin(), set.end(), run.begin,
                               [](uint32_t v, const SlotRun& r) { return v < r.begin; });
    if (it != set.begin()) --it;
    uint32_t at = run.begin;  // slots before `at` are done
    for (; it != set.end() && it->begin < run.end; ++it) {
        const uint32_t b = std::max(it->begin, run.begin), e = std::min(it->end, run.end);
        if (e <= b) continue;
        if (!inside && b > at) out.push_back({at, b});
        if (inside) out.push_back({b, e});
        at = e;
    }
    if (!inside && at < run.end) out.push_back({at, run.end});
}

}  // namespace mmr::slot_runs
