// The attention preset's paged (block table) and tensor-parallel pictures
// (docs/attention.md): what the expanded scene computes, checked value by value.
#include <doctest/doctest.h>

#include <string>

#include "mmr/core/error.h"
#include "mmr/model/build_model.h"
#include "mmr/model/values.h"
#include "mmr/scene/scene_parser.h"
#include "mmr/scene/scene_writer.h"

using namespace mmr;

namespace {

const Matrix& matrix_named(const Model& m, const std::string& name) {
    const Matrix* found = nullptr;
    post_order(*m.root, [&](const Node& n) {
        if (n.name == name) found = &m.matrix(n);
    });
    REQUIRE_MESSAGE(found, "no matrix " << name);
    return *found;
}

}  // namespace

TEST_CASE("mask epilog: 'S:L+P' adds P empty key columns after a request, never live") {
    const AttentionMask m = parse_mask_epilog("softmax(mask(x/sqrt(k), heads 2, requests 1:10+2 1:5+3, causal))", "e");
    CHECK(m.cols() == 20);
    CHECK(m.rows() == 4);
    CHECK(m.live(0, 9));
    CHECK_FALSE(m.live(0, 10));  // request 0's empty slots
    CHECK_FALSE(m.live(0, 11));
    CHECK_FALSE(m.live(0, 12));  // request 1's keys
    CHECK(m.live(1, 12));
    CHECK(m.live(1, 16));
    CHECK_FALSE(m.live(1, 17));
    CHECK(m.live(3, 16));  // second head, same columns
    CHECK(m.text() == "softmax(mask(x/sqrt(k), heads 2, requests 1:10+2 1:5+3, causal))");
    CHECK_THROWS_WITH_AS(parse_mask_epilog("softmax(mask(x/sqrt(k), heads 1, requests 1:4+x))", "e"),
                         doctest::Contains("'x' in the mask epilog is not a whole number"), Error);
}

TEST_CASE("paged decode: pages of block_size, last ones partly filled, the block table gathers them") {
    // Two requests of 10 and 5 keys (9 + 1 and 4 + 1) in pages of 4: 3 + 2 pages, 2 and 3
    // empty slots. Pages are allocated round robin: physical page 0 = request 0's page
    // 0, 1 = request 1's page 0, 2 = request 0's page 1, 3 = request 1's page 1, 4 =
    // request 0's page 2.
    const SceneSpec s = parse_scene(
        "attention: {variant: gqa, d_model: 64, heads: 8, kv_heads: 2, phase: decode, context: [9, 4], seq: 1,"
        " paged: {block_size: 4}}\n",
        "p.yaml");
    CHECK(s.blocks.i == 4);
    CHECK(s.blocks.k == 5);  // one block per page
    const std::string text = write_scene(s);
    CHECK(text.find("O = (S = Q @ (K_cache_t = K_pages_t @ block_table)) @ (V_cache = block_table_t @ V_pages)") !=
          std::string::npos);
    CHECK(text.find("requests 1:10+2 1:5+3, causal") != std::string::npos);
    CHECK(write_scene(parse_scene(text, "p.yaml")) == text);
    const Model m = build_model(s);
    const Matrix& kp = matrix_named(m, "K_pages_t");
    const Matrix& k = matrix_named(m, "K_cache_t");
    const Matrix& bt = matrix_named(m, "block_table");
    REQUIRE(k.w == 20);
    REQUIRE(bt.h == 20);
    // physical slot -> logical key column (-1: empty)
    const int slot_key[20] = {0, 1, 2, 3, 12, 13, 14, 15, 4, 5, 6, 7, 16, -1, -1, -1, 8, 9, -1, -1};
    int ones = 0;
    for (int x = 0; x < 20; ++x)
        for (int c = 0; c < 20; ++c) {
            CHECK(bt.at(x, c) == (slot_key[x] == c ? 1.0f : 0.0f));
            ones += bt.at(x, c) == 1.0f;
        }
    CHECK(ones == 15);  // 10 + 5 keys
    for (int x = 0; x < 20; ++x)
        for (int d = 0; d < k.h; ++d) {
            if (slot_key[x] >= 0) CHECK(k.at(d, slot_key[x]) == kp.at(d, x));
            else CHECK(kp.at(d, x) == 0.0f);  // empty slots are not drawn
        }
    // The new tokens (solid 1) are the last keys of each request: logical 9 and 16,
    // physical slots 17 and 12.
    CHECK(kp.at(0, 17) == 1.0f);
    CHECK(kp.at(0, 12) == 1.0f);
    CHECK(k.at(0, 9) == 1.0f);
    CHECK(k.at(0, 16) == 1.0f);
    // The scores: nothing in the empty slots (columns 10, 11 and 17..19).
    const Matrix& sc = matrix_named(m, "S");
    for (int i = 0; i < sc.h; ++i)
        for (int c : {10, 11, 17, 18, 19}) CHECK(sc.at(i, c) == 0.0f);
    // The same live pairs as the unpaged scene: 4 heads x (10 + 5) keys.
    const Model plain = build_model(parse_scene(
        "attention: {variant: gqa, d_model: 64, heads: 8, kv_heads: 2, phase: decode, context: [9, 4], seq: 1}\n",
        "p.yaml"));
    auto nonzero = [](const Matrix& a) {
        int n = 0;
        for (float v : a.v) n += v != 0.0f;
        return n;
    };
    CHECK(nonzero(sc) == 4 * 15);
    CHECK(nonzero(matrix_named(plain, "S")) == 4 * 15);
    // A long cache: the drawn keys (at least show.tokens = 12 of 101) start at a real
    // page boundary (key 80), so the last page holds its real 5 tokens and 11 empty slots.
    const std::string longer = write_scene(parse_scene(
        "attention: {variant: mqa, d_model: 64, heads: 4, phase: decode, context: 100, seq: 1,"
        " paged: {block_size: 16}}\n",
        "p.yaml"));
    CHECK(longer.find("requests 1:21+11, causal") != std::string::npos);
    CHECK(longer.find("blocks: {i: 4, k: 2}") != std::string::npos);
    // Prefill with paged draws as before (the pages are read in decode).
    const SceneSpec pre = parse_scene(
        "attention: {variant: mha, d_model: 64, heads: 8, seq: 6, paged: {block_size: 4}}\n", "p.yaml");
    CHECK(write_scene(pre).find("block_table") == std::string::npos);
}

