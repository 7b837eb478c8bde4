// Text laid over a picture (`mmr still --overlay stats`): lines beside a matmul's
// result matrix, and a panel in the top-left corner facing the camera. Drawn in the
// scene's text colour, like the legends.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "mmr/draw/draw_list.h"
#include "mmr/layout/layout.h"
#include "mmr/model/model.h"

namespace mmr {

struct Overlay {
    std::map<std::string, std::vector<std::string>> labels;  // result name -> lines under it
    std::vector<std::string> panel;                          // corner panel lines
    bool empty() const { return labels.empty() && panel.empty(); }
};

void add_overlay(const Overlay& ov, const Model& model, const Layout& layout, DrawList& dl);

}  // namespace mmr
