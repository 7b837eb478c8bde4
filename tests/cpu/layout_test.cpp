// Layout stage (docs/spec/mm-layout.md): block arithmetic, scheme rule, cube attachment
// and the reference coordinates of §9. Model trees are built by hand here so
// the test does not depend on the scene parser.
#include <doctest/doctest.h>

#include <glm/gtc/matrix_inverse.hpp>
#include <memory>
#include <string>

#include "mmr/layout/layout.h"
#include "mmr/layout/scheme.h"

using namespace mmr;

namespace {

std::unique_ptr<Node> leaf(const std::string& name, int h, int w) {
    auto n = std::make_unique<Node>();
    n->name = name;
    n->rows = h;
    n->cols = w;
    return n;
}

// own_k: this matmul's own "k blocks" (0 = inherit, docs/spec/mm-params.md §5.3).
std::unique_ptr<Node> mm(std::unique_ptr<Node> l, std::unique_ptr<Node> r, int own_k = 0) {
    auto n = std::make_unique<Node>();
    n->matmul = true;
    n->name = "(" + l->name + " @ " + r->name + ")";
    n->rows = l->rows;
    n->depth = l->cols;
    n->cols = r->cols;
    n->blocks.k = own_k;
    l->is_left = true;
    r->is_left = false;
    l->parent = r->parent = n.get();
    n->left = std::move(l);
    n->right = std::move(r);
    return n;
}

Orientation orient(const std::string& s) {  // "±LR TB FB" as in §6, e.g. "-LTF"
    Orientation o;
    o.positive = s[0] == '+';
    o.left_right = s[1] == 'R';
    o.right_bottom = s[2] == 'B';
    o.result_back = s[3] == 'B';
    return o;
}

// Fills effective settings, orientations (scheme rule) and propagated blocks
// the way the model builder does.
void resolve(Node& n, const LayoutSettings& lay, const Orientation& o, int ib, int jb,
             int kb_parent, int& id) {
    n.id = id++;
    n.layout = lay;
    n.row_blocks = ib;
    n.col_blocks = jb;
    if (!n.matmul) return;
    n.orient = o;
    n.blocks = {ib, n.blocks.k > 0 ? n.blocks.k : kb_parent, jb};
    const int kb = n.blocks.k;
    resolve(*n.left, lay, child_orientation(lay.scheme, o, true), ib, kb, kb, id);
    resolve(*n.right, lay, child_orientation(lay.scheme, o, false), kb, jb, kb, id);
}

Model make_model(std::unique_ptr<Node> root, const LayoutSettings& lay,
                 const std::string& o = "-LTF", BlockCounts b = {}) {
    Model m;
    m.root = std::move(root);
    m.root->blocks.k = b.k;
    int id = 0;
    resolve(*m.root, lay, orient(o), b.i, b.j, b.k, id);
    return m;
}

LayoutSettings gap_of(double g) {
    LayoutSettings l;
    l.gap = g;
    return l;
}

const Node* find(const Node& n, const std::string& name) {
    if (n.name == name) return &n;
    if (!n.matmul) return nullptr;
    if (auto f = find(*n.left, name)) return f;
    return find(*n.right, name);
}

void check_vec(glm::dvec3 got, glm::dvec3 want) {
    INFO("got (" << got.x << ", " << got.y << ", " << got.z << ") want (" << want.x << ", "
                 << want.y << ", " << want.z << ")");
    CHECK(got.x == doctest::Approx(want.x).epsilon(1e-12));
    CHECK(got.y == doctest::Approx(want.y).epsilon(1e-12));
    CHECK(got.z == doctest::Approx(want.z).epsilon(1e-12));
}

glm::dvec3 elem(const Layout& L, const Model& m, const std::string& name, int r, int c) {
    const Node* n = find(*m.root, name);
    REQUIRE(n);
    const MatrixPlacement* p = L.matrix_of(n);
    REQUIRE(p);
    return p->element(r, c);
}

}  // namespace

