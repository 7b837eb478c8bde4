#include "mmr/scene/settings.h"

namespace mmr {

template <class T>
static void take(T& dst, const std::optional<T>& src) {
    if (src) dst = *src;
}

void overlay(AnimSettings& s, const AnimOverride& o) {
    take(s.alg, o.alg);
    take(s.fuse, o.fuse);
    take(s.speed, o.speed);
    take(s.spin, o.spin);
    take(s.hide_inputs, o.hide_inputs);
    take(s.scratch, o.scratch);
}

void overlay(LayoutSettings& s, const LayoutOverride& o) {
    take(s.scheme, o.scheme);
    take(s.gap, o.gap);
    take(s.scatter, o.scatter);
    take(s.blast, o.blast);
    take(s.molecule, o.molecule);
}

void overlay(DecoSettings& s, const DecoOverride& o) {
    take(s.legends, o.legends);
    take(s.row_guides, o.row_guides);
    take(s.flow_guides, o.flow_guides);
    take(s.shape, o.shape);
    take(s.axes, o.axes);
}

void overlay(VizSettings& s, const VizOverride& o) {
    take(s.sensitivity, o.sensitivity);
    take(s.min_size, o.min_size);
    take(s.min_light, o.min_light);
    take(s.max_light, o.max_light);
    take(s.elem_scale, o.elem_scale);
    take(s.zero_hue, o.zero_hue);
    take(s.hue_gap, o.hue_gap);
    take(s.hue_spread, o.hue_spread);
}

}  // namespace mmr
