// SceneCost -> text: an aligned table, JSON (schema "mmr-stats/1", docs/stats.md) or CSV.
#pragma once
#include <string>
#include <vector>

#include "mmr/stats/cost.h"
#include "mmr/stats/gpus.h"

namespace mmr {

std::string stats_table(const std::string& scene, const SceneCost& c, const std::vector<Gpu>& gpus);
std::string stats_json(const std::string& scene, const SceneCost& c, const std::vector<Gpu>& gpus);
std::string stats_csv(const SceneCost& c, const std::vector<Gpu>& gpus);

// "25.2 G", "1.5 k", "512": three significant digits and an SI prefix.
std::string si(double v);
// "12.3 µs", "4.56 ms", "1.2 s"
std::string seconds_text(double s);

}  // namespace mmr
