// Init "expr" formulas (docs/spec/mm-values.md §2.3) evaluated by Duktape in a child process.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <cmath>

#include "mmr/core/error.h"
#include "mmr/model/values.h"

using namespace mmr;

namespace {

Matrix js(const std::string& f, int h = 2, int w = 2) { return eval_js_matrix(f, h, w, 5.0, "scene.yaml:2:3"); }

std::string error_of(const std::string& f, double timeout = 5.0) {
    try {
        eval_js_matrix(f, 2, 2, timeout, "scene.yaml:2:3");
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

bool no_children_left() { return waitpid(-1, nullptr, WNOHANG) == -1 && errno == ECHILD; }

}  // namespace

TEST_CASE("js: the article's band formula") {
    const Matrix m = js("-2 * (Math.trunc(i / 8) % 2) + 1", 20, 2);
    for (int i = 0; i < 20; ++i) {
        CAPTURE(i);
        const float expected = (i / 8) % 2 ? -1.0f : 1.0f;
        CHECK(m.at(i, 0) == expected);
        CHECK(m.at(i, 1) == expected);
    }
    const Matrix c = js("-2 * (Math.trunc(j / 8) % 2) + 1", 1, 17);
    CHECK(c.at(0, 7) == 1.0f);
    CHECK(c.at(0, 8) == -1.0f);
    CHECK(c.at(0, 16) == 1.0f);
}

TEST_CASE("js: operators and values") {
    CHECK(js("-1 % 2").v == std::vector<float>(4, -1.0f));
    CHECK(js("(i - 3) % 2", 2, 1).v == std::vector<float>{-1, 0});
    CHECK(js("2 ** 3").v == std::vector<float>(4, 8.0f));
    CHECK(js("i > j ? 2 : 3").v == std::vector<float>{3, 3, 2, 3});
    CHECK(js("i == j").v == std::vector<float>{1, 0, 0, 1});
    CHECK(js("h * 10 + w", 3, 4).v == std::vector<float>(12, 34.0f));
    CHECK(js("i * w + j", 2, 3).v == std::vector<float>{0, 1, 2, 3, 4, 5});
    CHECK(js("Math.PI", 1, 1).v[0] == static_cast<float>(M_PI));
    CHECK(js("Math.sqrt(2) // a comment", 1, 1).v[0] == static_cast<float>(std::sqrt(2.0)));
    CHECK(js("'7'", 1, 1).v[0] == 7.0f);
    CHECK(js("null", 1, 1).v[0] == 0.0f);
    CHECK(std::isnan(js("0 / 0", 1, 1).v[0]));  // NaN stays NaN
    CHECK(std::isnan(js("undefined", 1, 1).v[0]));
    CHECK(std::isnan(js("'abc'", 1, 1).v[0]));
    CHECK(js("1 / 0", 1, 1).v[0] == HUGE_VALF);
    CHECK(js("1, 2", 1, 1).v[0] == 2.0f);  // a comma expression is still one expression
}

JsOptions zero_on_throw() {
    JsOptions o;
    o.timeout_seconds = 5.0;
    o.errors_zero = true;
    return o;
}

TEST_CASE("js: with errors_zero (--js-errors zero) an element that throws is 0, as in mm") {
    const Matrix m = eval_js_matrix("(i == 2) ? undefinedVar : 1", 4, 2, zero_on_throw(), "scene.yaml:2:3");
    CHECK(m.v == std::vector<float>{1, 1, 1, 1, 0, 0, 1, 1});
    CHECK(eval_js_matrix("({ valueOf: function() { throw 1; } })", 1, 1, zero_on_throw(), "x").v[0] == 0.0f);
    CHECK(no_children_left());
}

TEST_CASE("js: an element that throws is an error naming the matrix, the element and the message") {
    JsOptions o;
    o.matrix = "W";
    std::string e;
    try {
        eval_js_matrix("j == 3 ? foo : 1", 2, 5, o, "scene.yaml:5:7");
    } catch (const Error& err) {
        e = err.what();
    }
    CHECK(e == "scene.yaml:5:7: the formula of matrix 'W' threw at (i=0, j=3): ReferenceError: identifier "
               "'foo' undefined; fix the formula, or give --js-errors zero to make such elements 0 as mm does");
    CHECK(error_of("({ valueOf: function() { throw new Error('a\\nb'); } })").find("threw at (i=0, j=0): Error: a b;") !=
          std::string::npos);  // one line
    CHECK(no_children_left());
}

TEST_CASE("js: Math.random is seeded, the same on every run, and differs with the seed") {
    JsOptions a;
    a.seed = 1;
    const Matrix r1 = eval_js_matrix("Math.random()", 8, 8, a, "x");
    const Matrix r2 = eval_js_matrix("Math.random()", 8, 8, a, "x");
    CHECK(r1.v == r2.v);
    bool all_in_range = true, varied = false;
    for (float v : r1.v) {
        all_in_range = all_in_range && v >= 0.0f && v < 1.0f;
        varied = varied || v != r1.v[0];
    }
    CHECK(all_in_range);
    CHECK(varied);
    a.seed = 2;
    CHECK(eval_js_matrix("Math.random()", 8, 8, a, "x").v != r1.v);
}

TEST_CASE("js: Date is fixed at 0, 1970-01-01T00:00:00Z") {
    CHECK(js("Date.now()", 1, 1).v[0] == 0.0f);
    CHECK(js("new Date().getTime()", 1, 1).v[0] == 0.0f);
    CHECK(js("new Date().getHours() * 100 + new Date().getFullYear() - 1970", 1, 1).v[0] == 0.0f);  // UTC
    CHECK(js("new Date() instanceof Date", 1, 1).v[0] == 1.0f);
    CHECK(js("new Date(2020, 0).getFullYear()", 1, 1).v[0] == 2020.0f);
    CHECK(js("new Date(86400000).getDate()", 1, 1).v[0] == 2.0f);
    CHECK(js("Date.UTC(1970, 0, 2)", 1, 1).v[0] == 86400000.0f);
    CHECK(js("typeof Date() == 'string'", 1, 1).v[0] == 1.0f);
}

TEST_CASE("js: a formula that does not compile is an error") {
    const std::string e = error_of("while(true){}");
    CHECK(e.find("scene.yaml:2:3: init expression 'while(true){}' does not compile: SyntaxError") == 0);
    CHECK(e.find('\n') == std::string::npos);
    CHECK(error_of("1 +").find("does not compile") != std::string::npos);
    CHECK(error_of("").find("does not compile") != std::string::npos);
    // Text that closes the wrapper's parenthesis is not one expression.
    CHECK(error_of("1); (2").find("is not a single expression") != std::string::npos);
    CHECK(error_of("1)\n(2").find("is not a single expression") != std::string::npos);
    CHECK(no_children_left());
}

TEST_CASE("js: an endless formula is stopped at the time limit") {
    const auto t0 = std::chrono::steady_clock::now();
    const std::string e = error_of("(function(){while(true){}})()", 0.5);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(e == "scene.yaml:2:3: init expression '(function(){while(true){}})()' did not finish "
               "within 0.5 s (an endless loop?); simplify the formula");
    CHECK(s >= 0.5);
    CHECK(s < 3.0);
    CHECK(no_children_left());  // the killed child was reaped
}

TEST_CASE("js: empty matrix needs no evaluation") {
    CHECK(eval_js_matrix("i", 0, 5, 1.0, "x").size() == 0);
}
