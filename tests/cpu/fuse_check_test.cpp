#include <doctest/doctest.h>

#include "mmr/core/error.h"
#include "mmr/model/build_model.h"
#include "mmr/scene/scene_parser.h"
#include "mmr/timeline/fuse_check.h"

using namespace mmr;

static std::string problem(const std::string& yaml) {
    try {
        check_fusion(build_structure(parse_scene(yaml, "f.yaml")), "f.yaml");
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST_CASE("fuse check: fusable pairs pass, impossible fusion is an error") {
    CHECK(problem("expr: A @ B @ C\nanim: {alg: vmprod, fuse: sync}\n") == "");
    CHECK(problem("expr: A @ (B @ C)\nanim: {alg: mvprod, fuse: async}\n") == "");
    CHECK(problem("expr: (A @ B) @ (C @ D)\nanim: {alg: vvprod, fuse: sync}\n"
                  "matmuls:\n  A @ B: {anim: {alg: mvprod}}\n  C @ D: {anim: {alg: vmprod}}\n") == "");
    // Static scenes may carry a fuse mode (the article's do): no effect, no error.
    CHECK(problem("expr: A @ B @ C\nanim: {fuse: sync}\n") == "");
    CHECK(problem("expr: A @ B @ C\nanim: {alg: \"dotprod (row major)\", fuse: sync}\n")
              .find("dot products and axpy never do") != std::string::npos);
    CHECK(problem("expr: A @ (B @ C)\nanim: {alg: vmprod, fuse: sync}\n")
              .find("no matmul can fuse with its operand") != std::string::npos);
    CHECK(problem("expr: A @ B\nanim: {alg: vmprod, fuse: sync}\n") ==
          "f.yaml: anim.fuse is sync but 'A @ B' has no animated matmul operand to fuse with; "
          "remove anim.fuse, or animate a matmul operand");
    CHECK(problem("expr: A @ B @ C\nanim: {alg: vmprod, fuse: none}\n") == "");
}
