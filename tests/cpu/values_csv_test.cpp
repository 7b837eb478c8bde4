// CSV data (docs/spec/mm-values.md §2.2) with our stricter field check.
#include <doctest/doctest.h>

#include <cmath>

#include "mmr/core/error.h"
#include "mmr/model/values.h"
#include "temp_dir.h"

using namespace mmr;

namespace {

CsvData load_text(const std::string& text) {
    test::TempDir dir;
    return load_csv(dir.write("data.csv", text), "scene.yaml:4:7");
}

std::string error_of(const std::string& text) {
    test::TempDir dir;
    try {
        load_csv(dir.write("data.csv", text), "scene.yaml:4:7");
    } catch (const Error& e) {
        std::string msg = e.what();
        const size_t slash = msg.rfind('/', msg.find("data.csv"));
        return slash == std::string::npos ? msg : msg.substr(slash + 1);  // drop the temp dir
    }
    return "no error";
}

}  // namespace

TEST_CASE("csv rows roll over vertically and per row horizontally") {
    const CsvData d = load_text("1,2,3\n4,5");
    REQUIRE(d.rows.size() == 2);
    CHECK(d.at(0, 0) == 1);
    CHECK(d.at(0, 3) == 1);
    CHECK(d.at(0, 4) == 2);
    CHECK(d.at(1, 1) == 5);
    CHECK(d.at(1, 2) == 4);  // row 1 has 2 fields
    CHECK(d.at(2, 2) == 3);  // back to row 0
    CHECK(d.at(3, 5) == 5);
}

TEST_CASE("csv trailing newline adds a row holding a single 0 (mm's rule)") {
    const CsvData d = load_text("1,2\n3,4\n");
    REQUIRE(d.rows.size() == 3);
    CHECK(d.rows[2] == std::vector<double>{0});
    CHECK(d.at(2, 1) == 0);
    CHECK(d.at(3, 1) == 2);
}

TEST_CASE("csv line breaks: \\r\\n, \\n and \\r; blank lines are a 0") {
    const CsvData d = load_text("1,2\r\n3,4\r5,6\n\n7");
    REQUIRE(d.rows.size() == 5);
    CHECK(d.rows[0] == std::vector<double>{1, 2});
    CHECK(d.rows[1] == std::vector<double>{3, 4});
    CHECK(d.rows[2] == std::vector<double>{5, 6});
    CHECK(d.rows[3] == std::vector<double>{0});
    CHECK(d.rows[4] == std::vector<double>{7});
}

TEST_CASE("csv fields use JavaScript Number()") {
    const CsvData d = load_text("\xEF\xBB\xBF 1.5 , ,\t-2e1 ,.5,5.,+3,0x1F,0b101,0o17,1e400,-Infinity,\xC2\xA0" "7\xC2\xA0");
    REQUIRE(d.rows.size() == 1);
    const std::vector<double> expected = {1.5, 0, -20, 0.5, 5, 3, 31, 5, 15, HUGE_VAL, -HUGE_VAL, 7};
    CHECK(d.rows[0] == expected);
}

TEST_CASE("csv non-numeric field is an error with row:field") {
    CHECK(error_of("1,2\n3,abc\n") ==
          "data.csv:2:2: 'abc' is not a number; CSV fields must be plain numbers such as 0.25 or "
          "-1e-3 (data for scene.yaml:4:7)");
    CHECK(error_of("\"1\",2").find("data.csv:1:1: '\"1\"' is not a number") == 0);
    // What strtod would take but JavaScript Number() rejects.
    for (const char* bad : {"inf", "nan", "0x1p3", "1e", "-0x10", "1_0", "1 2", "e5", "."}) {
        CAPTURE(bad);
        CHECK(error_of(std::string("0\n0,") + bad).find("data.csv:2:2: '") == 0);
    }
}

TEST_CASE("csv missing, empty or directory file is an error") {
    test::TempDir dir;
    CHECK_THROWS_WITH_AS(load_csv(dir.path + "/nope.csv", "scene.yaml:4:7"),
                         doctest::Contains(("scene.yaml:4:7: CSV file '" + dir.path +
                                            "/nope.csv' does not exist")
                                               .c_str()),
                         Error);
    CHECK_THROWS_WITH_AS(load_csv(dir.write("empty.csv", ""), "x"),
                         doctest::Contains("empty.csv: CSV file is empty"), Error);
    CHECK_THROWS_WITH_AS(load_csv(dir.path, "x"), doctest::Contains("is a directory"), Error);
}
