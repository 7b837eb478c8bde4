// mmr::Animation: the public face of the timeline state.
#include "mmr/timeline/animation.h"

#include "state.h"

namespace mmr {

using timeline::State;

Animation::Animation(const Model& model, const Layout& layout)
    : st_(std::make_unique<State>(model, layout)) {}
Animation::~Animation() = default;

bool Animation::animated() const { return st_->schedule->animated(); }
int Animation::period() const { return st_->period; }
int Animation::step() const { return st_->step; }

void Animation::advance() {
    if (!animated()) return;
    st_->schedule->step(*st_);
    ++st_->step;
}

void Animation::seek(int n) {
    if (n < 1) n = 1;
    // Each state derives from the previous one (the vvprod/axpy running sums and
    // mm's quirks carry over), so going back means replaying from step 1.
    if (n < st_->step) st_->restart();
    while (animated() && st_->step < n) advance();
}

MatrixView Animation::matrix(const Node& n) const { return MatrixView(&st_->sheet(n)); }

std::vector<Intermediate> Animation::intermediates() const {
    std::vector<Intermediate> out;
    for (const auto& t : st_->schedule->tracks()) {
        const auto& v = st_->inter_by_id[size_t(t->node->id)];
        if (!v) continue;
        for (size_t n = 0; n < v->interiors.size(); ++n) {
            if (!v->interiors[n]->active) continue;
            const auto& b = v->triples[n];
            out.push_back({Intermediate::Kind::Interior, t->node, b[0], b[1], b[2],
                           MatrixView(v->interiors[n].get())});
        }
        for (size_t n = 0; n < v->planes.size(); ++n) {
            if (!v->planes[n]->active) continue;
            out.push_back({Intermediate::Kind::PartialPlane, t->node, -1, v->plane_blocks[n], -1,
                           MatrixView(v->planes[n].get())});
        }
    }
    return out;
}

int Animation::cursor(const Node& matmul) const {
    const timeline::Track* t = st_->schedule->track(matmul);
    return t ? t->index() : -2;
}

const MatrixPlacement& MatrixView::placement() const { return s_->placement(); }
const Matrix& MatrixView::values() const { return s_->data(); }
ElementMode MatrixView::mode(int r, int c) const { return s_->mode(r, c); }
bool MatrixView::guides() const { return s_->guides; }
MagnitudeRange MatrixView::range() const { return s_->range(); }
bool MatrixView::drawn(int r, int c) const { return s_->drawn(r, c); }

}  // namespace mmr
