// NumPy .npy files (format versions 1.0, 2.0 and 3.0):
//   "\x93NUMPY" major minor  header_len (u16 LE for v1, u32 LE for v2/v3)
//   header: a Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
//   data: the elements, C or Fortran order.
#include <cctype>

#include "data_internal.h"
#include "mmr/core/error.h"
#include "mmr/model/data.h"

namespace mmr {

const char* dtype_name(DType t) {
    switch (t) {
        case DType::f16: return "float16";
        case DType::bf16: return "bfloat16";
        case DType::f32: return "float32";
        case DType::f64: return "float64";
        case DType::i8: return "int8";
        case DType::i16: return "int16";
        case DType::i32: return "int32";
        case DType::i64: return "int64";
        case DType::u8: return "uint8";
        case DType::u16: return "uint16";
        case DType::u32: return "uint32";
        case DType::u64: return "uint64";
        case DType::boolean: return "bool";
    }
    return "?";
}

int dtype_size(DType t) {
    switch (t) {
        case DType::i8: case DType::u8: case DType::boolean: return 1;
        case DType::f16: case DType::bf16: case DType::i16: case DType::u16: return 2;
        case DType::f32: case DType::i32: case DType::u32: return 4;
        case DType::f64: case DType::i64: case DType::u64: return 8;
    }
    return 1;
}

uint64_t TensorInfo::count() const {
    uint64_t n = 1;
    bool overflow = false;
    for (uint64_t d : shape) n = detail::mul_checked(n, d, overflow);
    return overflow ? UINT64_MAX : n;
}

std::string TensorInfo::shape_str() const {
    if (shape.empty()) return "scalar";
    std::string s;
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? "x" : "") + std::to_string(shape[i]);
    return s;
}

namespace {

const char* const kSupported =
    "supported: float16, float32, float64, int8, int16, int32, int64, uint8, uint16, uint32, "
    "uint64, bool";

// A tiny reader for the Python literal of an .npy header.
class PyLiteral {
public:
    PyLiteral(const std::string& text, const std::string& file) : t_(text), file_(file) {}

    struct Value {
        enum Kind { str, boolean, tuple, other } kind = other;
        std::string s;
        bool b = false;
        std::vector<uint64_t> ints;
    };

    // Reads the dict; calls back for every key.
    template <class F>
    void dict(F&& on_entry) {
        ws();
        expect('{');
        for (;;) {
            ws();
            if (peek() == '}') {
                ++p_;
                return;
            }
            std::string key = string_lit();
            ws();
            expect(':');
            ws();
            Value v = value();
            on_entry(key, v);
            ws();
            if (peek() == ',') {
                ++p_;
                continue;
            }
            expect('}');
            return;
        }
    }

    [[noreturn]] void bad(const std::string& what) const {
        fail(file_, "malformed .npy header (" + what + " at character " + std::to_string(p_ + 1) +
                        " of '" + detail::printable(t_, 80) + "')",
             "write the array again with numpy.save");
    }

private:
    const std::string& t_;
    const std::string& file_;
    size_t p_ = 0;

    char peek() const { return p_ < t_.size() ? t_[p_] : '\0'; }
    void ws() {
        while (p_ < t_.size() && (t_[p_] == ' ' || t_[p_] == '\t' || t_[p_] == '\n' || t_[p_] == '\r'))
            ++p_;
    }
    void expect(char c) {
        if (peek() != c) bad(std::string("expected '") + c + "'");
        ++p_;
    }
    std::string string_lit() {
        const char q = peek();
        if (q != '\'' && q != '"') bad("expected a quoted string");
        ++p_;
        std::string s;
        while (p_ < t_.size() && t_[p_] != q) {
            if (t_[p_] == '\\') bad("escapes are not supported");
            s += t_[p_++];
        }
        if (p_ >= t_.size()) bad("unterminated string");
        ++p_;
        return s;
    }
    bool word(const char* w) {
        const size_t n = std::char_traits<char>::length(w);
        if (t_.compare(p_, n, w) == 0) {
            p_ += n;
            return true;
        }
        return false;
    }
    Value value() {
        Value v;
        const char c = peek();
        if (c == '\'' || c == '"') {
            v.kind = Value::str;
            v.s = string_lit();
        } else if (word("True")) {
            v.kind = Value::boolean;
            v.b = true;
        } else if (word("False")) {
            v.kind = Value::boolean;
            v.b = false;
        } else if (c == '(') {
            ++p_;
            v.kind = Value::tuple;
            for (;;) {
                ws();
                if (peek() == ')') {
                    ++p_;
                    break;
                }
                if (!std::isdigit(static_cast<unsigned char>(peek())))
                    bad("shape entries must be non-negative whole numbers");
                uint64_t n = 0;
                while (std::isdigit(static_cast<unsigned char>(peek()))) {
                    if (n > (uint64_t(1) << 62) / 10) bad("a shape entry is too large");
                    n = n * 10 + static_cast<uint64_t>(t_[p_++] - '0');
                }
                if (peek() == 'L') ++p_;  // Python 2 long
                v.ints.push_back(n);
                if (v.ints.size() > 64) bad("more than 64 dimensions");
                ws();
                if (peek() == ',') {
                    ++p_;
                    continue;
                }
                expect(')');
                break;
            }
        } else if (c == '[') {
            v.kind = Value::other;  // structured dtype: skip the bracketed list
            int depth = 0;
            do {
                if (p_ >= t_.size()) bad("unterminated list");
                if (t_[p_] == '[') ++depth;
                if (t_[p_] == ']') --depth;
                ++p_;
            } while (depth > 0);
        } else {
            bad("unexpected value");
        }
        return v;
    }
};

}  // namespace