TEST_CASE("tp: one head per rank, block-diagonal per rank, the output projection's row blocks are the partials") {
    const SceneSpec s = parse_scene(
        "attention: {variant: gqa, d_model: 64, heads: 8, kv_heads: 2, phase: decode, context: [7, 4], seq: 1, "
        "tp: 2}\n",
        "t.yaml");
    const std::string text = write_scene(s);
    CHECK(text.find("allreduce[Y_partial] = (O = (S = Q[rank0..1] @ K_cache_t[rank0..1]) @ V_cache[rank0..1]) @ "
                    "wO[rank0..1]") != std::string::npos);
    CHECK(text.find("requests 1:8 1:5 1:8 1:5, causal") != std::string::npos);
    CHECK(s.blocks.i == 2);
    CHECK(s.blocks.k == 2);
    const Model m = build_model(s);
    const Matrix& sc = matrix_named(m, "S");
    const Matrix& o = matrix_named(m, "O");
    const Matrix& y = matrix_named(m, "allreduce[Y_partial]");
    REQUIRE(sc.h == 4);   // 2 ranks x 2 requests' new rows
    REQUIRE(sc.w == 26);  // 2 ranks x 13 keys
    REQUIRE(o.w == 2 * 8);  // head_dim 8 per rank
    // No rank sees another's keys or values.
    for (int i = 0; i < 4; ++i) {
        const int rank = i / 2;
        for (int c = 0; c < 26; ++c)
            if (c / 13 != rank) CHECK(sc.at(i, c) == 0.0f);
        for (int d = 0; d < 16; ++d)
            if (d / 8 != rank) CHECK(o.at(i, d) == 0.0f);
            else CHECK(o.at(i, d) != 0.0f);
    }
    // Each rank's rows of Y are that rank's partial output O_r @ wO_r.
    const Matrix& wo = matrix_named(m, "wO[rank0..1]");
    for (int i = 0; i < 4; ++i) {
        const int rank = i / 2;
        double want = 0;
        for (int d = 8 * rank; d < 8 * rank + 8; ++d) want += double(o.at(i, d)) * double(wo.at(d, 0));
        CHECK(y.at(i, 0) == doctest::Approx(want).epsilon(1e-5));
    }
    CHECK(write_scene(parse_scene(text, "t.yaml")) == text);
}

TEST_CASE("dp: one request per data-parallel rank drawn, ranks padded to equal key blocks") {
    // 4 requests on 2 ranks: rank 0 serves requests 0 and 1, rank 1 requests 2 and 3; the
    // first request of each rank is drawn (8 and 11 keys): rank 0's keys are followed by
    // 3 empty columns so that both ranks are one k block of 11.
    const SceneSpec s = parse_scene(
        "attention: {variant: gqa, d_model: 64, heads: 8, kv_heads: 2, phase: decode, context: [7, 3, 10, 4],"
        " seq: 1, dp: 2}\n",
        "d.yaml");
    const std::string text = write_scene(s);
    CHECK(text.find("requests 1:8+3 1:11, causal") != std::string::npos);
    CHECK(s.blocks.k == 2);
    CHECK(s.blocks.i == 4 * 2);  // each head's rows: one per rank
    const Model m = build_model(s);
    const Matrix& k = matrix_named(m, "K_cache_t");
    const Matrix& sc = matrix_named(m, "S");
    REQUIRE(k.w == 22);
    for (int c = 8; c < 11; ++c)
        for (int d = 0; d < k.h; ++d) CHECK(k.at(d, c) == 0.0f);  // the padding is empty
    CHECK(k.at(0, 7) == 1.0f);   // rank 0's new token
    CHECK(k.at(0, 21) == 1.0f);  // rank 1's new token
    for (int i = 0; i < sc.h; ++i) {
        const int rank = i % 2;  // per head: rank 0's row, then rank 1's
        for (int c = 0; c < 22; ++c) {
            const bool own = rank == 0 ? c < 8 : c >= 11;
            CHECK((sc.at(i, c) != 0.0f) == own);
        }
    }
    CHECK(write_scene(parse_scene(text, "d.yaml")) == text);
    CHECK_THROWS_WITH_AS(
        parse_scene("attention: {variant: mha, d_model: 64, heads: 8, seq: 4, batch: 3, dp: 2}\n", "d.yaml"),
        doctest::Contains("dp 2 does not divide the 3 requests; write a dp that divides the batch"), Error);
}
