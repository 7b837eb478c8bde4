// CSV data for init "csv" / "url" (docs/spec/mm-values.md §2.2).
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include "js_number.h"
#include "mmr/core/error.h"
#include "mmr/core/input_file.h"
#include "mmr/core/limits.h"
#include "mmr/model/values.h"

namespace mmr {

double CsvData::at(int i, int j) const {
    if (rows.empty()) return 0;
    const auto wrap = [](long long x, size_t n) {
        const long long m = static_cast<long long>(n);
        return static_cast<size_t>(((x % m) + m) % m);
    };
    const std::vector<double>& row = rows[wrap(i, rows.size())];
    if (row.empty()) return 0;  // cannot happen for parsed files: a line has >= 1 field
    return row[wrap(j, row.size())];
}

static std::string read_file(const std::string& path, const std::string& where) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        fail(where, "CSV file '" + path + "' does not exist",
             "check the path (relative paths are resolved against the scene file's folder)");
    }
    if (fs::is_directory(path, ec)) {
        fail(where, "CSV file '" + path + "' is a directory", "name a .csv file");
    }
    // Not a FIFO or device (never read until EOF); the size is checked before reading.
    InputFile in(path, limits::max_csv_bytes, "CSV file", "split the data, or save it as .npy");
    if (!in.ok()) fail(where, "cannot open CSV file '" + path + "'", "check its permissions");
    return in.read_all();
}

// "(data for scene.yaml:3:5)": which matrix wanted the file, when known.
static std::string data_for(const std::string& where) {
    return where.empty() ? "" : " (data for " + where + ")";
}

// Shown in error messages: long or odd fields are cut so the message stays one line.
static std::string shown(std::string_view field) {
    std::string s(field.substr(0, 40));
    for (char& c : s) {
        if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    }
    return field.size() > 40 ? s + "..." : s;
}

CsvData load_csv(const std::string& path, const std::string& where) {
    std::string text = read_file(path, where);
    // A browser's text decoding drops a UTF-8 byte order mark; so do we.
    if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
    if (text.empty()) fail(path, "CSV file is empty", "it needs at least one number" + data_for(where));

    CsvData data;
    size_t pos = 0;
    int line_no = 0;
    // Lines end at \r\n, \n or \r (mm: split(/\r?\n|\r/)). Like mm we keep what
    // follows the last line break: a trailing newline yields one extra row holding a
    // single 0 (Number("") is 0), which takes part in the vertical roll-over.
    for (;;) {
        ++line_no;
        size_t end = text.find_first_of("\r\n", pos);
        const std::string_view line(text.data() + pos,
                                    (end == std::string::npos ? text.size() : end) - pos);
        std::vector<double> row;
        size_t fpos = 0;
        for (int col = 1;; ++col) {
            const size_t comma = line.find(',', fpos);
            const std::string_view field =
                line.substr(fpos, comma == std::string_view::npos ? std::string_view::npos
                                                                  : comma - fpos);
            const std::optional<double> v = detail::js_string_to_number(field);
            // mm would read NaN here (e.g. a quoted field or a header); for a tool that
            // renders files it is almost always a mistake, so it is an error.
            // Location is file:row:field (1-based field number, not a character column).
            if (!v) {
                fail(path + ":" + std::to_string(line_no) + ":" + std::to_string(col),
                     "'" + shown(field) + "' is not a number",
                     "CSV fields must be plain numbers such as 0.25 or -1e-3" +
                         data_for(where));
            }
            row.push_back(*v);
            if (comma == std::string_view::npos) break;
            fpos = comma + 1;
        }
        data.rows.push_back(std::move(row));
        if (end == std::string::npos) break;
        pos = end + ((text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') ? 2 : 1);
    }
    return data;
}

}  // namespace mmr