TEST_CASE("BlockSplit examples (docs/spec/mm-layout.md §2)") {
    auto s = BlockSplit::make(10, 4, 0);
    CHECK(s.size == 3);
    CHECK(s.n == 4);
    CHECK(s.nvis == 4);
    CHECK(s.extent(0) == 3);
    CHECK(s.extent(2) == 3);
    CHECK(s.extent(3) == 1);

    s = BlockSplit::make(9, 4, 2);
    CHECK(s.size == 3);
    CHECK(s.n == 4);  // the legend prints n
    CHECK(s.nvis == 3);
    CHECK(s.extent(3) == 0);  // dead block
    CHECK(s.disp() == doctest::Approx(9 + 2 * 2));
    CHECK(s.coord(2) == doctest::Approx(2));
    CHECK(s.coord(3) == doctest::Approx(5));
    CHECK(s.coord(8) == doctest::Approx(12));

    s = BlockSplit::make(5, 2, 1);
    CHECK(s.size == 3);
    CHECK(s.extent(0) == 3);
    CHECK(s.extent(1) == 2);

    s = BlockSplit::make(5, 8, 1);
    CHECK(s.n == 5);
    CHECK(s.size == 1);
    CHECK(s.nvis == 5);
    for (int b = 0; b < 5; ++b) CHECK(s.extent(b) == 1);
    CHECK(s.coord(4) == doctest::Approx(8));
}

TEST_CASE("scheme table (docs/spec/mm-layout.md §6)") {
    // parent, blocks left, blocks right, zigzag left, zigzag right
    const char* rows[][5] = {
        {"-LTF", "+LBB", "+RTB", "+LTB", "+LTB"}, {"-LTB", "+RBB", "+RBB", "+RTB", "+LBB"},
        {"-LBF", "+LTB", "+RTF", "+LBB", "+LTF"}, {"-LBB", "+RTB", "+RBF", "+RBB", "+LBF"},
        {"-RTF", "+LBF", "+LTB", "+LTF", "+RTB"}, {"-RTB", "+RBF", "+LBB", "+RTF", "+RBB"},
        {"-RBF", "+LTF", "+LTF", "+LBF", "+RTF"}, {"-RBB", "+RTF", "+LBF", "+RBF", "+RBF"},
        {"+LTF", "-RBF", "-RBF", "-RTF", "-LBF"}, {"+LTB", "-LBF", "-RTF", "-LTF", "-LTF"},
        {"+LBF", "-RTF", "-RBB", "-RBF", "-LBB"}, {"+LBB", "-LTF", "-RTB", "-LBF", "-LTB"},
        {"+RTF", "-RBB", "-LBF", "-RTB", "-RBF"}, {"+RTB", "-LBB", "-LTF", "-LTB", "-RTF"},
        {"+RBF", "-RTB", "-LBB", "-RBB", "-RBB"}, {"+RBB", "-LTB", "-LTB", "-LBB", "-RTB"},
    };
    for (auto& r : rows) {
        INFO("parent " << r[0]);
        Orientation p = orient(r[0]);
        CHECK(child_orientation("blocks", p, true) == orient(r[1]));
        CHECK(child_orientation("blocks", p, false) == orient(r[2]));
        CHECK(child_orientation("zigzag", p, true) == orient(r[3]));
        CHECK(child_orientation("zigzag", p, false) == orient(r[4]));
        CHECK(child_orientation("wheel", p, true) == p);
        CHECK(child_orientation("wheel", p, false) == p);
    }
}

