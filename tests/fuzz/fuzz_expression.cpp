// libFuzzer target: the expression parser and writer (src/scene/expression.cpp).
// Arbitrary bytes must parse or fail with mmr::Error (never crash, never recurse
// past the limits); what parses must print, parse back to the same tree and print
// the same text again.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "mmr/core/error.h"
#include "mmr/scene/expression.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::unique_ptr<mmr::ExprNode> tree;
    try {
        tree = mmr::parse_expression(text, "fuzz.yaml:1", 6);
    } catch (const mmr::Error&) {
        return 0;
    }
    const std::string printed = mmr::expression_text(*tree);
    try {
        auto back = mmr::parse_expression(printed, "printed");
        if (!mmr::same_expression(*tree, *back)) {
            std::fprintf(stderr, "printed text parses to another tree: %s\n", printed.c_str());
            __builtin_trap();
        }
        if (mmr::expression_text(*back) != printed) {
            std::fprintf(stderr, "printing is not a fixed point: %s\n", printed.c_str());
            __builtin_trap();
        }
    } catch (const mmr::Error& e) {
        std::fprintf(stderr, "printed text does not parse: %s\n  %s\n", printed.c_str(), e.what());
        __builtin_trap();
    }
    return 0;
}
