#include "mmr/timeline/fuse_check.h"

#include "mmr/core/error.h"

namespace mmr {
namespace {

bool animated(const Node& n) { return n.matmul && n.anim.alg != "none"; }

// The pairs join() of docs/spec/mm-animation.md §6 can ever accept.
bool can_fuse(const Node& parent, const Node& child, bool left) {
    const std::string& p = parent.anim.alg;
    const std::string& c = child.anim.alg;
    if (p == "vmprod") return left && c == "vmprod";
    if (p == "mvprod") return !left && c == "mvprod";
    if (p == "vvprod") return left ? c == "mvprod" : c == "vmprod";
    return false;  // dot products and axpy never fuse
}

}  // namespace

void check_fusion(const Model& model, const std::string& where) {
    const Node& root = *model.root;
    if (!animated(root)) return;
    bool asked = false, possible = false;
    const Node* asker = nullptr;
    post_order(root, [&](const Node& n) {
        if (!animated(n) || n.anim.fuse == "none") return;
        for (bool left : {true, false}) {
            const Node& c = left ? *n.left : *n.right;
            if (!animated(c)) continue;
            asked = true;
            asker = asker ? asker : &n;
            possible = possible || can_fuse(n, c, left);
        }
        if (!asked && !asker) asker = &n;
    });
    if (possible) return;
    if (!asker) return;
    const Node& n = *asker;
    if (!asked)
        fail(where, "anim.fuse is " + n.anim.fuse + " but '" + n.name +
                        "' has no animated matmul operand to fuse with",
             "remove anim.fuse, or animate a matmul operand");
    fail(where, "anim.fuse is " + n.anim.fuse + " but no matmul can fuse with its operand: " +
                    "only a vmprod left operand under vmprod, an mvprod right operand under mvprod, " +
                    "or mvprod (left) / vmprod (right) under vvprod fuse, and dot products and axpy never do",
         "set fuse: none, or choose fusable algorithms");
}

}  // namespace mmr
