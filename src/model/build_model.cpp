// Construction of the model from a parsed scene (docs/spec/mm-params.md §5, §7).
#include "mmr/model/build_model.h"

#include <unistd.h>

#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "mmr/core/error.h"
#include "mmr/core/limits.h"
#include "mmr/core/memory_limit.h"
#include "mmr/core/quote.h"
#include "mmr/layout/scheme.h"
#include "mmr/model/data.h"
#include "mmr/model/values.h"
#include "mmr/scene/expression.h"
#include "mmr/scene/scene_parser.h"

namespace mmr {
namespace {

// Walks in mm's tree order (left subtree, right subtree, node) without recursion:
// a left chain is as deep as it is long (up to limits::max_matmuls).
template <class N, class F>
void post_order_iter(N& root, F&& f) {
    std::vector<std::pair<N*, bool>> stack{{&root, false}};  // (node, children done)
    while (!stack.empty()) {
        auto [n, done] = stack.back();
        stack.pop_back();
        if (done || !n->matmul) {
            f(*n);
            continue;
        }
        stack.emplace_back(n, true);
        stack.emplace_back(n->right.get(), false);
        stack.emplace_back(n->left.get(), false);
    }
}

// Union-find over dimension variables; each may carry a known size.
struct Dims {
    std::vector<int> parent;
    std::vector<long> size;  // 0 = unknown
    int make(long known) {
        parent.push_back(static_cast<int>(parent.size()));
        size.push_back(known);
        return parent.back();
    }
    int find(int v) { return parent[v] == v ? v : parent[v] = find(parent[v]); }
    long value(int v) { return size[find(v)]; }
    // Returns false if both are known and differ.
    bool unite(int a, int b) {
        a = find(a);
        b = find(b);
        if (a == b) return true;
        if (size[a] && size[b] && size[a] != size[b]) return false;
        parent[b] = a;
        if (!size[a]) size[a] = size[b];
        return true;
    }
};

class Builder {
public:
    explicit Builder(const SceneSpec& s) : s_(s) {}

    Model structure() {
        std::string where = s_.expr_loc.line > 0
                                ? s_.expr_loc.file + ":" + std::to_string(s_.expr_loc.line)
                                : s_.path;
        int offset = s_.expr_loc.line > 0 ? s_.expr_loc.column - 1 : 0;
        expr_ = parse_expression(s_.expr, where, offset);
        expr_where_ = s_.expr_loc.line > 0 ? s_.expr_loc.str() : s_.path;
        collect_names(*expr_);
        check_spec_names();

        Model m;
        m.camera = s_.camera;
        m.output = s_.output;
        m.seed = s_.seed;
        model_ = &m;
        m.root = make_tree(*expr_);
        resolve_shapes(*m.root);
        propagate_blocks(*m.root, s_.blocks.i, root_k_blocks(*m.root), s_.blocks.j);
        return m;
    }

private:
    const SceneSpec& s_;
    std::unique_ptr<ExprNode> expr_;
    std::string expr_where_;
    std::set<std::string> leaf_names_, matmul_names_;
    std::map<std::string, int> leaf_index_;
    std::map<std::string, int> leaf_count_, leaf_seen_;  // occurrences in expr / so far
    Model* model_ = nullptr;
    int next_id_ = 0;
    Dims dims_;
    std::vector<int> leaf_row_, leaf_col_;

    // Pre-order, left before right (the first duplicate in the text is reported).
    void collect_names(const ExprNode& root) {
        std::vector<const ExprNode*> stack{&root};
        while (!stack.empty()) {
            const ExprNode& e = *stack.back();
            stack.pop_back();
            if (!e.is_matmul()) {
                leaf_names_.insert(e.name);
                ++leaf_count_[e.name];
                continue;
            }
            if (e.explicit_name && matmul_names_.count(e.name))
                fail(expr_where_, "the result name '" + e.name + "' is used twice",
                     "give each named result its own name");
            matmul_names_.insert(e.name);
            stack.push_back(e.right.get());
            stack.push_back(e.left.get());
        }
    }

