// `mmr still --overlay stats`: each drawn matmul's FLOPs, bytes, intensity and bound
// (for a preset, the whole layer's op that the drawn matmul stands for) and a totals panel.
#pragma once
#include <string>

#include "mmr/draw/overlay.h"
#include "mmr/scene/scene_spec.h"
#include "mmr/stats/cost.h"
#include "mmr/stats/gpus.h"

namespace mmr {

// The costs of a scene: the whole attention layer for presets, else every matmul.
SceneCost scene_cost(const SceneSpec& spec, const std::string& dtype_override);

Overlay stats_overlay(const SceneSpec& spec, const Gpu& gpu, const std::string& dtype_override = "");

}  // namespace mmr
