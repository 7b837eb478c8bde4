// Layout schemes (docs/spec/mm-layout.md §6): a child's orientation from its parent's.
#pragma once
#include <string>

#include "mmr/scene/settings.h"

namespace mmr {

const char* const kSchemes[] = {"blocks", "zigzag", "wheel", "custom"};
bool is_scheme(const std::string& s);

// For "custom" the parent's orientation is returned (the child keeps it unless
// the scene gives explicit keys).
Orientation child_orientation(const std::string& scheme, const Orientation& parent,
                              bool left_child);

}  // namespace mmr