    void check_spec_names() {
        for (const auto& n : leaf_names_)
            if (matmul_names_.count(n))
                fail(expr_where_, "'" + n + "' is both a matrix and a matmul result",
                     "rename one of them");
        std::vector<std::string> leaves(leaf_names_.begin(), leaf_names_.end());
        std::vector<std::string> mms(matmul_names_.begin(), matmul_names_.end());
        for (const auto& [name, spec] : s_.matrices) {
            if (leaf_names_.count(name)) continue;
            if (matmul_names_.count(name))
                fail(spec.loc.str(), "'" + name + "' is a matmul result, not an input matrix",
                     "move its settings under 'matmuls'");
            std::string g = closest_match(name, leaves);
            fail(spec.loc.str(), "matrix '" + name + "' does not appear in the expression",
                 g.empty() ? "remove it or use it in 'expr'" : "did you mean '" + g + "'?");
        }
        for (const auto& [name, uses] : s_.matrix_uses) {
            const SourceLoc& loc = uses.empty() ? s_.expr_loc : uses.front().loc;
            if (s_.matrices.count(name))
                fail(loc.str(), "matrix '" + name + "' is given twice",
                     "give it once, as a list with one entry per occurrence or as one mapping");
            const int n = leaf_count_.count(name) ? leaf_count_.at(name) : 0;
            if (n == 0) {
                std::string g = closest_match(name, leaves);
                fail(loc.str(), "matrix '" + name + "' does not appear in the expression",
                     g.empty() ? "remove it or use it in 'expr'" : "did you mean '" + g + "'?");
            }
            if (static_cast<int>(uses.size()) != n)
                fail(loc.str(),
                     "matrix '" + name + "' lists " + std::to_string(uses.size()) + " entries but '" +
                         name + "' appears " + std::to_string(n) + " time" + (n == 1 ? "" : "s") +
                         " in the expression",
                     "give one entry per occurrence, in expression order (or one mapping for all)");
        }
        for (const auto& [name, spec] : s_.matmuls) {
            if (matmul_names_.count(name)) continue;
            if (leaf_names_.count(name))
                fail(spec.loc.str(), "'" + name + "' is an input matrix, not a matmul result",
                     "move its settings under 'matrices'");
            std::string g = closest_match(name, mms);
            std::string list;
            for (const auto& n : mms) list += (list.empty() ? "'" : ", '") + n + "'";
            fail(spec.loc.str(), "no matmul result is named '" + name + "'",
                 g.empty() ? "results of this expression: " + list : "did you mean '" + g + "'?");
        }
    }

    // The root's k partition: blocks.k, or the root matmul's own k_blocks (the same
    // thing said per matmul); two different counts are a contradiction.
    int root_k_blocks(const Node& root) const {
        const MatmulSpec* ms = root.matmul ? matmul_spec(root.name) : nullptr;
        if (!ms || !ms->k_blocks || *ms->k_blocks == s_.blocks.k) return s_.blocks.k;
        if (s_.blocks.k != 1)
            fail(ms->loc.str(),
                 "k_blocks: " + std::to_string(*ms->k_blocks) + " of the root matmul '" + root.name +
                     "' contradicts blocks.k: " + std::to_string(s_.blocks.k),
                 "give the root's k partition once, as blocks.k");
        return *ms->k_blocks;
    }

    const MatmulSpec* matmul_spec(const std::string& name) const {
        auto it = s_.matmuls.find(name);
        return it == s_.matmuls.end() ? nullptr : &it->second;
    }

    // Builds the model tree in pre-order (ids, leaf occurrences left to right),
    // with a work list instead of recursion.
    std::unique_ptr<Node> make_tree(const ExprNode& root) {
        std::unique_ptr<Node> out;
        struct Item {
            const ExprNode* e;
            Node* parent;
            bool is_left;
            std::unique_ptr<Node>* slot;
        };
        std::vector<Item> stack{{&root, nullptr, true, &out}};
        while (!stack.empty()) {
            const Item it = stack.back();
            stack.pop_back();
            *it.slot = make_node(*it.e, it.parent, it.is_left);
            Node* n = it.slot->get();
            if (!n->matmul) continue;
            stack.push_back({it.e->right.get(), n, false, &n->right});
            stack.push_back({it.e->left.get(), n, true, &n->left});
        }
        return out;
    }

