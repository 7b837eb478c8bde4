// Expression limits (include/mmr/core/limits.h), deep and long inputs, generated
// names, and round trips of the expression writer (issue #9, parts 2, 9 and 11).
#include <doctest/doctest.h>

#include <chrono>
#include <random>
#include <set>

#include "mmr/core/error.h"
#include "mmr/core/limits.h"
#include "mmr/model/build_model.h"
#include "mmr/scene/expression.h"
#include "mmr/scene/mm_params.h"
#include "mmr/scene/scene_parser.h"
#include "mmr/scene/scene_writer.h"

using namespace mmr;

namespace {

std::string error_of(const std::string& text) {
    try {
        parse_expression(text, "s.yaml:1", 6);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

std::string chain(int operands, const std::string& name = "A") {
    std::string s = name;
    for (int i = 1; i < operands; ++i) s += " @ " + name;
    return s;
}

std::string repeat(const std::string& s, int n) {
    std::string out;
    out.reserve(s.size() * static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

// The test's own structural comparison (independent of same_expression); trees
// here are at most a few hundred deep.
bool same(const ExprNode& a, const ExprNode& b, std::string& why) {
    if (a.name != b.name || a.explicit_name != b.explicit_name || a.is_matmul() != b.is_matmul()) {
        why = "'" + a.name + "' (explicit " + std::to_string(a.explicit_name) + ") vs '" + b.name +
              "' (explicit " + std::to_string(b.explicit_name) + ")";
        return false;
    }
    return !a.is_matmul() || (same(*a.left, *b.left, why) && same(*a.right, *b.right, why));
}

// ---- random trees ------------------------------------------------------------

struct TreeGen {
    std::mt19937 rng;
    int explicit_count = 0;
    explicit TreeGen(unsigned seed) : rng(seed) {}

    int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
    bool chance(double p) { return std::bernoulli_distribution(p)(rng); }

    std::string leaf_name() {
        static const char* pool[] = {"A", "B", "x", "input", "wQ", "K_t", "a.b", "attn[i]",
                                     "w0_L.x-1", "_t", "9", "q!#$%^&/"};
        if (chance(0.05))  // long names push generated names past the cap
            return "L" + std::string(static_cast<size_t>(uniform(60, 255)), 'n');
        return pool[uniform(0, 11)];
    }

    // A tree with `matmuls` matmuls; names are filled in by name_tree().
    std::unique_ptr<ExprNode> shape(int matmuls) {
        auto n = std::make_unique<ExprNode>();
        if (matmuls == 0) {
            n->name = leaf_name();
            return n;
        }
        const int left = uniform(0, matmuls - 1);
        n->left = shape(left);
        n->right = shape(matmuls - 1 - left);
        return n;
    }

    // In-order: the k-th matmul is the k-th '@' of the text. Each matmul gets an
    // explicit name or the generated one.
    void name_tree(ExprNode& n, int& index) {
        if (!n.is_matmul()) return;
        name_tree(*n.left, index);
        const int mine = ++index;
        name_tree(*n.right, index);
        if (chance(0.3)) {
            n.name = (chance(0.5) ? "r" : "out.") + std::to_string(++explicit_count);
            n.explicit_name = true;
        } else {
            n.name = generated_name(n.left->name, n.right->name, mine);
        }
    }

    std::unique_ptr<ExprNode> tree(int max_matmuls) {
        auto t = shape(uniform(1, max_matmuls));
        int index = 0;
        name_tree(*t, index);
        return t;
    }
};

void check_round_trip(const ExprNode& tree) {
    const std::string text = expression_text(tree);
    INFO("text: " << text);
    std::unique_ptr<ExprNode> back;
    try {
        back = parse_expression(text, "t");
    } catch (const Error& e) {
        FAIL("does not parse back: " << e.what());
        return;
    }
    std::string why;
    CHECK_MESSAGE(same(tree, *back, why), why);
    CHECK(same_expression(tree, *back));
    CHECK(expression_text(*back) == text);  // the canonical text is a fixed point
}

}  // namespace

// ---- limits --------------------------------------------------------------------

TEST_CASE("expr limits: 20000-operand chain is refused at the 4097th '@'") {
    // "A @ " is 4 bytes: the 4097th '@' is at byte 4097*4 - 2, column 16387 + 6.
    CHECK(error_of(chain(20000)) ==
          "s.yaml:1:16393: the expression has 19999 matmuls ('@'); at most 4096 are allowed: "
          "split the scene into several");
    CHECK(error_of(chain(4098)).find("the expression has 4097 matmuls") != std::string::npos);
}

TEST_CASE("expr limits: a 4096-matmul chain parses, names stay short, builds quickly") {
    const auto t0 = std::chrono::steady_clock::now();
    const std::string text = chain(limits::max_matmuls + 1, "input_t_0_5");
    auto e = parse_expression(text, "t");
    // Walk the left spine: every generated name is within the name limit.
    size_t total = 0, count = 0;
    std::set<std::string> fallback;
    for (const ExprNode* n = e.get(); n->is_matmul(); n = n->left.get()) {
        CHECK(n->name.size() <= limits::max_name_bytes);
        total += n->name.size();
        ++count;
        if (n->name[0] == '@' && n->name.find(' ') == std::string::npos) fallback.insert(n->name);
    }
    CHECK(count == 4096);
    CHECK(total <= 4096 * limits::max_name_bytes);  // linear, not quadratic
    // "input_t_0_5" is 11 bytes: 18 operands make 249 bytes, the 18th '@' falls back
    // to "@18", which grows again by 14 bytes per '@' and falls back every 19th '@'.
    CHECK(e->name == "@4084" + repeat(" @ input_t_0_5", 12));
    CHECK(fallback.count("@18"));
    CHECK(fallback.count("@37"));
    CHECK(fallback.size() == 224);  // every 19th, then every 18th once "@N" has 5 bytes
    CHECK(!fallback.empty());
    // Leftmost names are mm's; the first too long one falls back to its '@' index.
    CHECK(e->left->left->name.size() <= limits::max_name_bytes);
    const ExprNode* n = e.get();
    while (n->left->is_matmul()) n = n->left.get();
    CHECK(n->name == "input_t_0_5 @ input_t_0_5");
    // The text regenerates (no "name =" for generated names) and reads back.
    CHECK(expression_text(*e) == text);
    SceneSpec s;
    s.path = "chain.yaml";
    s.expr = text;
    Model m = build_structure(s);
    CHECK(m.root->name == e->name);
    CHECK(m.root->rows == 32);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(seconds < 2.0);
}

TEST_CASE("expr limits: fallback names are the '@' position and unique") {
    // 40-byte names: "a... @ a..." is 83 bytes, three operands 126, ... the 6th '@'
    // would make 7*40 + 6*3 = 298 > 256 bytes.
    const std::string a(40, 'a');
    auto e = parse_expression(chain(9, a), "t");
    CHECK(e->left->left->name == "@6");                 // the 6th '@'
    CHECK(e->left->name == "@6 @ " + a);                // built on the short name
    CHECK(e->name == "@6 @ " + a + " @ " + a);
    CHECK(e->left->left->left->name.size() == 6 * 40 + 5 * 3);
    // A right operand keeps its number too.
    auto r = parse_expression("x @ (" + chain(9, a) + ")", "t");
    CHECK(r->right->left->left->name == "@7");
    CHECK(r->name == "x @ (@7 @ " + a + " @ " + a + ")");
}

TEST_CASE("expr limits: 1M nested parentheses give the depth message, not a crash") {
    const int n = 1000000;
    const std::string text = repeat("(", n) + "A @ B" + repeat(")", n);
    CHECK(error_of(text) ==
          "s.yaml:1:263: the expression nests parentheses 1000000 deep; at most 256 are allowed: "
          "drop redundant parentheses, or multiply left to right ('A @ B @ C' needs none)");
    // Unclosed too.
    CHECK(error_of(repeat("(", n)).find("s.yaml:1:263: the expression nests parentheses 1000000 deep") == 0);
}

TEST_CASE("expr limits: right nesting 10k deep gives the depth message; 256 is fine") {
    const int k = 10000;
    CHECK(error_of(repeat("A @ (", k) + "A @ B" + repeat(")", k)) ==
          "s.yaml:1:1291: the expression nests parentheses 10000 deep; at most 256 are allowed: "
          "drop redundant parentheses, or multiply left to right ('A @ B @ C' needs none)");
    const std::string ok = repeat("A @ (", 256) + "A @ B" + repeat(")", 256);
    auto e = parse_expression(ok, "t");
    CHECK(expression_text(*e) == ok);
    CHECK(error_of(repeat("A @ (", 257) + "A @ B" + repeat(")", 257))
              .find("s.yaml:1:1291: the expression nests parentheses 257 deep") == 0);
    // Many shallow groups are not deep.
    CHECK(error_of(repeat("(A @ B) @ ", 300) + "C") == "");
}

TEST_CASE("expr limits: names over 256 bytes") {
    const std::string ok(256, 'n'), over(257, 'n');
    CHECK(error_of(ok + " @ B") == "");
    CHECK(error_of("A @ " + over) == "s.yaml:1:11: the name '" + std::string(32, 'n') +
                                          "...' is 257 bytes long; at most 256 are allowed: use a shorter name");
    CHECK(error_of("(" + over + " = A @ B) @ C").find("s.yaml:1:8: the name 'nnn") == 0);
}

TEST_CASE("expr limits: expressions over 1 MiB (whitespace not counted)") {
    // 4097 names of 255 bytes and 4096 '@': 4097*255 + 4096 = 1048831 bytes.
    const std::string name(255, 'n');
    std::string text = name;
    for (int i = 0; i < 4096; ++i) text += "@" + name;
    // The 1048577th byte is inside the 4081st name: 4080*256 = 1044480 bytes
    // before it, so byte 4096 of the remaining 4096+1 is at offset 1048576.
    CHECK(error_of(text) == "s.yaml:1:1048583: the expression has 1048831 bytes besides whitespace; at "
                            "most 1048576 are allowed: use shorter names or split the scene into several");
    // The same with spaces (as written back) is not longer: 1048831 solid bytes.
    std::string spaced = name;
    for (int i = 0; i < 4096; ++i) spaced += " @ " + name;
    CHECK(error_of(spaced).find("s.yaml:1:") == 0);
    CHECK(error_of(spaced).find("the expression has 1048831 bytes besides whitespace") != std::string::npos);
    const std::string a(250, 'a');
    CHECK(error_of("A @ B" + std::string(2 * limits::max_expression_bytes, ' ')) == "");
    // A compact text at the limit prints longer (" @ ") and still parses back.
    std::string compact = a;
    for (int i = 0; i < 4000; ++i) compact += "@" + a;
    auto e = parse_expression(compact, "t");
    const std::string printed = expression_text(*e);
    CHECK(printed.size() > compact.size());
    CHECK(same_expression(*e, *parse_expression(printed, "t")));
}

TEST_CASE("expr limits: the first problem in the text is reported") {
    // the depth is exceeded (column 263) long before the 1 MiB mark
    const std::string text = repeat("(", 600000) + "A @ B" + repeat(")", 600000);
    CHECK(error_of(text).find("s.yaml:1:263: the expression nests parentheses") == 0);
    CHECK(error_of("A + " + chain(5000)).find("s.yaml:1:9: unexpected character '+'") == 0);
}

// ---- round trips -----------------------------------------------------------------

TEST_CASE("expr round trip: named operands on either side (issue #9 part 11)") {
    for (const char* text : {"(x = a @ b) @ (c @ d)", "(x = a @ b) @ (y = c @ d)", "a @ (x = b @ c)",
                             "out = (x = a @ b) @ (c @ d)", "(a.b = x @ y) @ z", "a @ (b @ (c @ d))",
                             "(x = a @ (b @ c)) @ (d @ e @ f)", "(x = (y = a @ b) @ c) @ (z = d @ e) @ f",
                             "out = (attn = (Q = input @ wQ) @ (K_t = wK_t @ input_t)) @ (V = input @ wV) @ wO"}) {
        INFO(text);
        auto e = parse_expression(text, "t");
        CHECK(expression_text(*e) == text);
        check_round_trip(*e);
    }
    auto e = parse_expression("(x = a @ b) @ (c @ d)", "t");
    CHECK(e->name == "x @ (c @ d)");
    CHECK(!e->explicit_name);
    // Redundant parentheses are dropped, names kept.
    CHECK(expression_text(*parse_expression("((x = (a @ b))) @ ((c) @ d)", "t")) == "(x = a @ b) @ (c @ d)");
    CHECK(expression_text(*parse_expression("(a @ b) @ c", "t")) == "a @ b @ c");
}

TEST_CASE("expr round trip: a hand-built tree with a named left operand") {
    auto leaf = [](const char* n) {
        auto l = std::make_unique<ExprNode>();
        l->name = n;
        return l;
    };
    auto x = std::make_unique<ExprNode>();
    x->left = leaf("a");
    x->right = leaf("b");
    x->name = "x";
    x->explicit_name = true;
    auto cd = std::make_unique<ExprNode>();
    cd->left = leaf("c");
    cd->right = leaf("d");
    cd->name = "c @ d";
    ExprNode root;
    root.left = std::move(x);
    root.right = std::move(cd);
    root.name = "x @ (c @ d)";
    CHECK(expression_text(root) == "(x = a @ b) @ (c @ d)");
    check_round_trip(root);
}

TEST_CASE("expr round trip: 3000 random trees up to 51 nodes") {
    TreeGen g(20240917u);
    for (int i = 0; i < 3000; ++i) {
        auto t = g.tree(25);
        CAPTURE(i);
        check_round_trip(*t);
    }
}

TEST_CASE("expr round trip: long chains and deep right nesting") {
    auto e = parse_expression(chain(4097, "w0_L.x-1"), "t");
    check_round_trip(*e);  // same() recurses: 4096 deep with a small frame
    auto r = parse_expression(repeat("A @ (", 256) + "A @ B" + repeat(")", 256), "t");
    check_round_trip(*r);
}

TEST_CASE("expr round trip: through the scene writer and reader") {
    TreeGen g(7u);
    for (int i = 0; i < 300; ++i) {
        auto t = g.tree(20);
        SceneSpec s;
        s.path = "rt.yaml";
        s.expr = expression_text(*t);
        // Settings on every leaf and matmul, keyed by name (shape 4x4 chains).
        std::vector<const ExprNode*> todo{t.get()};
        while (!todo.empty()) {
            const ExprNode* n = todo.back();
            todo.pop_back();
            if (n->is_matmul()) {
                MatmulSpec ms;
                ms.epilog = "relu";
                s.matmuls[n->name] = ms;
                todo.push_back(n->left.get());
                todo.push_back(n->right.get());
            } else {
                LeafSpec l;
                l.h = 4;
                l.w = 4;
                s.matrices[n->name] = l;
            }
        }
        CAPTURE(s.expr);
        const std::string yaml = write_scene(s);
        SceneSpec back;
        try {
            back = parse_scene(yaml, "rt.yaml");
        } catch (const Error& e) {
            FAIL("written scene does not read back: " << e.what() << "\n" << yaml);
            continue;
        }
        CHECK(back.expr == s.expr);
        std::string why;
        CHECK_MESSAGE(same(*t, *parse_expression(back.expr, "t"), why), why);
        std::set<std::string> a, b;
        for (const auto& kv : s.matmuls) a.insert(kv.first);
        for (const auto& kv : back.matmuls) b.insert(kv.first);
        CHECK(a == b);
        a.clear();
        b.clear();
        for (const auto& kv : s.matrices) a.insert(kv.first);
        for (const auto& kv : back.matrices) b.insert(kv.first);
        CHECK(a == b);
        // and builds: every name under matrices/matmuls is found in the expression
        CHECK_NOTHROW(build_structure(back));
        CHECK(write_scene(back) == yaml);
    }
}

TEST_CASE("expr round trip: export of (x = a @ b) @ (c @ d) writes an expr that parses") {
    SceneSpec s;
    s.path = "x.yaml";
    s.expr = "(x = a @ b) @ (c @ d)";
    const ParamsJson p = params_from_scene(s);
    CHECK(p["expr"] == "(x = a @ b) @ (c @ d)");
    CHECK(p["name"] == "x @ (c @ d)");
    auto e = parse_expression(p["expr"].get<std::string>(), "t");
    CHECK(same_expression(*e, *parse_expression(s.expr, "t")));
    // and imports back to the same expression
    ImportOptions io;
    io.scene_dir = "/nonexistent";
    io.data_dirs = {"/nonexistent"};
    const SceneSpec back = scene_from_params(p, io, "link");
    CHECK(back.expr == s.expr);
}

TEST_CASE("expr limits: export refuses trees deeper than an mm link holds") {
    SceneSpec s;
    s.path = "deep.yaml";
    s.expr = chain(limits::max_link_depth + 1);  // 200 matmuls: leaves 200 deep
    CHECK_NOTHROW(params_from_scene(s));
    s.expr = chain(limits::max_link_depth + 2);
    try {
        params_from_scene(s);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(std::string(e.what()) ==
              "deep.yaml: the expression is 201 matmuls deep, too deep for an mm link; mm links hold at "
              "most 200: export a smaller expression");
    }
}