// '<f4' -> f32; sets big_endian. Throws for anything not supported.
static void parse_descr(const std::string& d, TensorInfo& t, const std::string& file) {
    std::string code = d;
    char order = '=';
    if (!code.empty() && (code[0] == '<' || code[0] == '>' || code[0] == '|' || code[0] == '='))
        order = code[0], code = code.substr(1);
    t.big_endian = order == '>';
    struct Entry {
        const char* code;
        DType t;
    };
    static const Entry table[] = {{"f2", DType::f16}, {"f4", DType::f32}, {"f8", DType::f64},
                                  {"i1", DType::i8},  {"i2", DType::i16}, {"i4", DType::i32},
                                  {"i8", DType::i64}, {"u1", DType::u8},  {"u2", DType::u16},
                                  {"u4", DType::u32}, {"u8", DType::u64}, {"b1", DType::boolean},
                                  {"?", DType::boolean}};
    for (const Entry& e : table)
        if (code == e.code) {
            t.dtype = e.t;
            if (dtype_size(e.t) == 1) t.big_endian = false;
            return;
        }
    std::string what = "dtype '" + detail::printable(d, 20) + "'";
    if (!code.empty() && code[0] == 'c') what += " (complex)";
    else if (code == "f16" || code == "f12") what += " (long double)";
    else if (!code.empty() && (code[0] == 'U' || code[0] == 'S')) what += " (text)";
    else if (code == "O") what += " (Python objects)";
    fail(file, what + " is not supported", std::string(kSupported) + "; convert with arr.astype(numpy.float32)");
}

TensorInfo read_npy_header(const ByteSource& src, uint64_t base, uint64_t limit) {
    const std::string& file = src.name();
    const uint64_t end = limit ? limit : src.size();
    if (base > end || end > src.size()) fail(file, "bad .npy range", "");
    const uint64_t avail = end - base;
    if (avail < 10)
        fail(file, "truncated: " + std::to_string(avail) + " bytes, shorter than an .npy header",
             "write the array again with numpy.save");
    unsigned char pre[12] = {};
    src.read(base, avail >= 12 ? 12 : 10, pre);
    if (std::string(reinterpret_cast<char*>(pre), 6) != "\x93NUMPY")
        fail(file, "not an .npy file (it does not start with \\x93NUMPY)",
             "write the array with numpy.save, or name the format with 'format:'");
    const int major = pre[6];
    uint64_t header_len, header_start;
    if (major == 1) {
        header_len = detail::le(pre + 8, 2);
        header_start = 10;
    } else if (major == 2 || major == 3) {
        if (avail < 12) fail(file, "truncated .npy header", "write the array again with numpy.save");
        header_len = detail::le(pre + 8, 4);
        header_start = 12;
    } else {
        fail(file, ".npy format version " + std::to_string(major) + "." + std::to_string(pre[7]) +
                       " is not supported",
             "versions 1.0, 2.0 and 3.0 are; write it again with numpy.save");
    }
    if (header_len > avail - header_start)
        fail(file,
             "truncated: the .npy header says it is " + std::to_string(header_len) +
                 " bytes long but only " + std::to_string(avail - header_start) + " bytes follow",
             "write the array again with numpy.save");
    if (header_len > (1u << 20))
        fail(file, ".npy header of " + std::to_string(header_len) + " bytes is too long",
             "at most 1 MiB is accepted");
    const std::string text = src.bytes(base + header_start, header_len);

    TensorInfo t;
    bool have_descr = false, have_order = false, have_shape = false;
    PyLiteral lit(text, file);
    lit.dict([&](const std::string& key, const PyLiteral::Value& v) {
        if (key == "descr") {
            if (v.kind != PyLiteral::Value::str)
                fail(file, "structured dtypes (records) are not supported",
                     std::string(kSupported) + "; save one plain array per field");
            parse_descr(v.s, t, file);
            have_descr = true;
        } else if (key == "fortran_order") {
            if (v.kind != PyLiteral::Value::boolean) lit.bad("fortran_order must be True or False");
            t.fortran_order = v.b;
            have_order = true;
        } else if (key == "shape") {
            if (v.kind != PyLiteral::Value::tuple) lit.bad("shape must be a tuple");
            t.shape = v.ints;
            have_shape = true;
        }
    });
    if (!have_descr || !have_order || !have_shape)
        fail(file, std::string("malformed .npy header: '") +
                       (!have_descr ? "descr" : !have_order ? "fortran_order" : "shape") + "' is missing",
             "write the array again with numpy.save");
    t.offset = base + header_start + header_len;
    bool overflow = false;
    const uint64_t n = t.count() == UINT64_MAX ? (overflow = true, UINT64_MAX) : t.count();
    const uint64_t need = detail::mul_checked(n, static_cast<uint64_t>(dtype_size(t.dtype)), overflow);
    const uint64_t have = end - t.offset;
    if (overflow || need > have)
        fail(file,
             "truncated: the header describes " + t.shape_str() + " " + dtype_name(t.dtype) +
                 " values (" + (overflow ? std::string("more than 2^64") : std::to_string(need)) +
                 " bytes) but only " + std::to_string(have) + " bytes of data follow",
             "the file is incomplete or its header is wrong; write it again with numpy.save");
    return t;
}

}  // namespace mmr