    // One node, without its children (make_tree attaches them).
    std::unique_ptr<Node> make_node(const ExprNode& e, Node* parent, bool is_left) {
        auto n = std::make_unique<Node>();
        n->name = e.name;
        n->parent = parent;
        n->is_left = is_left;
        n->id = next_id_++;
        n->matmul = e.is_matmul();
        inherit_settings(*n, parent, is_left);
        if (!n->matmul) {
            // A name is one matrix, unless the scene lists one matrix per occurrence.
            auto uses = s_.matrix_uses.find(e.name);
            const int use = leaf_seen_[e.name]++;
            auto it = leaf_index_.find(e.name);
            if (it == leaf_index_.end() || uses != s_.matrix_uses.end()) {
                Leaf leaf;
                auto sit = s_.matrices.find(e.name);
                if (uses != s_.matrix_uses.end()) leaf.spec = uses->second.at(use);
                else if (sit != s_.matrices.end()) leaf.spec = sit->second;
                leaf.spec.name = e.name;
                if (leaf.spec.loc.file.empty()) leaf.spec.loc.file = s_.path;
                // A matrix's default init depends on the side it first appears on.
                if (!leaf.spec.init) leaf.spec.init = is_left ? "row major" : "col major";
                apply_data_shape(leaf.spec);
                leaf_row_.push_back(dims_.make(leaf.spec.h.value_or(0)));
                leaf_col_.push_back(dims_.make(leaf.spec.w.value_or(0)));
                leaf_index_[e.name] = static_cast<int>(model_->leaves.size());
                model_->leaves.push_back(std::move(leaf));
            }
            n->leaf = leaf_index_[e.name];
            return n;
        }
        if (const MatmulSpec* ms = matmul_spec(e.name)) n->epilog = ms->epilog;
        return n;
    }

    // npy/npz/safetensors data fixes the shape: it fills in a missing one and must
    // match a given one (CSV rolls over and fixes nothing).
    void apply_data_shape(LeafSpec& spec) {
        const auto shape = data_matrix_shape(spec, *spec.init, data_paths_for(s_));
        if (!shape) return;
        const auto [dh, dw] = *shape;
        if (spec.offset.size() == 2) {  // a window: any shape that fits from the offset
            if ((spec.h && *spec.h > dh) || (spec.w && *spec.w > dw))
                fail(spec.loc.str(),
                     "matrix '" + spec.name + "' is " + std::to_string(spec.h.value_or(dh)) + "x" +
                         std::to_string(spec.w.value_or(dw)) + " but its data (" + spec.file +
                         (spec.entry.empty() ? "" : ", '" + spec.entry + "'") + ") has only " + std::to_string(dh) +
                         "x" + std::to_string(dw) + " from offset [" + std::to_string(spec.offset[0]) + ", " +
                         std::to_string(spec.offset[1]) + "]",
                     "give a smaller shape or offset");
            if (!spec.h) spec.h = dh;
            if (!spec.w) spec.w = dw;
            return;
        }
        if ((spec.h && *spec.h != dh) || (spec.w && *spec.w != dw)) {
            auto d = [](const std::optional<int>& v) { return v ? std::to_string(*v) : std::string("?"); };
            fail(spec.loc.str(),
                 "matrix '" + spec.name + "' is " + d(spec.h) + "x" + d(spec.w) + " but its data (" +
                     (spec.url.empty() ? spec.file : url_base_name(spec.url)) +
                     (spec.entry.empty() ? "" : ", '" + spec.entry + "'") + ") is " +
                     std::to_string(dh) + "x" + std::to_string(dw),
                 "give 'shape: [" + std::to_string(dh) + ", " + std::to_string(dw) +
                     "]' or leave the shape out (it then comes from the data)" +
                     (spec.h == dw && spec.w == dh ? ", or add 'transpose: " +
                                                         std::string(spec.transpose ? "false" : "true") + "'"
                                                   : ""));
        }
        spec.h = dh;
        spec.w = dw;
    }

