// Matrix data from files: CSV (mm's roll-over, docs/spec/mm-values.md §2.2), NumPy .npy and
// .npz, and safetensors; mm's `url` init resolved to a local file by base name.
//
// The readers never trust a file: every size, offset and count is checked against
// the bytes that are really there before anything is read or allocated, and every
// problem is a one-line mmr::Error naming the file and what was expected.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mmr/model/matrix.h"
#include "mmr/model/values.h"
#include "mmr/scene/scene_spec.h"

namespace mmr {

// ---------------------------------------------------------------- bytes --------

// Random access to the bytes of a file or of a buffer. read() throws mmr::Error
// ("<name>: truncated ...") when the range is not inside the source.
class ByteSource {
public:
    virtual ~ByteSource() = default;
    virtual uint64_t size() const = 0;
    virtual void read(uint64_t offset, uint64_t n, void* dst) const = 0;
    const std::string& name() const { return name_; }
    std::string bytes(uint64_t offset, uint64_t n) const;  // read() into a string

protected:
    explicit ByteSource(std::string name) : name_(std::move(name)) {}
    void check_range(uint64_t offset, uint64_t n) const;

private:
    std::string name_;
};

class MemorySource : public ByteSource {
public:
    // The buffer must outlive the source.
    MemorySource(const void* data, uint64_t size, std::string name);
    uint64_t size() const override { return size_; }
    void read(uint64_t offset, uint64_t n, void* dst) const override;

private:
    const unsigned char* data_;
    uint64_t size_;
};

// Owns its bytes (e.g. an inflated .npz member).
class BufferSource : public ByteSource {
public:
    BufferSource(std::string bytes, std::string name);
    uint64_t size() const override { return bytes_.size(); }
    void read(uint64_t offset, uint64_t n, void* dst) const override;

private:
    std::string bytes_;
};

class FileSource : public ByteSource {
public:
    explicit FileSource(const std::string& path);  // throws if it cannot be opened
    ~FileSource() override;
    uint64_t size() const override { return size_; }
    void read(uint64_t offset, uint64_t n, void* dst) const override;

private:
    int fd_ = -1;
    uint64_t size_ = 0;
};

// ---------------------------------------------------------------- tensors ------

enum class DType { f16, bf16, f32, f64, i8, i16, i32, i64, u8, u16, u32, u64, boolean };
const char* dtype_name(DType t);  // "float32", "int8", "bool", ...
int dtype_size(DType t);

// Where an N-D array's elements are, and how to decode them.
struct TensorInfo {
    DType dtype = DType::f32;
    bool big_endian = false;
    bool fortran_order = false;
    std::vector<uint64_t> shape;  // empty = a scalar
    uint64_t offset = 0;          // of the first element in the source
    uint64_t count() const;       // product of shape (checked against overflow when read)
    std::string shape_str() const;  // "2x3x4", "scalar"
};

// .npy (format versions 1, 2, 3). `base`/`limit`: where the .npy bytes are inside
// the source (for .npz members); limit 0 = to the end.
TensorInfo read_npy_header(const ByteSource& src, uint64_t base = 0, uint64_t limit = 0);

// .npz: the member names ("q" for "q.npy"), and one member as a source of .npy bytes
// (stored members are read in place, deflated ones are inflated; CRC-32 checked).
std::vector<std::string> npz_names(const ByteSource& src);
std::unique_ptr<ByteSource> npz_member(const ByteSource& src, const std::string& array);

// safetensors: the tensor names in header order, and one tensor.
std::vector<std::string> safetensors_names(const ByteSource& src);
TensorInfo safetensors_tensor(const ByteSource& src, const std::string& tensor);

// Which 2-D slice of an N-D array a matrix shows.
struct SliceSpec {
    std::vector<long long> index;  // leading axes (ndim - 2 entries; none for 1-D/2-D)
    bool transpose = false;
    // A window of the (transposed) 2-D slice: rows [row0, row0 + rows), columns
    // [col0, col0 + cols); rows = cols = 0 reads the whole slice. read_slice checks it fits.
    uint64_t row0 = 0, col0 = 0, rows = 0, cols = 0;
};
// Rows x cols of the slice (1-D arrays are one row; a scalar is 1x1). Throws on a bad index.
std::pair<uint64_t, uint64_t> slice_shape(const TensorInfo& t, const SliceSpec& s,
                                          const std::string& where);
// The slice's values (or its window's) as float32 (mm stores every value as float32).
Matrix read_slice(const ByteSource& src, const TensorInfo& t, const SliceSpec& s,
                  const std::string& where);

// ---------------------------------------------------------------- leaves -------

enum class DataFormat { csv, npy, npz, safetensors };
const char* format_name(DataFormat f);
// From a `format:` value or a file name's extension; nullopt if neither says.
std::optional<DataFormat> parse_format(const std::string& name);
std::optional<DataFormat> format_of_path(const std::string& path);

// Where a scene's data files are.
struct DataPaths {
    std::string scene_dir;               // relative `file:` paths
    std::vector<std::string> data_dirs;  // `url:` base names; empty = {scene_dir, "data"}
    // false: every data file must be, after resolving symlinks, inside scene_dir or one
    // of url_dirs() (`..`, absolute paths and symlinks leading out are errors).
    bool allow_any_path = false;
    std::vector<std::string> url_dirs() const;
};
DataPaths data_paths_for(const SceneSpec& scene);

// True if a data file may be read: inside the scene folder or a data folder after
// resolving symbolic links, or anywhere with allow_any_path.
bool data_file_allowed(const std::string& file, const DataPaths& paths);

// The base name of an mm url ("https://.../layer5_wq4_768_64.csv" -> "layer5_wq4_768_64.csv").
std::string url_base_name(const std::string& url);
// "" if the url's base name is a plain file name; else what is wrong with it, e.g.
// "does not end in a plain file name (its base name is '../../etc/passwd')": empty,
// '.', '..', or containing '/' or a NUL byte (from %2F / %00 escapes).
std::string url_file_name_problem(const std::string& url);

// The local file a leaf reads: `file` (relative to the scene folder) or `url` (by base
// name in the data dirs). Empty when the leaf reads no file, or when a `url` file is
// missing and the leaf has a fallback init. A missing file is an error naming the file
// and the folders searched.
std::string resolve_data_file(const LeafSpec& spec, const std::string& init,
                              const DataPaths& paths);

// Rows x cols given by a leaf's npy/npz/safetensors data (reads only headers), or
// nullopt for inits without such data (CSV rolls over and has no fixed shape).
std::optional<std::pair<int, int>> data_matrix_shape(const LeafSpec& spec, const std::string& init,
                                                     const DataPaths& paths);

// Fills an h x w matrix like init_matrix (values.h), with data files resolved by
// `paths`: CSV rolls over; npy/npz/safetensors must match the shape exactly.
Matrix init_matrix(const LeafSpec& spec, const std::string& init, int h, int w, Rng& rng,
                   const DataPaths& paths);

}  // namespace mmr