TEST_CASE("default scene L @ R 32^3 (docs/spec/mm-layout.md §9)") {
    Model m = make_model(mm(leaf("L", 32, 32), leaf("R", 32, 32)), gap_of(4));
    Layout L = compute_layout(m);
    REQUIRE(L.cubes.size() == 1);
    REQUIRE(L.matrices.size() == 3);
    const auto& c = L.cubes[0];
    CHECK(c.Ex == 39);
    CHECK(c.Ey == 39);
    CHECK(c.Ez == 39);
    check_vec(L.translation, {-19.5, 19.5, 19.5});
    check_vec(L.box_min, {-19.5, -19.5, -19.5});
    check_vec(L.box_max, {19.5, 19.5, 19.5});

    check_vec(elem(L, m, "L", 0, 0), {-19.5, 15.5, -15.5});
    check_vec(elem(L, m, "L", 0, 31), {-19.5, 15.5, 15.5});
    check_vec(elem(L, m, "L", 31, 0), {-19.5, -15.5, -15.5});
    check_vec(elem(L, m, "R", 0, 0), {-15.5, 19.5, -15.5});
    check_vec(elem(L, m, "R", 0, 31), {15.5, 19.5, -15.5});
    check_vec(elem(L, m, "R", 31, 0), {-15.5, 19.5, 15.5});
    check_vec(elem(L, m, "(L @ R)", 0, 0), {-15.5, 15.5, 19.5});
    check_vec(elem(L, m, "(L @ R)", 0, 31), {15.5, 15.5, 19.5});
    check_vec(elem(L, m, "(L @ R)", 31, 0), {-15.5, -15.5, 19.5});

    // Roles, owners and plane normals. The frame's +z points into the cube, so
    // a camera outside sees a face "facing" when dot(n, p0 - cam) > 0
    // (docs/spec/mm-look.md §6): result on +z side -> n = -z, left face -> +x, top -> -y.
    const auto* res = L.matrix_of(m.root.get());
    CHECK(res->role == MatrixRole::Result);
    CHECK(res->owner == m.root.get());
    check_vec(res->normal(), {0, 0, -1});
    const auto* lm = L.matrix_of(m.root->left.get());
    CHECK(lm->role == MatrixRole::LeftLeaf);
    CHECK(lm->owner == m.root.get());
    check_vec(lm->normal(), {1, 0, 0});
    const auto* rm = L.matrix_of(m.root->right.get());
    CHECK(rm->role == MatrixRole::RightLeaf);
    check_vec(rm->normal(), {0, -1, 0});

    // Lattice in the local frame (§3, negative polarity: k = 0 farthest from z = 0).
    CHECK(c.X(0) == 4);
    CHECK(c.Y(31) == 35);
    CHECK(c.Z(0) == 35);
    CHECK(c.Z(31) == 4);
}

TEST_CASE("4,3,2 gap 1 +RBB (docs/spec/mm-layout.md §9)") {
    Model m = make_model(mm(leaf("L", 4, 3), leaf("R", 3, 2)), gap_of(1), "+RBB");
    Layout L = compute_layout(m);
    const auto& c = L.cubes[0];
    CHECK(c.Ex == 3);
    CHECK(c.Ey == 5);
    CHECK(c.Ez == 4);
    check_vec(L.translation, {-1.5, 2.5, 2});
    check_vec(elem(L, m, "L", 0, 0), {1.5, 1.5, 1});
    check_vec(elem(L, m, "L", 0, 2), {1.5, 1.5, -1});
    check_vec(elem(L, m, "L", 3, 0), {1.5, -1.5, 1});
    check_vec(elem(L, m, "R", 0, 0), {-0.5, -2.5, 1});
    check_vec(elem(L, m, "R", 0, 1), {0.5, -2.5, 1});
    check_vec(elem(L, m, "R", 2, 0), {-0.5, -2.5, -1});
    check_vec(elem(L, m, "(L @ R)", 0, 0), {-0.5, 1.5, -2});
    check_vec(elem(L, m, "(L @ R)", 0, 1), {0.5, 1.5, -2});
    check_vec(elem(L, m, "(L @ R)", 3, 0), {-0.5, -1.5, -2});
}

TEST_CASE("10,9,5 gap 4 blocks 4/4/2 with a dead block (docs/spec/mm-layout.md §9)") {
    Model m = make_model(mm(leaf("L", 10, 9), leaf("R", 9, 5)), gap_of(4), "-LTF", {4, 4, 2});
    Layout L = compute_layout(m);
    const auto& c = L.cubes[0];
    CHECK(c.Ex == 16);
    CHECK(c.Ey == 29);
    CHECK(c.Ez == 24);
    CHECK(c.k.nvis == 3);
    check_vec(L.translation, {-8, 14.5, 12});
    check_vec(elem(L, m, "L", 0, 0), {-8, 10.5, -8});
    check_vec(elem(L, m, "L", 2, 2), {-8, 8.5, -6});
    check_vec(elem(L, m, "L", 3, 3), {-8, 3.5, -1});
    check_vec(elem(L, m, "L", 9, 8), {-8, -10.5, 8});
    check_vec(elem(L, m, "R", 0, 0), {-4, 14.5, -8});
    check_vec(elem(L, m, "R", 8, 4), {4, 14.5, 8});
    check_vec(elem(L, m, "(L @ R)", 0, 0), {-4, 10.5, 12});
    check_vec(elem(L, m, "(L @ R)", 3, 2), {-2, 3.5, 12});
    check_vec(elem(L, m, "(L @ R)", 9, 4), {4, -10.5, 12});

    // Leaf splits come from the parent's blocks: L is i x k, R is k x j.
    const auto* lm = L.matrix_of(m.root->left.get());
    CHECK(lm->rows.n == 4);
    CHECK(lm->cols.nvis == 3);
    const auto* rm = L.matrix_of(m.root->right.get());
    CHECK(rm->rows.size == 3);
    CHECK(rm->cols.n == 2);
}