    void inherit_settings(Node& n, const Node* parent, bool is_left) {
        const MatmulSpec* ms = n.matmul ? matmul_spec(n.name) : nullptr;
        if (!parent) {
            n.anim = s_.anim;
            n.layout = s_.layout;
            n.orient = s_.orientation;
            n.deco = s_.deco;
            n.viz = s_.viz;
            n.viz.ink = s_.output.theme == ThemeKind::Light;  // children copy it
        } else {
            n.anim = parent->anim;
            n.layout = parent->layout;
            n.deco = parent->deco;
            n.viz = parent->viz;
            n.orient = child_orientation(parent->layout.scheme, parent->orient, is_left);
        }
        if (!ms) return;
        // A child's algorithm defaults to "inherit" (the parent's resolved one).
        AnimOverride a = ms->anim;
        if (a.alg && *a.alg == "inherit") a.alg.reset();
        if (parent) {
            a.speed.reset();  // speed and spin are only read from the root
            a.spin.reset();
        }
        overlay(n.anim, a);
        overlay(n.layout, ms->layout);
        overlay(n.deco, ms->deco);
        overlay(n.viz, ms->viz);
        if (ms->layout.positive) n.orient.positive = *ms->layout.positive;
        if (ms->layout.left_right) n.orient.left_right = *ms->layout.left_right;
        if (ms->layout.right_bottom) n.orient.right_bottom = *ms->layout.right_bottom;
        if (ms->layout.result_back) n.orient.result_back = *ms->layout.result_back;
    }

    // A matmul's rows are its leftmost leaf's, its columns its rightmost leaf's.
    int row_var(const Node& n) {
        const Node* p = &n;
        while (p->matmul) p = p->left.get();
        return leaf_row_[p->leaf];
    }
    int col_var(const Node& n) {
        const Node* p = &n;
        while (p->matmul) p = p->right.get();
        return leaf_col_[p->leaf];
    }

    std::string describe(const Node& n) {
        long h = dims_.value(row_var(n)), w = dims_.value(col_var(n));
        auto d = [](long v) { return v ? std::to_string(v) : std::string("?"); };
        return "'" + n.name + "' is " + d(h) + "x" + d(w);
    }

    // Post-order, so the innermost mismatch is the one reported.
    void chain(Node& root) {
        post_order_iter(root, [&](Node& n) {
            if (n.matmul) unite_inner(n);
        });
    }
    void unite_inner(Node& n) {
        int a = col_var(*n.left), b = row_var(*n.right);
        long ka = dims_.value(a), kb = dims_.value(b);
        if (!dims_.unite(a, b))
            fail(expr_where_,
                 "shapes do not chain in '" + n.name + "': " + describe(*n.left) + " but " +
                     describe(*n.right),
                 "the columns of '" + n.left->name + "' (" + std::to_string(ka) +
                     ") must equal the rows of '" + n.right->name + "' (" + std::to_string(kb) +
                     ")");
    }

    void resolve_shapes(Node& root) {
        chain(root);
        // Unconstrained sizes take mm's default of 32.
        for (size_t v = 0; v < dims_.parent.size(); ++v)
            if (!dims_.value(static_cast<int>(v))) dims_.size[dims_.find(static_cast<int>(v))] = 32;
        for (size_t i = 0; i < model_->leaves.size(); ++i) {
            model_->leaves[i].spec.h = static_cast<int>(dims_.value(leaf_row_[i]));
            model_->leaves[i].spec.w = static_cast<int>(dims_.value(leaf_col_[i]));
        }
        post_order_iter(root, [&](Node& n) {
            n.rows = static_cast<int>(dims_.value(row_var(n)));
            n.cols = static_cast<int>(dims_.value(col_var(n)));
            if (n.matmul) n.depth = n.left->cols;
        });
    }

