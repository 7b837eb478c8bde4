// Test-side writers of .npy, .npz and safetensors files with known values (written
// independently of src/model/data_*.cpp), shared by the data_* tests.
#pragma once
#include <zlib.h>

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "mmr/core/error.h"
#include "mmr/model/data.h"
#include "mmr/model/values.h"
#include "temp_dir.h"

namespace mmr::test {

inline uint16_t float_to_half(float f) {
    if (f == 0) return std::signbit(f) ? 0x8000 : 0;
    const uint16_t sign = std::signbit(f) ? 0x8000 : 0;
    int e;
    const float m = std::frexp(std::fabs(f), &e);  // f = m * 2^e, m in [0.5, 1)
    const int exp = e - 1 + 15;                      // biased exponent of 1.xxx * 2^(e-1)
    const uint16_t mant = static_cast<uint16_t>(std::lround((m * 2 - 1) * 1024));
    return static_cast<uint16_t>(sign | (exp << 10) | mant);  // tests use normal, exact values
}

inline uint16_t float_to_bf16(float f) {
    uint32_t b;
    std::memcpy(&b, &f, 4);
    return static_cast<uint16_t>(b >> 16);  // tests use values exact in bf16
}

// One element as bytes: `code` is numpy's ("f2", "f4", "f8", "i1".."i8", "u1".."u8",
// "b1") or "bf16".
inline std::string element_bytes(double v, const std::string& code, bool big) {
    uint64_t bits = 0;
    int n = 0;
    if (code == "f2") { bits = float_to_half(static_cast<float>(v)); n = 2; }
    else if (code == "bf16") { bits = float_to_bf16(static_cast<float>(v)); n = 2; }
    else if (code == "f4") { float f = static_cast<float>(v); uint32_t b; std::memcpy(&b, &f, 4); bits = b; n = 4; }
    else if (code == "f8") { std::memcpy(&bits, &v, 8); n = 8; }
    else if (code == "b1") { bits = v != 0; n = 1; }
    else {
        n = code[1] - '0';
        if (code[0] == 'i') bits = static_cast<uint64_t>(static_cast<int64_t>(v));
        else bits = static_cast<uint64_t>(v);
    }
    std::string s(static_cast<size_t>(n), '\0');
    for (int i = 0; i < n; ++i) {
        const unsigned char byte = static_cast<unsigned char>(bits >> (8 * i));
        s[static_cast<size_t>(big ? n - 1 - i : i)] = static_cast<char>(byte);
    }
    return s;
}

// Values given in C (row-major) order; written in C or Fortran order.
inline std::string array_bytes(const std::vector<double>& c_values, const std::vector<size_t>& shape,
                               const std::string& code, bool big, bool fortran) {
    std::vector<size_t> order(c_values.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    if (fortran && shape.size() > 1) {
        // element at F position p has multi-index with axis 0 fastest
        for (size_t p = 0; p < c_values.size(); ++p) {
            size_t rem = p, c_index = 0, c_stride = 1;
            std::vector<size_t> idx(shape.size());
            for (size_t k = 0; k < shape.size(); ++k) {
                idx[k] = rem % shape[k];
                rem /= shape[k];
            }
            for (size_t k = shape.size(); k-- > 0;) {
                c_index += idx[k] * c_stride;
                c_stride *= shape[k];
            }
            order[p] = c_index;
        }
    }
    std::string out;
    for (size_t p = 0; p < order.size(); ++p) out += element_bytes(c_values[order[p]], code, big);
    return out;
}

inline std::string npy_bytes(const std::vector<double>& c_values, const std::vector<size_t>& shape,
                             const std::string& code, bool big = false, bool fortran = false, int version = 1) {
    const char order = code == "b1" || code == "i1" || code == "u1" ? '|' : big ? '>' : '<';
    std::string shape_text = "(";
    for (size_t i = 0; i < shape.size(); ++i) shape_text += std::to_string(shape[i]) + (shape.size() == 1 ? "," : i + 1 < shape.size() ? ", " : "");
    shape_text += ")";
    std::string header = std::string("{'descr': '") + order + code + "', 'fortran_order': " +
                         (fortran ? "True" : "False") + ", 'shape': " + shape_text + ", }";
    const size_t pre = version == 1 ? 10 : 12;
    while ((pre + header.size() + 1) % 64) header += ' ';
    header += '\n';
    std::string out = "\x93NUMPY";
    out += static_cast<char>(version);
    out += '\0';
    const size_t n = header.size();
    out += static_cast<char>(n & 255);
    out += static_cast<char>((n >> 8) & 255);
    if (version != 1) {
        out += static_cast<char>((n >> 16) & 255);
        out += static_cast<char>((n >> 24) & 255);
    }
    return out + header + array_bytes(c_values, shape, code, big, fortran);
}

inline void put16(std::string& s, uint32_t v) {
    s += static_cast<char>(v & 255);
    s += static_cast<char>((v >> 8) & 255);
}
inline void put32(std::string& s, uint32_t v) {
    put16(s, v & 0xffff);
    put16(s, v >> 16);
}
inline void put64(std::string& s, uint64_t v) {
    put32(s, static_cast<uint32_t>(v));
    put32(s, static_cast<uint32_t>(v >> 32));
}

inline std::string raw_deflate(const std::string& data) {
    z_stream zs{};
    deflateInit2(&zs, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&zs, data.size()) + 16, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

struct ZipMember {
    std::string name, data;
    bool deflate = false;
    bool zip64_local = false;  // numpy writes a zip64 extra field in local headers
};

inline std::string zip_bytes(const std::vector<ZipMember>& members) {
    std::string out, cd;
    for (const ZipMember& m : members) {
        const std::string body = m.deflate ? raw_deflate(m.data) : m.data;
        const uint32_t crc = static_cast<uint32_t>(
            crc32(0, reinterpret_cast<const Bytef*>(m.data.data()), static_cast<uInt>(m.data.size())));
        const uint32_t offset = static_cast<uint32_t>(out.size());
        std::string extra;
        if (m.zip64_local) {
            put16(extra, 1);
            put16(extra, 16);
            put64(extra, m.data.size());
            put64(extra, body.size());
        }
        put32(out, 0x04034b50);
        put16(out, m.zip64_local ? 45 : 20);
        put16(out, 0);
        put16(out, m.deflate ? 8 : 0);
        put16(out, 0);
        put16(out, 0x21);
        put32(out, crc);
        put32(out, m.zip64_local ? 0xFFFFFFFF : static_cast<uint32_t>(body.size()));
        put32(out, m.zip64_local ? 0xFFFFFFFF : static_cast<uint32_t>(m.data.size()));
        put16(out, static_cast<uint32_t>(m.name.size()));
        put16(out, static_cast<uint32_t>(extra.size()));
        out += m.name + extra + body;
        put32(cd, 0x02014b50);
        put16(cd, 20);
        put16(cd, 20);
        put16(cd, 0);
        put16(cd, m.deflate ? 8 : 0);
        put16(cd, 0);
        put16(cd, 0x21);
        put32(cd, crc);
        put32(cd, static_cast<uint32_t>(body.size()));
        put32(cd, static_cast<uint32_t>(m.data.size()));
        put16(cd, static_cast<uint32_t>(m.name.size()));
        put16(cd, 0);
        put16(cd, 0);
        put16(cd, 0);
        put16(cd, 0);
        put32(cd, 0);
        put32(cd, offset);
        cd += m.name;
    }
    const uint32_t cd_offset = static_cast<uint32_t>(out.size());
    out += cd;
    put32(out, 0x06054b50);
    put16(out, 0);
    put16(out, 0);
    put16(out, static_cast<uint32_t>(members.size()));
    put16(out, static_cast<uint32_t>(members.size()));
    put32(out, static_cast<uint32_t>(cd.size()));
    put32(out, cd_offset);
    put16(out, 0);
    return out;
}

struct StTensor {
    std::string name, dtype;  // "F32", "BF16", ...
    std::vector<size_t> shape;
    std::vector<double> values;  // C order
};

inline std::string st_code(const std::string& dtype) {
    if (dtype == "F16") return "f2";
    if (dtype == "BF16") return "bf16";
    if (dtype == "F32") return "f4";
    if (dtype == "F64") return "f8";
    if (dtype == "BOOL") return "b1";
    if (dtype[0] == 'I') return "i" + std::to_string(std::stoi(dtype.substr(1)) / 8);
    return "u" + std::to_string(std::stoi(dtype.substr(1)) / 8);
}

inline std::string safetensors_bytes(const std::vector<StTensor>& tensors, const std::string& metadata = "") {
    std::string header = "{";
    std::string data;
    if (!metadata.empty()) header += "\"__metadata__\":" + metadata + ",";
    for (size_t t = 0; t < tensors.size(); ++t) {
        const StTensor& x = tensors[t];
        const std::string bytes = array_bytes(x.values, x.shape, st_code(x.dtype), false, false);
        std::string shape = "[";
        for (size_t i = 0; i < x.shape.size(); ++i) shape += (i ? "," : "") + std::to_string(x.shape[i]);
        shape += "]";
        header += (t ? "," : "") + std::string("\"") + x.name + "\":{\"dtype\":\"" + x.dtype + "\",\"shape\":" + shape +
                  ",\"data_offsets\":[" + std::to_string(data.size()) + "," +
                  std::to_string(data.size() + bytes.size()) + "]}";
        data += bytes;
    }
    header += "}";
    while (header.size() % 8) header += ' ';
    std::string out;
    put64(out, header.size());
    return out + header + data;
}

// Values as float32, for exact comparisons with loaded matrices.
inline std::vector<float> as_floats(const std::vector<double>& v) {
    std::vector<float> f;
    for (double x : v) f.push_back(static_cast<float>(x));
    return f;
}

// Loads a data-file leaf through init_matrix, with the shape the data gives.
inline Matrix load_leaf(const TempDir& dir, const LeafSpec& s) {
    const auto shape = data_matrix_shape(s, "csv", DataPaths{dir.path, {}});
    REQUIRE(shape);
    Rng rng(1);
    return init_matrix(s, "csv", shape->first, shape->second, rng, DataPaths{dir.path, {}});
}

// The one-line error of loading `s` into an h x w matrix ("" if it loads).
inline std::string leaf_error(const TempDir& dir, const LeafSpec& s, int h, int w) {
    try {
        Rng rng(1);
        init_matrix(s, "csv", h, w, rng, DataPaths{dir.path, {}});
    } catch (const Error& e) {
        const std::string m = e.what();
        CHECK(m.find('\n') == std::string::npos);
        return m;
    }
    return "";
}

}  // namespace mmr::test
