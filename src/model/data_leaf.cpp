// Data files for leaves: which file, which format, which slice; mm's `url` init
// resolved to a local file by base name (never downloaded).
#include <algorithm>
#include <cctype>
#include <filesystem>

#include "data_internal.h"
#include "mmr/core/error.h"
#include "mmr/core/warning.h"
#include "mmr/model/data.h"

namespace mmr {

namespace fs = std::filesystem;

const char* format_name(DataFormat f) {
    switch (f) {
        case DataFormat::csv: return "csv";
        case DataFormat::npy: return "npy";
        case DataFormat::npz: return "npz";
        case DataFormat::safetensors: return "safetensors";
    }
    return "?";
}

std::optional<DataFormat> parse_format(const std::string& name) {
    for (DataFormat f : {DataFormat::csv, DataFormat::npy, DataFormat::npz, DataFormat::safetensors})
        if (name == format_name(f)) return f;
    return std::nullopt;
}

std::optional<DataFormat> format_of_path(const std::string& path) {
    std::string ext = fs::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    if (ext == ".npy") return DataFormat::npy;
    if (ext == ".npz") return DataFormat::npz;
    if (ext == ".safetensors") return DataFormat::safetensors;
    if (ext == ".csv") return DataFormat::csv;
    return std::nullopt;
}

std::vector<std::string> DataPaths::url_dirs() const {
    if (!data_dirs.empty()) return data_dirs;
    std::vector<std::string> d{scene_dir.empty() ? "." : scene_dir};
    if (d[0] != "data") d.push_back("data");
    return d;
}

DataPaths data_paths_for(const SceneSpec& scene) {
    DataPaths p;
    const size_t slash = scene.path.find_last_of('/');
    p.scene_dir = slash == std::string::npos ? "." : scene.path.substr(0, std::max<size_t>(slash, 1));
    p.data_dirs = scene.data_dirs;
    p.allow_any_path = scene.allow_any_path;
    return p;
}

std::string url_base_name(const std::string& url) {
    std::string u = url.substr(0, url.find_first_of("?#"));
    const size_t slash = u.find_last_of('/');
    if (slash != std::string::npos) u = u.substr(slash + 1);
    // %xx escapes (a link may spell a space as %20)
    std::string out;
    for (size_t i = 0; i < u.size(); ++i) {
        if (u[i] == '%' && i + 2 < u.size() && std::isxdigit(static_cast<unsigned char>(u[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(u[i + 2]))) {
            out += static_cast<char>(std::stoi(u.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += u[i];
        }
    }
    return out;
}

std::string url_file_name_problem(const std::string& url) {
    const std::string base = url_base_name(url);
    if (base.empty() || base == "." || base == "..") return "does not end in a file name";
    if (base.find('/') != std::string::npos || base.find('\0') != std::string::npos)
        return "does not end in a plain file name (its base name is '" + detail::printable(base) + "')";
    return "";
}

namespace {

// `p` made absolute with symlinks resolved (as far as it exists), or empty.
fs::path resolved(const std::string& p) {
    std::error_code ec;
    fs::path a = fs::absolute(p.empty() ? fs::path(".") : fs::path(p), ec);
    if (ec) return {};
    fs::path r = fs::weakly_canonical(a, ec);
    if (ec) return {};
    return r.lexically_normal();
}

// True if `file` lies inside folder `dir`, compared by path components (not text).
bool within(const fs::path& file, fs::path dir) {
    while (!dir.has_filename() && dir != dir.root_path()) dir = dir.parent_path();
    auto f = file.begin();
    for (auto d = dir.begin(); d != dir.end(); ++d, ++f) {
        if (d->empty()) continue;
        if (f == file.end() || *f != *d) return false;
    }
    return f != file.end();
}

// Data files may only be read from the scene's folder and the data folders (after
// resolving symlinks), unless --allow-any-path.
bool allowed_path(const std::string& file, const DataPaths& paths) {
    if (paths.allow_any_path) return true;
    const fs::path f = resolved(file);
    if (f.empty()) return false;
    std::vector<std::string> roots{paths.scene_dir.empty() ? "." : paths.scene_dir};
    for (const std::string& d : paths.url_dirs()) roots.push_back(d);
    for (const std::string& r : roots) {
        const fs::path root = resolved(r);
        if (!root.empty() && within(f, root)) return true;
    }
    return false;
}

const char* const kConfineFix = "put the file there, or pass --allow-any-path";

std::string leaf_where(const LeafSpec& spec) {
    return "matrix '" + spec.name + "'" + (spec.loc.file.empty() ? "" : " at " + spec.loc.str());
}

// Appends which matrix wanted the data to a reader's one-line error.
[[noreturn]] void rethrow_for(const Error& e, const LeafSpec& spec) {
    throw Error(std::string(e.what()) + " (data for " + leaf_where(spec) + ")");
}

DataFormat format_for(const LeafSpec& spec, const std::string& path) {
    if (!spec.format.empty()) {
        if (auto f = parse_format(spec.format)) return *f;
        fail(spec.loc.str(), "matrix '" + spec.name + "' has unknown format '" + spec.format + "'",
             "use csv, npy, npz or safetensors");
    }
    return format_of_path(path).value_or(DataFormat::csv);  // mm's url data is CSV
}

bool is_file(const std::string& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

// The .npy / safetensors header of a leaf's data (the source must stay alive).
TensorInfo tensor_info(const ByteSource& file, DataFormat f, const LeafSpec& spec,
                       std::unique_ptr<ByteSource>& member) {
    if (f == DataFormat::npy) return read_npy_header(file);
    if (f == DataFormat::npz) {
        if (spec.entry.empty()) {
            fail(file.name(), "matrix '" + spec.name + "' reads an .npz but does not say which array",
                 "add 'array: NAME'; arrays in it: " + detail::name_list(npz_names(file)));
        }
        member = npz_member(file, spec.entry);
        return read_npy_header(*member);
    }
    if (spec.entry.empty()) {
        fail(file.name(), "matrix '" + spec.name + "' reads a safetensors file but does not say which tensor",
             "add 'tensor: NAME'; tensors in it: " + detail::name_list(safetensors_names(file)));
    }
    return safetensors_tensor(file, spec.entry);
}

std::string shape_text(uint64_t h, uint64_t w) { return std::to_string(h) + "x" + std::to_string(w); }

}  // namespace

bool data_file_allowed(const std::string& file, const DataPaths& paths) { return allowed_path(file, paths); }

std::string resolve_data_file(const LeafSpec& spec, const std::string& init, const DataPaths& paths) {
    if (init == "csv") {
        if (spec.file.empty())
            fail(spec.loc.str(), "matrix '" + spec.name + "' uses init 'csv' without a file",
                 "give the path of a data file as 'file:'");
        fs::path p(spec.file);
        if (p.is_relative() && !paths.scene_dir.empty()) p = fs::path(paths.scene_dir) / p;
        if (!allowed_path(p.string(), paths))
            fail(spec.loc.str(), "matrices." + spec.name + ".file '" + detail::printable(spec.file) +
                                     "' is outside the scene's folder and the data folders",
                 kConfineFix);
        return p.string();
    }
    if (init != "url") return "";
    if (spec.url.empty()) {
        if (!spec.file.empty()) {  // a local path given for mm's url init
            fs::path p(spec.file);
            if (p.is_relative() && !paths.scene_dir.empty()) p = fs::path(paths.scene_dir) / p;
            if (!allowed_path(p.string(), paths))
                fail(spec.loc.str(), "matrices." + spec.name + ".file '" + detail::printable(spec.file) +
                                         "' is outside the scene's folder and the data folders",
                     kConfineFix);
            return p.string();
        }
        fail(spec.loc.str(), "matrix '" + spec.name + "' uses init 'url' without a url",
             "give 'url:' (its file is looked up by base name in the --data-dir folders; nothing is "
             "downloaded) or the local path as 'file:'");
    }
    const std::string base = url_base_name(spec.url);
    // The base name is looked up in folders: it must not be a path ("..%2F..%2Fetc%2Fpasswd").
    if (const std::string why = url_file_name_problem(spec.url); !why.empty())
        fail(spec.loc.str(), "matrix '" + spec.name + "': the url '" + detail::printable(spec.url) + "' " + why,
             "give the url of a data file");
    const std::vector<std::string> dirs = paths.url_dirs();
    for (const std::string& d : dirs) {
        const std::string p = (fs::path(d) / base).string();
        if (is_file(p)) {
            if (!allowed_path(p, paths))  // a symbolic link that leads out
                fail(spec.loc.str(), "matrices." + spec.name + ".url: its file '" + detail::printable(p) +
                                         "' leads (by a symbolic link) outside the scene's folder and the data folders",
                     kConfineFix);
            return p;
        }
    }
    if (spec.fallback) return "";
    std::string list;
    for (const std::string& d : dirs) list += (list.empty() ? "" : ", ") + d;
    fail(spec.loc.str(),
         "matrix '" + spec.name + "': data file '" + base + "' (from its url) not found in " + list,
         "put the file in one of these folders or name its folder with --data-dir (mmr never downloads)");
}

std::optional<std::pair<int, int>> data_matrix_shape(const LeafSpec& spec, const std::string& init,
                                                     const DataPaths& paths) {
    if (init != "csv" && init != "url") return std::nullopt;
    const std::string path = resolve_data_file(spec, init, paths);
    if (path.empty()) return std::nullopt;
    const DataFormat f = format_for(spec, path);
    if (f == DataFormat::csv) return std::nullopt;
    try {
        FileSource file(path);
        std::unique_ptr<ByteSource> member;
        const TensorInfo t = tensor_info(file, f, spec, member);
        auto [h, w] = slice_shape(t, SliceSpec{spec.index, spec.transpose}, path);
        if (spec.offset.size() == 2) {  // the window from the offset to the data's end
            h -= std::min<uint64_t>(h, static_cast<uint64_t>(spec.offset[0]));
            w -= std::min<uint64_t>(w, static_cast<uint64_t>(spec.offset[1]));
        }
        if (h == 0 || w == 0 || h > 1000000 || w > 1000000)
            fail(path, "the data is " + t.shape_str() + ", which gives a " + shape_text(h, w) + " matrix",
                 "matrices need 1 to 1000000 rows and columns");
        return std::make_pair(static_cast<int>(h), static_cast<int>(w));
    } catch (const Error& e) {
        rethrow_for(e, spec);
    }
}

Matrix init_matrix(const LeafSpec& spec, const std::string& init, int h, int w, Rng& rng,
                   const DataPaths& paths) {
    if (init != "csv" && init != "url") return init_matrix(spec, init, h, w, rng, paths.scene_dir);
    const std::string path = resolve_data_file(spec, init, paths);
    if (path.empty()) {  // url file missing: the stand-in init
        LeafSpec stand_in = spec;
        stand_in.fallback.reset();
        stand_in.init = *spec.fallback;
        if (*spec.fallback == "url" || *spec.fallback == "csv")
            fail(spec.loc.str(), "matrix '" + spec.name + "': fallback must not read a file",
                 "use e.g. 'fallback: gaussian'");
        std::string base = spec.url.substr(spec.url.find_last_of('/') + 1);
        warn(spec.loc.str(),
             "matrix '" + spec.name + "': data file '" + detail::printable(base) +
                 "' (from its url) is not in the data folders; drawing a '" + *spec.fallback + "' stand-in",
             "put the file in a --data-dir folder to draw the real data");
        return init_matrix(stand_in, *spec.fallback, h, w, rng, paths.scene_dir);
    }
    const DataFormat f = format_for(spec, path);
    if (f == DataFormat::csv) {
        if (!spec.entry.empty() || !spec.index.empty() || spec.transpose || !spec.offset.empty())
            fail(spec.loc.str(), "matrix '" + spec.name + "': 'array', 'tensor', 'index', 'transpose' and 'offset' "
                                 "apply to .npy, .npz and .safetensors data, not CSV",
                 "remove them, or name the format with 'format:'");
        const CsvData data = load_csv(path, spec.loc.str());
        Matrix m(h, w);
        for (int i = 0; i < h; ++i)
            for (int j = 0; j < w; ++j) m.at(i, j) = static_cast<float>(data.at(i, j));
        return m;
    }
    try {
        FileSource file(path);
        std::unique_ptr<ByteSource> member;
        const TensorInfo t = tensor_info(file, f, spec, member);
        SliceSpec slice{spec.index, spec.transpose};
        const auto [dh, dw] = slice_shape(t, slice, path);
        if (dh == 0 || dw == 0)
            fail(path, "the " + t.shape_str() + " array has no elements to show", "use a non-empty array");
        const std::string what = spec.entry.empty() ? "the array" : "'" + spec.entry + "'";
        const std::string shown =
            spec.index.empty() && !spec.transpose ? "" : " (the slice shown is " + shape_text(dh, dw) + ")";
        if (spec.offset.size() == 2) {  // a window: it must fit inside the slice
            const uint64_t r0 = static_cast<uint64_t>(spec.offset[0]), c0 = static_cast<uint64_t>(spec.offset[1]);
            if (r0 > dh || c0 > dw || static_cast<uint64_t>(h) > dh - r0 || static_cast<uint64_t>(w) > dw - c0)
                fail(path,
                     what + " is " + t.shape_str() + shown + ": matrix '" + spec.name + "' (" + shape_text(h, w) +
                         " at offset [" + std::to_string(r0) + ", " + std::to_string(c0) + "]) does not fit in it",
                     "give a smaller shape or offset (at most " + shape_text(dh > r0 ? dh - r0 : 0, dw > c0 ? dw - c0 : 0) +
                         " from this offset)");
            slice.row0 = r0;
            slice.col0 = c0;
            slice.rows = static_cast<uint64_t>(h);
            slice.cols = static_cast<uint64_t>(w);
        } else if (dh != static_cast<uint64_t>(h) || dw != static_cast<uint64_t>(w)) {
            fail(path,
                 what + " is " + t.shape_str() + shown + " but matrix '" + spec.name + "' is " + shape_text(h, w),
                 "give 'shape: [" + std::to_string(dh) + ", " + std::to_string(dw) +
                     "]' or leave the shape out (it then comes from the data)" +
                     (dh == static_cast<uint64_t>(w) && dw == static_cast<uint64_t>(h)
                          ? ", or add 'transpose: " + std::string(spec.transpose ? "false" : "true") + "'"
                          : ""));
        }
        return read_slice(member ? *member : static_cast<const ByteSource&>(file), t, slice, path);
    } catch (const Error& e) {
        rethrow_for(e, spec);
    }
}

}  // namespace mmr
