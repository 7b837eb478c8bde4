#include "mmr/layout/scheme.h"

namespace mmr {

bool is_scheme(const std::string& s) {
    for (const char* k : kSchemes)
        if (s == k) return true;
    return false;
}

Orientation child_orientation(const std::string& scheme, const Orientation& p,
                              bool left_child) {
    const bool P = p.positive, Lr = p.left_right, Rb = p.right_bottom, Bk = p.result_back;
    Orientation c = p;
    if (scheme == "blocks" || scheme == "zigzag") {
        const bool zig = scheme == "zigzag";
        c.positive = !P;
        if (left_child) {
            c.left_right = (P != Bk);
            c.right_bottom = zig ? Rb : !Rb;
            c.result_back = (P == Lr);
        } else {
            c.left_right = zig ? Lr : !Lr;
            c.right_bottom = (P != Bk);
            c.result_back = (P == Rb);
        }
    }
    return c;  // wheel and custom: the parent's orientation
}

}  // namespace mmr
