// Where heatmap panels come from: a matrix of a scene (by its name in the expression,
// after its epilog), or a tensor file (.npy/.npz/.safetensors/.csv) with mmr's slicing,
// one panel per index of a chosen axis for grids.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "mmr/flat/heatmap.h"
#include "mmr/model/model.h"

namespace mmr::flat {

// The matrix `name` of a built model (a leaf or a matmul result). Throws mmr::Error
// listing the names when there is no such matrix.
Panel panel_from_model(const Model& model, const std::string& name);
// Every matrix name of the model, in expression order.
std::vector<std::string> model_matrix_names(const Model& model);

struct TensorSelection {
    std::string tensor;                 // .npz member / safetensors tensor ("" = the only one)
    std::vector<long long> index;       // leading axes not shown (ndim - 2, or ndim - 3 with grid)
    std::optional<int> grid_axis;       // one panel per index along this leading axis
    bool transpose = false;
};

// Parses "heads" (the last leading axis) or an axis number for --grid; ndim is the tensor's.
int grid_axis_of(const std::string& text, int ndim, const std::string& where);

// Panels from a tensor file (titles "head 0", ... for grids, named by `grid_title`).
std::vector<Panel> panels_from_file(const std::string& path, const TensorSelection& sel,
                                    const std::string& grid_option, const std::string& grid_title);

// Tokens, one per line (a trailing empty line is ignored; empty lines inside count).
std::vector<std::string> read_tokens(const std::string& path);

}  // namespace mmr::flat
