// SceneSpec -> Model: expression tree, effective settings (docs/spec/mm-params.md §5),
// shapes, block propagation and values.
#pragma once
#include "mmr/model/model.h"
#include "mmr/scene/scene_spec.h"

namespace mmr {

struct BuildOptions {
    // Refuse scenes whose matrices would need more than this many bytes.
    double memory_limit_bytes = 0;  // 0 = 3/4 of physical memory
};

// Builds the tree and settings without computing values (cheap; for checks).
Model build_structure(const SceneSpec& scene);

// Builds everything, values included. Throws mmr::Error on bad input.
Model build_model(const SceneSpec& scene, const BuildOptions& opts = {});

// Bytes the model's matrices and draw data will need (for the memory check).
double estimate_bytes(const Model& model);

}  // namespace mmr
