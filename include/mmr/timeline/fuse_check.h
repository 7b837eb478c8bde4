// Fusion (docs/spec/mm-animation.md §6) only joins certain algorithm pairs; a fuse mode
// that can never apply is almost always a mistake in the scene.
#pragma once
#include <string>

#include "mmr/model/model.h"

namespace mmr {

// Throws mmr::Error if anim.fuse is sync/async on an animated scene but no
// parent/child pair in the tree can ever fuse, saying why.
void check_fusion(const Model& model, const std::string& where);

}  // namespace mmr
