// safetensors files: u64 LE header length N, N bytes of JSON
//   {"name": {"dtype": "F32", "shape": [768, 64], "data_offsets": [begin, end]}, ...,
//    "__metadata__": {...}}
// then the tensor bytes (little-endian, C order), offsets relative to byte 8 + N.
#include <nlohmann/json.hpp>

#include "data_internal.h"
#include "mmr/core/error.h"
#include "mmr/core/json_depth.h"
#include "mmr/model/data.h"
#include "mmr/scene/scene_parser.h"

namespace mmr {
namespace {

using ojson = nlohmann::ordered_json;

const char* const kFix = "write the file again with safetensors' save_file";

struct Header {
    ojson json;
    uint64_t data_start = 0;
};

Header read_header(const ByteSource& src) {
    const std::string& file = src.name();
    if (src.size() < 8)
        fail(file, "truncated: " + std::to_string(src.size()) + " bytes, shorter than a safetensors header",
             kFix);
    unsigned char pre[8];
    src.read(0, 8, pre);
    const uint64_t n = detail::le(pre, 8);
    if (n > src.size() - 8)
        fail(file,
             "truncated: the header says it is " + std::to_string(n) + " bytes long but only " +
                 std::to_string(src.size() - 8) + " bytes follow",
             "the file is incomplete, or not a safetensors file");
    if (n > 100u * 1024 * 1024)
        fail(file, "safetensors header of " + std::to_string(n) + " bytes is too long",
             "at most 100 MB is accepted (as by the safetensors library)");
    const std::string text = src.bytes(8, n);
    // A safetensors header is two levels deep; refuse deep nesting before parsing.
    if (json_depth(text) > 64) fail(file, "the safetensors header nests more than 64 levels deep", kFix);
    Header h;
    h.json = ojson::parse(text, nullptr, /*allow_exceptions=*/false);
    if (h.json.is_discarded() || !h.json.is_object())
        fail(file, "the safetensors header is not a JSON object", "the file is damaged, or not a safetensors file");
    h.data_start = 8 + n;
    return h;
}

bool parse_dtype(const std::string& s, DType& t) {
    static const std::pair<const char*, DType> table[] = {
        {"F16", DType::f16}, {"BF16", DType::bf16}, {"F32", DType::f32}, {"F64", DType::f64},
        {"I8", DType::i8},   {"I16", DType::i16},   {"I32", DType::i32}, {"I64", DType::i64},
        {"U8", DType::u8},   {"U16", DType::u16},   {"U32", DType::u32}, {"U64", DType::u64},
        {"BOOL", DType::boolean}};
    for (const auto& [name, dt] : table)
        if (s == name) {
            t = dt;
            return true;
        }
    return false;
}

bool as_u64(const ojson& v, uint64_t& out) {
    if (v.is_number_unsigned()) {
        out = v.get<uint64_t>();
        return true;
    }
    if (v.is_number_integer() && v.get<int64_t>() >= 0) {
        out = static_cast<uint64_t>(v.get<int64_t>());
        return true;
    }
    return false;
}

}  // namespace

std::vector<std::string> safetensors_names(const ByteSource& src) {
    const Header h = read_header(src);
    std::vector<std::string> names;
    for (auto it = h.json.begin(); it != h.json.end(); ++it)
        if (it.key() != "__metadata__") names.push_back(it.key());
    return names;
}

TensorInfo safetensors_tensor(const ByteSource& src, const std::string& tensor) {
    const std::string& file = src.name();
    const Header h = read_header(src);
    auto it = h.json.find(tensor);
    if (it == h.json.end() || tensor == "__metadata__") {
        std::vector<std::string> names;
        for (auto k = h.json.begin(); k != h.json.end(); ++k)
            if (k.key() != "__metadata__") names.push_back(k.key());
        const std::string guess = closest_match(tensor, names);
        fail(file, "no tensor '" + detail::printable(tensor) + "' in this file",
             (guess.empty() ? "" : "did you mean '" + guess + "'? ") +
                 "tensors in it: " + detail::name_list(names));
    }
    const std::string where = file + ": tensor '" + detail::printable(tensor) + "'";
    const ojson& e = *it;
    if (!e.is_object()) fail(where, "its header entry is not a JSON object", kFix);
    auto dt = e.find("dtype");
    auto sh = e.find("shape");
    auto off = e.find("data_offsets");
    if (dt == e.end() || !dt->is_string() || sh == e.end() || !sh->is_array() || off == e.end() ||
        !off->is_array() || off->size() != 2)
        fail(where, "its header entry needs 'dtype' (text), 'shape' (list) and 'data_offsets' ([begin, end])",
             kFix);
    TensorInfo t;
    if (!parse_dtype(dt->get<std::string>(), t.dtype))
        fail(where, "dtype '" + detail::printable(dt->get<std::string>(), 20) + "' is not supported",
             "supported: F16, BF16, F32, F64, I8, I16, I32, I64, U8, U16, U32, U64, BOOL; convert "
             "with tensor.float()");
    if (sh->size() > 64) fail(where, "more than 64 dimensions", kFix);
    for (const ojson& d : *sh) {
        uint64_t v;
        if (!as_u64(d, v) || v > (uint64_t(1) << 62))
            fail(where, "shape entries must be non-negative whole numbers", kFix);
        t.shape.push_back(v);
    }
    uint64_t begin, end;
    if (!as_u64((*off)[0], begin) || !as_u64((*off)[1], end) || end < begin)
        fail(where, "'data_offsets' must be [begin, end] with begin <= end", kFix);
    const uint64_t data_len = src.size() - h.data_start;
    if (end > data_len)
        fail(where,
             "truncated: its data ends at byte " + std::to_string(end) + " of the data section, which has only " +
                 std::to_string(data_len) + " bytes",
             "the file is incomplete; write it again");
    bool overflow = false;
    const uint64_t n = t.count();
    const uint64_t need = detail::mul_checked(n, static_cast<uint64_t>(dtype_size(t.dtype)), overflow);
    if (n == UINT64_MAX || overflow || need != end - begin)
        fail(where,
             "the header says " + t.shape_str() + " " + dtype_name(t.dtype) + " (" +
                 (overflow || n == UINT64_MAX ? std::string("more than 2^64") : std::to_string(need)) +
                 " bytes) but its data_offsets span " + std::to_string(end - begin) + " bytes",
             kFix);
    t.offset = h.data_start + begin;
    t.big_endian = false;
    t.fortran_order = false;
    return t;
}

}  // namespace mmr
