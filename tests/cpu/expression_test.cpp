#include <doctest/doctest.h>

#include "mmr/core/error.h"
#include "mmr/scene/expression.h"

using namespace mmr;

static std::string error_of(const std::string& text) {
    try {
        parse_expression(text, "s.yaml:1", 6);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST_CASE("expression: @ is left-associative and names are generated like mm") {
    auto e = parse_expression("A @ B @ C", "x");
    REQUIRE(e->is_matmul());
    CHECK(e->name == "A @ B @ C");
    CHECK(e->left->name == "A @ B");
    CHECK(e->left->left->name == "A");
    CHECK(e->right->name == "C");
    CHECK(!e->right->is_matmul());
}

TEST_CASE("expression: parentheses and default names with wrapped right operands") {
    auto e = parse_expression("A @ (B @ C)", "x");
    CHECK(e->name == "A @ (B @ C)");
    CHECK(e->right->name == "B @ C");
    auto b = parse_expression("(A @ B) @ (C @ D)", "x");
    CHECK(b->name == "A @ B @ (C @ D)");
    auto n = parse_expression("(x = A @ B) @ C", "x");
    CHECK(n->name == "x @ C");
    CHECK(n->left->explicit_name);
    auto r = parse_expression("((A @ B))", "x");
    CHECK(r->name == "A @ B");
    auto single = parse_expression("(A) @ B", "x");
    CHECK(single->left->name == "A");
}

TEST_CASE("expression: the attention head regenerates mm's canonical text") {
    const char* text =
        "out = (attn = (Q = input @ wQ) @ (K_t = wK_t @ input_t)) @ (V = input @ wV) @ wO";
    auto e = parse_expression(text, "x");
    CHECK(e->name == "out");
    CHECK(e->left->name == "attn @ V");
    CHECK(e->left->left->name == "attn");
    CHECK(e->left->left->right->name == "K_t");
    CHECK(expression_text(*e) == text);
}

TEST_CASE("expression: names may contain mm's punctuation") {
    auto e = parse_expression("attn[i] @ w0_L.x-1", "x");
    CHECK(e->left->name == "attn[i]");
    CHECK(e->right->name == "w0_L.x-1");
}

TEST_CASE("expression: errors point at the column") {
    CHECK(error_of("A @ B + C") == "s.yaml:1:13: unexpected character '+'; expressions use names, '@', '(', ')' and 'name ='");
    CHECK(error_of("A") == "s.yaml:1:7: the expression must contain at least one '@'; write a matmul such as 'A @ B'");
    CHECK(error_of("A @ (B @ C") .find("s.yaml:1:17: expected ')' to close the '(' at column 11") == 0);
    CHECK(error_of("A @") .find("s.yaml:1:10: expected a name or '('") == 0);
    CHECK(error_of("A B") .find("s.yaml:1:9: unexpected name 'B'") == 0);
    CHECK(error_of("").find("the expression is empty") != std::string::npos);
    CHECK(error_of("x = A").find("names a single matrix") != std::string::npos);
    CHECK(error_of("A @ x = B").find("can only start the expression") != std::string::npos);
    CHECK(error_of("A @ B)").find("unexpected ')'") != std::string::npos);
}