TEST_CASE("A @ B @ C, blocks scheme, with and without scatter (docs/spec/mm-layout.md §9)") {
    auto build = [](double scatter) {
        LayoutSettings lay = gap_of(4);
        lay.scatter = scatter;
        return make_model(mm(mm(leaf("A", 32, 32), leaf("B", 32, 32)), leaf("C", 32, 32)), lay);
    };
    Model m = build(0);
    CHECK(m.root->left->orient == orient("+LBB"));  // the blocks rule
    Layout L = compute_layout(m);
    REQUIRE(L.cubes.size() == 2);
    CHECK(L.cubes[0].node == m.root.get());  // pre-order, root first
    REQUIRE(L.matrices.size() == 5);
    check_vec(L.translation, {0, 19.5, 19.5});
    check_vec(elem(L, m, "A", 0, 0), {-35, 15.5, -19.5});
    check_vec(elem(L, m, "A", 0, 31), {-4, 15.5, -19.5});
    check_vec(elem(L, m, "A", 31, 0), {-35, -15.5, -19.5});
    check_vec(elem(L, m, "B", 0, 0), {-35, -19.5, -15.5});
    check_vec(elem(L, m, "B", 0, 31), {-35, -19.5, 15.5});
    check_vec(elem(L, m, "B", 31, 0), {-4, -19.5, -15.5});
    check_vec(elem(L, m, "(A @ B)", 0, 0), {0, 15.5, -15.5});
    check_vec(elem(L, m, "(A @ B)", 0, 31), {0, 15.5, 15.5});
    check_vec(elem(L, m, "(A @ B)", 31, 0), {0, -15.5, -15.5});
    check_vec(elem(L, m, "C", 0, 0), {4, 19.5, -15.5});
    check_vec(elem(L, m, "C", 0, 31), {35, 19.5, -15.5});
    check_vec(elem(L, m, "((A @ B) @ C)", 0, 0), {4, 15.5, 19.5});
    check_vec(elem(L, m, "((A @ B) @ C)", 0, 31), {35, 15.5, 19.5});
    // The child's result is owned by the child cube.
    CHECK(L.matrix_of(m.root->left.get())->owner == m.root->left.get());
    CHECK(L.matrix_of(find(*m.root, "A"))->owner == m.root->left.get());

    Model ms = build(10);
    Layout Ls = compute_layout(ms);
    CHECK(Ls.cubes[0].scatter_left == 10);
    CHECK(Ls.cubes[0].scatter_right == 0);
    check_vec(Ls.translation, {5, 19.5, 19.5});
    check_vec(elem(Ls, ms, "(A @ B)", 0, 0), {-5, 15.5, -15.5});
    check_vec(elem(Ls, ms, "((A @ B) @ C)", 0, 0), {9, 15.5, 19.5});
    // x spans [-39 - 10, 39] before centring.
    check_vec(Ls.box_min, {-44, -19.5, -19.5});
    check_vec(Ls.box_max, {44, 19.5, 19.5});
}

TEST_CASE("wheel: inner result on the far side of the child cube (docs/spec/mm-layout.md §5)") {
    LayoutSettings lay = gap_of(4);
    lay.scheme = "wheel";
    Model m = make_model(mm(mm(leaf("A", 32, 32), leaf("B", 32, 32)), leaf("C", 32, 32)), lay);
    CHECK(m.root->left->orient == orient("-LTF"));
    Layout L = compute_layout(m);
    // Parent's left face is local x = 0 (placement left).
    double face_x = (L.cubes[0].local * glm::dvec4(0, 0, 0, 1)).x;
    for (int r : {0, 31})
        for (int c : {0, 31})
            CHECK(face_x - elem(L, m, "(A @ B)", r, c).x == doctest::Approx(39));
}

