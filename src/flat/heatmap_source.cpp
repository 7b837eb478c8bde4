// Heatmap panels from scenes and tensor files (docs/flat.md#inputs).
#include "mmr/flat/heatmap_source.h"

#include <algorithm>
#include <fstream>
#include <memory>

#include "mmr/core/error.h"
#include "mmr/core/input_file.h"
#include "mmr/core/limits.h"
#include "mmr/model/data.h"
#include "mmr/model/values.h"

namespace mmr::flat {
namespace {

std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const std::string& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

std::string shape_text(const std::vector<uint64_t>& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

// The tensor inside the file: a source for its bytes and where its elements are.
struct OpenTensor {
    std::unique_ptr<ByteSource> file, member;
    TensorInfo info;
    const ByteSource& src() const { return member ? *member : *file; }
};

OpenTensor open_tensor(const std::string& path, DataFormat fmt, const std::string& tensor) {
    OpenTensor t;
    t.file = std::make_unique<FileSource>(path);
    if (fmt == DataFormat::npy) {
        if (!tensor.empty()) fail("--tensor", "a .npy file holds one array", "leave --tensor out");
        t.info = read_npy_header(*t.file);
        return t;
    }
    const std::vector<std::string> names =
        fmt == DataFormat::npz ? npz_names(*t.file) : safetensors_names(*t.file);
    std::string name = tensor;
    if (name.empty()) {
        if (names.size() != 1)
            fail(path, "holds " + std::to_string(names.size()) + " tensors",
                 "choose one with --tensor NAME (" + join(names) + ")");
        name = names[0];
    } else if (std::find(names.begin(), names.end(), name) == names.end()) {
        fail("--tensor " + name, "is not in " + path, "its tensors: " + join(names));
    }
    if (fmt == DataFormat::npz) {
        t.member = npz_member(*t.file, name);
        t.info = read_npy_header(*t.member);
    } else {
        t.info = safetensors_tensor(*t.file, name);
    }
    return t;
}

Matrix matrix_from_csv(const std::string& path) {
    CsvData d = load_csv(path, path);
    // mm reads the empty text after a final line break as one more row holding 0; a
    // heatmap shows the lines of the file.
    std::ifstream f(path, std::ios::binary | std::ios::ate);
    char last = 0;
    if (f && f.tellg() > 0 && f.seekg(-1, std::ios::end) && f.get(last) && (last == '\n' || last == '\r') &&
        d.rows.size() > 1)
        d.rows.pop_back();
    if (d.rows.empty()) fail(path, "has no numbers", "give a CSV file of rows of numbers");
    const size_t w = d.rows[0].size();
    for (size_t i = 1; i < d.rows.size(); ++i)
        if (d.rows[i].size() != w)
            fail(path + ":" + std::to_string(i + 1), "has " + std::to_string(d.rows[i].size()) + " values, line 1 has " + std::to_string(w),
                 "a heatmap needs every row the same length");
    if (double(w) * d.rows.size() > limits::max_elements)
        fail(path, "is too large to draw", "slice or aggregate it first");
    Matrix m(int(d.rows.size()), int(w));
    for (int i = 0; i < m.h; ++i)
        for (int j = 0; j < m.w; ++j) m.at(i, j) = float(d.rows[i][j]);
    return m;
}

}  // namespace

std::vector<std::string> model_matrix_names(const Model& model) {
    std::vector<std::string> names;
    post_order(*model.root, [&](const Node& n) {
        if (std::find(names.begin(), names.end(), n.name) == names.end()) names.push_back(n.name);
    });
    return names;
}

Panel panel_from_model(const Model& model, const std::string& name) {
    const Node* found = nullptr;
    post_order(*model.root, [&](const Node& n) {
        if (!found && n.name == name) found = &n;
    });
    if (!found) fail("--matrix " + name, "is not a matrix of the scene", "its matrices: " + join(model_matrix_names(model)));
    return Panel{"", model.matrix(*found)};
}

int grid_axis_of(const std::string& text, int ndim, const std::string& where) {
    if (ndim < 3) fail(where, "needs a tensor of 3 or more axes (this one has " + std::to_string(ndim) + ")", "leave --grid out");
    if (text == "heads") return ndim - 3;
    int axis = -1;
    try {
        size_t used = 0;
        axis = std::stoi(text, &used);
        if (used != text.size()) axis = -1;
    } catch (...) {
        axis = -1;
    }
    if (axis < 0 || axis > ndim - 3)
        fail(where + " " + text, "is not a leading axis of this " + std::to_string(ndim) + "-axis tensor",
             "give 'heads' (axis " + std::to_string(ndim - 3) + ") or an axis from 0 to " + std::to_string(ndim - 3) +
                 " (the last two axes are the rows and columns)");
    return axis;
}

std::vector<Panel> panels_from_file(const std::string& path, const TensorSelection& sel,
                                    const std::string& grid_option, const std::string& grid_title) {
    const std::optional<DataFormat> fmt = format_of_path(path);
    if (!fmt) fail(path, "is not a tensor file", "give a .npy, .npz, .safetensors or .csv file");
    if (*fmt == DataFormat::csv) {
        if (!sel.tensor.empty() || !sel.index.empty() || !grid_option.empty())
            fail(path, "a CSV file is one matrix", "leave --tensor, --index and --grid out");
        Matrix m = matrix_from_csv(path);
        if (sel.transpose) {
            Matrix t(m.w, m.h);
            for (int i = 0; i < m.h; ++i)
                for (int j = 0; j < m.w; ++j) t.at(j, i) = m.at(i, j);
            m = std::move(t);
        }
        return {Panel{"", std::move(m)}};
    }
    OpenTensor t = open_tensor(path, *fmt, sel.tensor);
    const int ndim = int(t.info.shape.size());
    const std::string where = path + (sel.tensor.empty() ? "" : ":" + sel.tensor);
    if (grid_option.empty()) {
        if (int(sel.index.size()) != std::max(0, ndim - 2))
            fail(where, "is " + std::to_string(ndim) + "-D " + shape_text(t.info.shape) + "; a heatmap shows 2 axes",
                 ndim > 2 ? "give --index with " + std::to_string(ndim - 2) + " number(s) for the leading axes, or --grid heads"
                          : "leave --index out");
        SliceSpec s{sel.index, sel.transpose};
        const auto [r, c] = slice_shape(t.info, s, where);
        if (double(r) * double(c) > limits::max_elements)
            fail(where, "slice is " + std::to_string(r) + "x" + std::to_string(c) + ", too large to draw", "slice a smaller part");
        return {Panel{"", read_slice(t.src(), t.info, s, where)}};
    }
    const int axis = grid_axis_of(grid_option, ndim, "--grid");
    if (int(sel.index.size()) != ndim - 3)
        fail(where, "is " + std::to_string(ndim) + "-D " + shape_text(t.info.shape) + "; with --grid, " +
                        std::to_string(ndim - 3) + " leading ax" + (ndim - 3 == 1 ? "is needs" : "es need") + " an index",
             ndim > 3 ? "give --index with " + std::to_string(ndim - 3) + " number(s) for the other leading axes"
                      : "leave --index out");
    const uint64_t count = t.info.shape[axis];
    if (count == 0) fail(where, "axis " + std::to_string(axis) + " is empty", "choose another axis");
    if (count > 256) fail("--grid", std::to_string(count) + " panels is too many for one figure", "at most 256; slice the tensor");
    double total = 0;
    std::vector<Panel> out;
    for (uint64_t k = 0; k < count; ++k) {
        SliceSpec s{sel.index, sel.transpose};
        s.index.insert(s.index.begin() + axis, (long long)k);
        const auto [r, c] = slice_shape(t.info, s, where);
        total += double(r) * double(c);
        if (total > limits::max_elements)
            fail(where, "the panels hold more than " + std::to_string((long long)limits::max_elements) + " values",
                 "slice a smaller part");
        out.push_back(Panel{grid_title + " " + std::to_string(k), read_slice(t.src(), t.info, s, where)});
    }
    return out;
}

std::vector<std::string> read_tokens(const std::string& path) {
    const std::string text = read_input_file(path, 16u << 20, "tokens file");
    std::vector<std::string> out;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        out.push_back(line);
        start = end + 1;
    }
    if (out.empty()) fail(path, "has no tokens", "write one token per line");
    return out;
}

}  // namespace mmr::flat
