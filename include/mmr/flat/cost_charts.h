// The kv-cache and roofline charts: series made from `mmr stats`' own numbers
// (mmr/stats/cost.h), so a chart and the table never disagree (docs/flat.md#charts).
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "mmr/flat/chart.h"
#include "mmr/stats/cost.h"
#include "mmr/stats/gpus.h"

namespace mmr::flat {

struct NamedCost {
    std::string name;  // the scene's file stem
    SceneCost cost;
};

struct KvChartOptions {
    double context_lo = 1024, context_hi = 131072;  // tokens, log axis (powers of two between)
    long long layers = 1, batch = 1;                // KV of `layers` layers for `batch` requests
};

// One series per attention scene: KV-cache bytes (per token x context x layers x batch)
// at each power of two in the context range (and its ends). Throws naming a scene that
// is not an attention preset.
std::vector<Series> kv_cache_series(const std::vector<NamedCost>& scenes, const KvChartOptions& o);
std::vector<HorizontalLine> gpu_memory_lines(const std::vector<Gpu>& gpus);

// The roof of each GPU at `dtype` (memory slope, then the flat peak) and one series of
// points per scene: each op at (intensity, attainable FLOP/s on the first GPU), labelled.
std::vector<Series> roofline_series(const std::vector<NamedCost>& scenes, const std::vector<Gpu>& gpus,
                                    const std::string& dtype, std::pair<double, double> intensity_range);

// The plotted points as CSV: "series,x,y,label" (what tests compare with `mmr stats`).
std::string series_csv(const std::vector<Series>& series);

// "1k" -> 1024, "128k", "1M", "4096"; throws naming `where`.
double parse_token_count(const std::string& text, const std::string& where);

}  // namespace mmr::flat