    // docs/spec/mm-params.md §5.3: i-blocks run down left operands, j-blocks down right
    // operands, and each k-partition becomes the children's j (left) / i (right).
    void propagate_blocks(Node& root, int root_ib, int root_kb, int root_jb) {
        struct Item {
            Node* n;
            int ib, kb, jb;
        };
        std::vector<Item> stack{{&root, root_ib, root_kb, root_jb}};
        while (!stack.empty()) {
            const auto [np, ib, kb, jb] = stack.back();
            stack.pop_back();
            Node& n = *np;
            n.row_blocks = ib;
            n.col_blocks = jb;
            if (!n.matmul) continue;
            n.blocks = {ib, kb, jb};
            auto child_k = [&, kb = kb](const Node& c) {
                const MatmulSpec* ms = c.matmul ? matmul_spec(c.name) : nullptr;
                return ms && ms->k_blocks ? *ms->k_blocks : kb;
            };
            stack.push_back({n.right.get(), kb, child_k(*n.right), jb});
            stack.push_back({n.left.get(), ib, child_k(*n.left), kb});
        }
    }
};

}  // namespace

// A mask epilog must describe exactly its matmul's result (AttentionMask).
static void check_mask_epilogs(const SceneSpec& scene, const Model& m) {
    post_order_iter(*m.root, [&](const Node& n) {
        if (!n.matmul || !is_mask_epilog(n.epilog)) return;
        auto it = scene.matmuls.find(n.name);
        const std::string where =
            (it != scene.matmuls.end() ? it->second.loc.str() + ": " : std::string()) + "matmuls." + n.name + ".epilog";
        const AttentionMask mask = parse_mask_epilog(n.epilog, where);
        if (mask.rows() != n.rows || mask.cols() != n.cols)
            fail(where,
                 "the mask describes a " + std::to_string(mask.rows()) + "x" + std::to_string(mask.cols()) +
                     " result (heads x new queries by keys) but '" + n.name + "' is " + std::to_string(n.rows) +
                     "x" + std::to_string(n.cols),
                 "make heads * (S1 + S2 + ...) the result's rows and L1 + L2 + ... its columns");
    });
}

Model build_structure(const SceneSpec& scene) {
    Builder b(scene);
    Model m = b.structure();
    check_mask_epilogs(scene, m);
    return m;
}

double estimate_bytes(const Model& model) {
    // Per element: the float value plus one sprite vertex (28 bytes) and slack.
    const double per_element = 4.0 + 28.0 + 8.0;
    double elements = 0;
    for (const auto& l : model.leaves) elements += double(*l.spec.h) * double(*l.spec.w);
    post_order_iter(*model.root, [&](const Node& n) {
        if (n.matmul) elements += double(n.rows) * double(n.cols);
    });
    return elements * per_element;
}

static std::string human_bytes(double b) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    int u = 0;
    while (b >= 1024 && u < 5) {
        b /= 1024;
        ++u;
    }
    std::ostringstream o;
    o.precision(3);
    o << b << " " << units[u];
    return o.str();
}

static std::string num_text(double v) {
    std::ostringstream o;
    o.precision(3);
    o << v;
    return o.str();
}
static std::string whole_text(double v) {  // a limit, written in full
    char b[48];
    std::snprintf(b, sizeof b, "%.0f", v);
    return b;
}

