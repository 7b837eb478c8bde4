#include "sheet.h"

#include <algorithm>

#include "mmr/draw/build_draw_list.h"

namespace mmr::timeline {

Sheet::Sheet(const MatrixPlacement& mp, const Matrix* data, const MagnitudeRange& range,
             const VizSettings& viz, double guide_level)
    : mp_(mp), data_(data), range_(range), viz_(viz), guide_level_(guide_level),
      mode_(data->size(), ElementMode::Shown) {}

Sheet::Sheet(const MatrixPlacement& mp, Matrix owned, const MagnitudeRange& range,
             const VizSettings& viz, double guide_level)
    : mp_(mp), data_(&own_), own_(std::move(owned)), range_(range), viz_(viz),
      guide_level_(guide_level), mode_(own_.size(), ElementMode::Shown) {}

void Sheet::set(ElementMode m, int r0, int r1, int c0, int c1) {
    r0 = std::max(r0, 0);
    c0 = std::max(c0, 0);
    r1 = std::min(r1, data_->h);
    c1 = std::min(c1, data_->w);
    for (int r = r0; r < r1; ++r)
        std::fill_n(mode_.begin() + std::ptrdiff_t(index(r, c0)), std::max(0, c1 - c0), m);
    points_valid_ = false;
    mark(r0, r1, c0, c1);
}

void Sheet::touch(ElementMode m, int r0, int r1, int c0, int c1) {
    if (!scratch || m == ElementMode::Hidden) return set(m, r0, r1, c0, c1);
    r0 = std::max(r0, 0);
    c0 = std::max(c0, 0);
    r1 = std::min(r1, data_->h);
    c1 = std::min(c1, data_->w);
    for (int r = r0; r < r1; ++r)
        for (int c = c0; c < c1; ++c)
            if (mode_[index(r, c)] != ElementMode::Hidden) mode_[index(r, c)] = m;
    points_valid_ = false;
    mark(r0, r1, c0, c1);
}

void Sheet::mark(int r0, int r1, int c0, int c1) {
    if (slots_all_ || r1 <= r0 || c1 <= c0) return;
    // Beyond a few rectangles a step rewrites most of the sheet anyway.
    if (dirty_.size() >= 16) {
        slots_all_ = true;
        dirty_.clear();
        return;
    }
    dirty_.push_back({r0, r1, c0, c1});
}

bool Sheet::drawn(int r, int c) const {
    return mode(r, c) != ElementMode::Hidden && element_look(data_->at(r, c), range_, viz_).size > 0;
}

Matrix& Sheet::own_data() {
    if (data_ != &own_) {
        own_ = *data_;
        data_ = &own_;
    }
    return own_;
}

void Sheet::data_changed() {
    look_valid_ = false;
    points_valid_ = false;
    slots_all_ = true;
}

void Sheet::move(const glm::dmat4& frame) {
    if (frame == mp_.frame) return;
    mp_.frame = frame;
    pos_valid_ = points_valid_ = lines_valid_ = false;
    slots_all_ = true;
}

void Sheet::show_guides(bool on) {
    if (guides == on) return;
    guides = on;
    lines_valid_ = false;
}

void Sheet::emit_points(std::vector<PointVertex>& out, int width, int height) {
    // Sprite diameter numerator (docs/spec/mm-look.md §3.2), with this matrix's own elem scale.
    const float px = float(viz_.elem_scale) * float(std::min(width, height));
    if (!points_valid_ || px != points_px_) {
        const Matrix& m = *data_;
        ensure_look_and_pos();
        points_.clear();
        for (size_t e = 0; e < m.size(); ++e) {
            const ElementMode md = mode_[e];
            const ElementLook& lk = look_[e];
            if (md == ElementMode::Hidden || lk.size <= 0) continue;  // size 0: not drawn
            const float k = md == ElementMode::Highlighted ? kHighlightScale : 1.0f;
            const glm::vec3& p = pos_[e];
            points_.push_back({p.x, p.y, p.z, lk.size * px, lk.rgb[0] * k, lk.rgb[1] * k, lk.rgb[2] * k});
        }
        points_valid_ = true;
        points_px_ = px;
    }
    out.insert(out.end(), points_.begin(), points_.end());
}

void Sheet::ensure_look_and_pos() {
    const Matrix& m = *data_;
    if (!look_valid_) {
        look_.resize(m.size());
        for (size_t e = 0; e < m.size(); ++e) look_[e] = element_look(m.v[e], range_, viz_);
        look_valid_ = true;
    }
    if (!pos_valid_) {
        pos_.resize(m.size());
        for (int r = 0; r < m.h; ++r)
            for (int c = 0; c < m.w; ++c) pos_[index(r, c)] = glm::vec3(mp_.element(r, c));
        pos_valid_ = true;
    }
}

// The vertex emit_points would give element e, or a hidden slot.
PointVertex Sheet::slot_vertex(size_t e, float px) const {
    const ElementMode md = mode_[e];
    const ElementLook& lk = look_[e];
    const glm::vec3& p = pos_[e];
    if (md == ElementMode::Hidden || lk.size <= 0) return {p.x, p.y, p.z, kHiddenSprite, 0, 0, 0};
    const float k = md == ElementMode::Highlighted ? kHighlightScale : 1.0f;
    return {p.x, p.y, p.z, lk.size * px, lk.rgb[0] * k, lk.rgb[1] * k, lk.rgb[2] * k};
}

void Sheet::write_slots(SpriteSlots& slots, float px, std::vector<SlotRun>& changed) {
    const size_t n = data_->size();
    if (slot_base_ < 0) {
        slot_base_ = int64_t(slots.v.size());
        slots.v.resize(slots.v.size() + n);
        slots_all_ = true;
    }
    if (px != slots_px_) slots_all_ = true;
    if (!slots_all_ && dirty_.empty()) return;
    ensure_look_and_pos();
    PointVertex* out = slots.v.data() + slot_base_;
    const uint32_t base = uint32_t(slot_base_);
    if (slots_all_) {
        for (size_t e = 0; e < n; ++e) out[e] = slot_vertex(e, px);
        changed.push_back({base, uint32_t(base + n)});
    } else {
        for (const Rect& d : dirty_)
            for (int r = d.r0; r < d.r1; ++r) {
                const size_t e0 = index(r, d.c0), e1 = index(r, d.c1 - 1) + 1;
                for (size_t e = e0; e < e1; ++e) out[e] = slot_vertex(e, px);
                changed.push_back({uint32_t(base + e0), uint32_t(base + e1)});
            }
    }
    dirty_.clear();
    slots_all_ = false;
    slots_px_ = px;
}

void Sheet::emit_guides(std::vector<LineVertex>& out) {
    if (!guides) return;
    if (!lines_valid_) {
        lines_.clear();
        add_row_guides(mp_, guide_level_, lines_, viz_.ink ? ThemeKind::Light : ThemeKind::Dark);
        lines_valid_ = true;
    }
    out.insert(out.end(), lines_.begin(), lines_.end());
}

}  // namespace mmr::timeline