TEST_CASE("scatter distance: molecule and blast (docs/spec/mm-layout.md §7)") {
    auto build = [](double blast, int molecule) {
        LayoutSettings lay = gap_of(2);
        lay.scatter = 10;
        lay.blast = blast;
        lay.molecule = molecule;
        auto t = mm(mm(mm(leaf("A", 3, 4), leaf("B", 4, 5)), leaf("C", 5, 6)), leaf("D", 6, 2));
        return make_model(std::move(t), lay);
    };
    // Tree has 3 matmuls; the root's left child holds 2, its left child 1.
    Model a = build(1, 1);
    Layout La = compute_layout(a);
    CHECK(La.cubes[0].scatter_left == doctest::Approx(20));  // 10 * 2^1
    CHECK(La.cubes[1].scatter_left == doctest::Approx(10));  // 10 * 1^1
    CHECK(La.cubes[0].scatter_right == 0);                   // leaves never scatter

    Model b = build(-1, 1);
    Layout Lb = compute_layout(b);
    CHECK(Lb.cubes[0].scatter_left == doctest::Approx(10));  // 10 * (3-2)^1
    CHECK(Lb.cubes[1].scatter_left == doctest::Approx(20));  // 10 * (3-1)^1

    Model c = build(0, 2);
    Layout Lc = compute_layout(c);
    CHECK(Lc.cubes[0].scatter_left == doctest::Approx(10));
    CHECK(Lc.cubes[1].scatter_left == 0);  // 1 matmul < molecule 2
}

// A child's result must land exactly on the parent's operand face, with the
// parent's lattice, for the blocks and zigzag schemes (§5 "shared face").
TEST_CASE("shared face: child result = parent operand positions (blocks, zigzag)") {
    const char* roots[] = {"-LTF", "-LTB", "-LBF", "-LBB", "-RTF", "-RTB", "-RBF", "-RBB",
                           "+LTF", "+LTB", "+LBF", "+LBB", "+RTF", "+RTB", "+RBF", "+RBB"};
    for (std::string scheme : {"blocks", "zigzag"})
        for (const char* ro : roots)
            for (bool left_child : {true, false}) {
                INFO(scheme << " root " << ro << (left_child ? " left" : " right") << " child");
                LayoutSettings lay = gap_of(2.5);  // non-integer gap, uneven blocks
                lay.scheme = scheme;
                // Root i,k,j = 10,7,5 with blocks 3/4/2; the child has its own k blocks.
                auto tree = left_child
                                ? mm(mm(leaf("A", 10, 9), leaf("B", 9, 7), 2), leaf("C", 7, 5))
                                : mm(leaf("A", 10, 7), mm(leaf("B", 7, 9), leaf("C", 9, 5), 2));
                Model m = make_model(std::move(tree), lay, ro, {3, 4, 2});
                Layout L = compute_layout(m);
                const CubePlacement& p = L.cubes[0];
                const Orientation& o = m.root->orient;
                const Node* child = left_child ? m.root->left.get() : m.root->right.get();
                const MatrixPlacement* res = L.matrix_of(child);
                REQUIRE(res);
                glm::dmat4 to_parent = glm::inverse(p.local);
                const double x_left = o.left_right ? p.Ex : 0;
                const double y_right = o.right_bottom ? p.Ey : 0;
                for (int r = 0; r < res->rows.N; ++r)
                    for (int c = 0; c < res->cols.N; ++c) {
                        glm::dvec3 q(to_parent * glm::dvec4(res->element(r, c), 1));
                        // §3 table: left operand (i,k) at (x_left, Y(i), Z(k)),
                        // right operand (k,j) at (X(j), y_right, Z(k)).
                        glm::dvec3 want = left_child ? glm::dvec3(x_left, p.Y(r), p.Z(c))
                                                     : glm::dvec3(p.X(c), y_right, p.Z(r));
                        CHECK(q.x == doctest::Approx(want.x));
                        CHECK(q.y == doctest::Approx(want.y));
                        CHECK(q.z == doctest::Approx(want.z));
                    }
            }
}