// Memory, drawn elements and multiply-adds, checked before any value is computed.
// A message names the key that asks for the size: the largest shape given in the
// scene (matrices.NAME.shape), else the largest matrix or matmul.
static void check_scene_size(const Model& m, const SceneSpec& scene, const BuildOptions& opts) {
    double elements = 0, madds = 0, big_elements = 0, big_madds = 0;
    std::string big_node, big_matmul;
    for (const auto& l : m.leaves) {
        const double e = double(*l.spec.h) * double(*l.spec.w);
        elements += e;
        if (e > big_elements) big_elements = e, big_node = "matrix '" + shown_value(l.spec.name) + "'";
    }
    post_order_iter(*m.root, [&](const Node& n) {
        if (!n.matmul) return;
        const double e = double(n.rows) * double(n.cols), md = e * double(n.depth);
        elements += e;
        madds += md;
        if (e > big_elements) big_elements = e, big_node = "the result '" + shown_value(n.name) + "'";
        if (md > big_madds) big_madds = md, big_matmul = "'" + shown_value(n.name) + "'";
    });
    // The key that asks: the largest shape written in the scene (or fixed by data).
    const Leaf* asks = nullptr;
    for (const auto& l : m.leaves) {
        if (l.spec.shape_loc.line <= 0 && l.spec.file.empty() && l.spec.url.empty()) continue;
        const auto side = [](const Leaf& x) { return std::max(*x.spec.h, *x.spec.w); };
        if (!asks || side(l) > side(*asks) ||
            (side(l) == side(*asks) && double(*l.spec.h) * *l.spec.w > double(*asks->spec.h) * *asks->spec.w))
            asks = &l;
    }
    std::string where = scene.expr_loc.line > 0 ? scene.expr_loc.str() : scene.path, who;
    if (asks) {
        const bool shape = asks->spec.shape_loc.line > 0;
        where = (shape ? asks->spec.shape_loc : asks->spec.loc).str();
        who = "matrices." + shown_value(asks->spec.name) + (shape ? ".shape [" : " (its data) [") +
              std::to_string(*asks->spec.h) + ", " + std::to_string(*asks->spec.w) + "] makes ";
    } else {
        who = "the shapes make ";
    }
    const std::string fix_shape = asks ? "use a smaller shape" : "use smaller shapes";

    double limit = opts.memory_limit_bytes;
    std::string source = "the limit given";
    if (limit <= 0) {
        const MemoryLimit ml = process_memory_limit();
        limit = 0.75 * ml.bytes;
        source = "3/4 of the " + human_bytes(ml.bytes) + " of " + ml.source;
    }
    const double need = estimate_bytes(m);
    if (limit > 0 && need > limit)
        fail(where, who + "the scene need about " + human_bytes(need) + " of memory (" + big_node + " alone " +
                        human_bytes(need * big_elements / elements) + "), more than the " + human_bytes(limit) +
                        " allowed (" + source + ")",
             fix_shape);
    const double max_elements = scene.max_elements > 0 ? scene.max_elements : limits::max_elements;
    if (elements > max_elements)
        fail(where, who + "the scene draw " + num_text(elements) + " elements (" + big_node + " alone " +
                        num_text(big_elements) + "); at most " + whole_text(max_elements) + " are drawn",
             fix_shape + " or pass --max-elements");
    const double max_madds = scene.max_multiply_adds > 0 ? scene.max_multiply_adds : limits::max_multiply_adds;
    if (madds > max_madds)
        fail(where, who + "the matmuls need " + num_text(madds) + " multiply-adds (" + big_matmul + " alone " +
                        num_text(big_madds) + "); at most " + whole_text(max_madds) + " are computed",
             fix_shape + " or pass --max-multiply-adds");
}

Model build_model(const SceneSpec& scene, const BuildOptions& opts) {
    Model m = build_structure(scene);
    check_scene_size(m, scene, opts);

    const DataPaths paths = data_paths_for(scene);
    // One random stream per matrix, seeded by (scene seed, name, occurrence): editing
    // one matrix never changes another's values.
    std::vector<int> occurrence(m.leaves.size(), 0);
    {
        std::map<std::string, int> seen;
        for (size_t i = 0; i < m.leaves.size(); ++i) occurrence[i] = seen[m.leaves[i].spec.name]++;
    }
    std::vector<bool> filled(m.leaves.size(), false);
    // mm's evaluation order (docs/spec/mm-values.md §3): left subtree, right subtree, result.
    post_order_iter(*m.root, [&](Node& n) {
        if (!n.matmul) {
            if (filled[n.leaf]) return;
            Leaf& leaf = m.leaves[n.leaf];
            Rng rng(matrix_seed(scene.seed, leaf.spec.name, occurrence[n.leaf]));
            leaf.values = init_matrix(leaf.spec, *leaf.spec.init, *leaf.spec.h, *leaf.spec.w,
                                      rng, paths);
            filled[n.leaf] = true;
            return;
        }
        n.result = matmul(m.matrix(*n.left), m.matrix(*n.right), n.epilog);
    });

    float gmax = 0;
    auto absmax = [](const Matrix& mat) {
        float a = 0;
        for (float v : mat.v)
            if (std::fabs(v) > a) a = std::fabs(v);  // NaN compares false: skipped
        return a;
    };
    for (const auto& l : m.leaves) gmax = std::max(gmax, absmax(l.values));
    post_order_iter(*m.root, [&](const Node& n) {
        if (n.matmul) gmax = std::max(gmax, absmax(n.result));
    });
    m.global_absmax = gmax;
    return m;
}

}  // namespace mmr
