// mm links -> params (docs/spec/mm-url.md): both encodings of all 43 article links decode to
// the fixtures; bad links give one-line errors.
#include <doctest/doctest.h>

#include "import_test_util.h"
#include "mmr/core/error.h"
#include "mmr/scene/load_scene.h"
#include "mmr/scene/mm_params.h"

using namespace mmr;
using namespace mmr::test;

namespace {

// Fixture values with `compress` as the form sets it.
OJson with_compress(OJson p, bool compressed) {
    p["compress"] = compressed;
    return p;
}

std::string error_of(const std::string& link) {
    try {
        decode_mm_link(link);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

// Every value of `want` is in `got` (objects compared key by key).
bool contains(const OJson& got, const OJson& want) {
    if (want.is_object()) {
        if (!got.is_object()) return false;
        for (auto it = want.begin(); it != want.end(); ++it)
            if (!got.contains(it.key()) || !contains(got[it.key()], *it)) return false;
        return true;
    }
    if (want.is_number() && got.is_number()) return want.get<double>() == got.get<double>();
    return want == got;
}

}  // namespace

TEST_CASE("mm link: the worked example of docs/spec/mm-url.md 3.3") {
    const std::string link =
        "https://bhosmer.github.io/mm/index.html?0=X+%3D+A+%40+B&1=X&15=true&2.1=A&2.3=false&2.4=4&2.5=3"
        "&6.1=B&6.3=false&6.4=3&6.5=2&7.8=vmprod&7.9=true&10.11=-10&10.12=10&10.13=10&14.11=0&14.12=1.5"
        "&14.13=0&expr=0&name=1&left=2&matmul=3&h=4&w=5&right=6&anim=7&alg=8&hide+inputs=9&cam=10&x=11"
        "&y=12&z=13&cam.target=14&compress=15";
    const OJson p = decode_mm_link(link);
    CHECK(p["expr"] == "X = A @ B");
    CHECK(p["name"] == "X");
    CHECK(p["left"]["name"] == "A");
    CHECK(p["left"]["matmul"] == false);
    CHECK(p["left"]["h"] == 4);
    CHECK(p["left"]["w"] == 3);
    CHECK(p["left"]["init"] == "row major");  // from the defaults
    CHECK(p["right"]["h"] == 3);
    CHECK(p["right"]["init"] == "col major");
    CHECK(p["anim"]["alg"] == "vmprod");
    CHECK(p["anim"]["hide inputs"] == true);
    CHECK(p["anim"]["speed"] == 20);
    CHECK(p["cam"]["x"] == -10);
    CHECK(p["cam"]["target"]["y"] == 1.5);
    CHECK(p["compress"] == true);
    CHECK(p["deco"] == mm_default_params()["deco"]);
    CHECK(!p.contains("sync_expr"));
}

TEST_CASE("mm link: both encodings of every article link decode to its fixture") {
    const auto all = fixtures();
    REQUIRE(all.size() == 43);
    for (const Fixture& f : all) {
        CAPTURE(f.name);
        const bool was_compressed = f.params["compress"] == true;
        // JSON form: top-level keys replaced wholesale, so the fixture comes back exactly.
        const OJson j = decode_mm_link(json_link(f.params));
        CHECK(j == with_compress(f.params, false));
        // Compressed form: overlaid path by path on the defaults.
        const OJson c = decode_mm_link(compressed_link(f.params));
        if (was_compressed) {
            CHECK(c == f.params);
            CHECK(c.dump() == f.params.dump());  // key order too (docs/spec/mm-url.md 3.2)
        } else {
            CHECK(contains(c, with_compress(f.params, true)));
        }
        CHECK(decode_mm_link(compressed_link(f.params, true)) == c);  // %20 for spaces
    }
}

TEST_CASE("mm link: forms of the address") {
    const OJson p = decode_mm_link(compressed_link(fixtures()[10].params));
    const std::string q = compressed_link(fixtures()[10].params);
    const std::string query = q.substr(q.find('?') + 1);
    CHECK(decode_mm_link("https://bhosmer.github.io/mm/?" + query) == p);
    CHECK(decode_mm_link("http://localhost:8000/index.html?" + query + "#frag") == p);
    // ref.html?mm=<inner query>&doc=...
    CHECK(decode_mm_link("https://bhosmer.github.io/mm/ref.html?mm=" + uri(query) + "&doc=%7B%7D") == p);
    // no query: mm's default scene
    CHECK(decode_mm_link("https://bhosmer.github.io/mm/")["left"]["name"] == "L");
    CHECK(looks_like_mm_link("https://bhosmer.github.io/mm/index.html?params=%7B%7D"));
    CHECK(looks_like_mm_link("index.html?0=A&expr=0"));
    CHECK(!looks_like_mm_link("scene.yaml"));
    CHECK(is_link_argument("https://x"));
    CHECK(!is_link_argument("scenes/pitch.yaml"));
}

TEST_CASE("mm link: bad links are one-line errors that say what is wrong") {
    const auto all = fixtures();
    const OJson& f = all[17].params;  // 18-attn-head, compressed
    const std::string c = compressed_link(f);

    SUBCASE("not an mm link") {
        CHECK(error_of("https://example.com/search?q=matrix").find("not an mm link") != std::string::npos);
        CHECK(error_of("https://example.com/page").find("not an mm link") != std::string::npos);
    }
    SUBCASE("a truncated compressed link names the incomplete key") {
        const std::string cut = c.substr(0, c.size() * 2 / 3);
        const std::string e = error_of(cut);
        CHECK(e.find("is incomplete") != std::string::npos);
        CHECK(e.find("truncated") != std::string::npos);
        CHECK(e.find("key '") != std::string::npos);
        CHECK(e.find('\n') == std::string::npos);
    }
    SUBCASE("a name table that does not match the keys") {
        const std::string e = error_of(c + "&stray+name=999");
        CHECK(e.find("name table does not match") != std::string::npos);
        CHECK(e.find("stray name=999") != std::string::npos);
        // two names with one number
        std::string twice = c;
        const size_t at = twice.find("&expr=0");
        REQUIRE(at != std::string::npos);
        twice.replace(at, 7, "&expr=1");
        CHECK(error_of(twice).find("it gives number 1 to both") != std::string::npos);
    }
    SUBCASE("JSON that does not parse or is not a params object") {
        const std::string j = json_link(f);
        CHECK(error_of(j.substr(0, j.size() / 2)).find("not valid JSON") != std::string::npos);
        CHECK(error_of("https://bhosmer.github.io/mm/index.html?params=%5B1%2C2%5D").find("not an mm params object") !=
              std::string::npos);
        CHECK(error_of("https://bhosmer.github.io/mm/index.html?params=%7B%22foo%22%3A1%7D")
                  .find("not an mm params object") != std::string::npos);
        CHECK(error_of("https://bhosmer.github.io/mm/index.html?params=%7B%22left%22%3A5%7D").find("'left'") !=
              std::string::npos);
    }
    SUBCASE("config links would need a download") {
        CHECK(error_of("https://bhosmer.github.io/mm/index.html?config=https%3A%2F%2Fx%2Fp.json").find("never downloads") !=
              std::string::npos);
    }
    SUBCASE("hostile nesting is refused before it can exhaust the stack") {
        const std::string deep = std::string(100000, '[') + std::string(100000, ']');
        CHECK(error_of("https://bhosmer.github.io/mm/index.html?params=" + deep).find("nests more than 400 levels") !=
              std::string::npos);
        std::string tree = "{\"left\":";
        for (int i = 0; i < 300; ++i) tree += "{\"matmul\":true,\"name\":\"x\",\"right\":{\"name\":\"r\"},\"left\":";
        tree += "{\"name\":\"a\"}" + std::string(301, '}');
        CHECK_THROWS_WITH_AS(params_from_json_text(tree, "p.json"), doctest::Contains("more than 200 matmuls deep"), Error);
        std::string dotted = "left";
        for (int i = 0; i < 1000; ++i) dotted += ".left";
        CHECK(error_of("https://bhosmer.github.io/mm/index.html?0.1=5&" + dotted + "=0&h=1").find("nests more than 400") !=
              std::string::npos);
    }
    SUBCASE("a key conflict") {
        CHECK(error_of("https://bhosmer.github.io/mm/index.html?0=x&1.2=3&left=0&left=1&h=2").size() > 0);
    }
}

TEST_CASE("mm link: params JSON text") {
    const OJson p = params_from_json_text(fixtures()[0].params.dump(), "p.json");
    CHECK(p == fixtures()[0].params);
    CHECK_THROWS_WITH_AS(params_from_json_text("{\"expr\": ", "p.json"), doctest::Contains("p.json: the file is not valid JSON"),
                         Error);
    CHECK_THROWS_WITH_AS(params_from_json_text("[]", "p.json"), doctest::Contains("not an mm params object"), Error);
}

TEST_CASE("mm link: JavaScript number text") {
    CHECK(js_number_text(0.1) == "0.1");
    CHECK(js_number_text(-48) == "-48");
    CHECK(js_number_text(1e-7) == "1e-7");
    CHECK(js_number_text(0.000001) == "0.000001");
    CHECK(js_number_text(1e21) == "1e+21");
    CHECK(js_number_text(123456789012) == "123456789012");
    CHECK(js_number_text(-1149.3128801149742) == "-1149.3128801149742");
    CHECK(js_number_text(11.214) == "11.214");
}
