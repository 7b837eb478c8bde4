// NumPy .npz files: a zip archive of .npy members (numpy.savez: stored,
// numpy.savez_compressed: deflated; numpy writes zip64 extra fields). Only the
// central directory is trusted for sizes; every offset is checked.
#include <zlib.h>

#include <algorithm>
#include <cstring>

#include "data_internal.h"
#include "mmr/core/error.h"
#include "mmr/core/input_file.h"
#include "mmr/core/limits.h"
#include "mmr/model/data.h"
#include "mmr/scene/scene_parser.h"

namespace mmr {
namespace {

using detail::le;

struct ZipEntry {
    std::string name;
    uint16_t flags = 0, method = 0;
    uint32_t crc = 0;
    uint64_t comp_size = 0, size = 0, local_offset = 0;
};

[[noreturn]] void bad_zip(const std::string& file, const std::string& what) {
    fail(file, "not a valid .npz (zip) file: " + what,
         "write it again with numpy.savez or numpy.savez_compressed");
}

std::vector<ZipEntry> read_directory(const ByteSource& src) {
    const std::string& file = src.name();
    const uint64_t size = src.size();
    if (size < 22) bad_zip(file, "only " + std::to_string(size) + " bytes");
    // End of central directory: 22 bytes + a comment of up to 65535 bytes at the end.
    const uint64_t tail_len = std::min<uint64_t>(size, 22 + 65535);
    const std::string tail = src.bytes(size - tail_len, tail_len);
    const auto* t = reinterpret_cast<const unsigned char*>(tail.data());
    int64_t eocd = -1;
    for (int64_t i = static_cast<int64_t>(tail_len) - 22; i >= 0; --i)
        if (le(t + i, 4) == 0x06054b50) {
            eocd = i;
            break;
        }
    if (eocd < 0) bad_zip(file, "no end-of-central-directory record (truncated?)");
    const uint64_t eocd_pos = size - tail_len + static_cast<uint64_t>(eocd);
    const unsigned char* e = t + eocd;
    uint64_t count = le(e + 10, 2), cd_size = le(e + 12, 4), cd_offset = le(e + 16, 4);
    if (le(e + 4, 2) != 0 || le(e + 6, 2) != 0) bad_zip(file, "multi-part archives are not supported");
    if (count == 0xFFFF || cd_size == 0xFFFFFFFF || cd_offset == 0xFFFFFFFF) {
        // zip64: a locator (20 bytes) right before the EOCD points at the zip64 EOCD record.
        if (eocd_pos < 20) bad_zip(file, "zip64 locator missing");
        const std::string loc = src.bytes(eocd_pos - 20, 20);
        const auto* l = reinterpret_cast<const unsigned char*>(loc.data());
        if (le(l, 4) != 0x07064b50) bad_zip(file, "zip64 locator missing");
        const uint64_t rec = le(l + 8, 8);
        if (rec > eocd_pos || eocd_pos - rec < 56) bad_zip(file, "zip64 record out of place");
        const std::string r = src.bytes(rec, 56);
        const auto* z = reinterpret_cast<const unsigned char*>(r.data());
        if (le(z, 4) != 0x06064b50) bad_zip(file, "zip64 record missing");
        count = le(z + 32, 8);
        cd_size = le(z + 40, 8);
        cd_offset = le(z + 48, 8);
    }
    if (cd_offset > eocd_pos || cd_size > eocd_pos - cd_offset)
        bad_zip(file, "the central directory lies outside the file (truncated?)");
    if (count > cd_size / 46) bad_zip(file, "the central directory is too small for its entries");
    const std::string cd = src.bytes(cd_offset, cd_size);
    const auto* c = reinterpret_cast<const unsigned char*>(cd.data());
    std::vector<ZipEntry> entries;
    uint64_t p = 0;
    for (uint64_t k = 0; k < count; ++k) {
        if (cd_size - p < 46 || le(c + p, 4) != 0x02014b50) bad_zip(file, "damaged central directory");
        const unsigned char* h = c + p;
        ZipEntry z;
        z.flags = static_cast<uint16_t>(le(h + 8, 2));
        z.method = static_cast<uint16_t>(le(h + 10, 2));
        z.crc = static_cast<uint32_t>(le(h + 16, 4));
        z.comp_size = le(h + 20, 4);
        z.size = le(h + 24, 4);
        const uint64_t nlen = le(h + 28, 2), xlen = le(h + 30, 2), clen = le(h + 32, 2);
        z.local_offset = le(h + 42, 4);
        if (cd_size - p - 46 < nlen + xlen + clen) bad_zip(file, "damaged central directory");
        z.name.assign(reinterpret_cast<const char*>(h + 46), nlen);
        // zip64 extended information: the 0xFFFFFFFF fields, in this order.
        const unsigned char* x = h + 46 + nlen;
        for (uint64_t q = 0; q + 4 <= xlen;) {
            const uint64_t id = le(x + q, 2), len = le(x + q + 2, 2);
            if (q + 4 + len > xlen) break;
            if (id == 0x0001) {
                uint64_t r = q + 4;
                auto take = [&](uint64_t& field, uint64_t width) {
                    if (field != (width == 4 ? 0xFFFFFFFFu : 0xFFFFu)) return;
                    if (r + 8 > q + 4 + len) bad_zip(file, "damaged zip64 field");
                    field = le(x + r, 8);
                    r += 8;
                };
                take(z.size, 4);
                take(z.comp_size, 4);
                take(z.local_offset, 4);
            }
            q += 4 + len;
        }
        entries.push_back(std::move(z));
        p += 46 + nlen + xlen + clen;
    }
    return entries;
}

std::string array_name(const std::string& member) {
    if (member.size() > 4 && member.compare(member.size() - 4, 4, ".npy") == 0)
        return member.substr(0, member.size() - 4);
    return member;
}

// A window onto another source (a stored member, read in place).
class SubSource : public ByteSource {
public:
    SubSource(const ByteSource& parent, uint64_t offset, uint64_t size, std::string name)
        : ByteSource(std::move(name)), parent_(parent), offset_(offset), size_(size) {}
    uint64_t size() const override { return size_; }
    void read(uint64_t offset, uint64_t n, void* dst) const override {
        check_range(offset, n);
        parent_.read(offset_ + offset, n, dst);
    }

private:
    const ByteSource& parent_;
    uint64_t offset_, size_;
};

// Inflates the deflated member at [offset, offset + comp_len) of `src`, reading it in
// 1 MiB pieces, into at most `expected` bytes: more output than that is an error as
// soon as it appears. With `stop_after` > 0, returns once that many bytes are out
// (the start of the member, for its .npy header); else the output must be exactly
// `expected` bytes.
std::string inflate_member(const ByteSource& src, uint64_t offset, uint64_t comp_len, uint64_t expected,
                           const std::string& where, uint64_t stop_after = 0) {
    z_stream zs{};
    if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) fail(where, "cannot start zlib", "");
    std::string out;
    out.reserve(static_cast<size_t>(std::min<uint64_t>(stop_after ? stop_after : expected, uint64_t(1) << 26)));
    std::string in;
    uint64_t fed = 0;
    char buf[1 << 16];
    int rc = Z_OK;
    auto give_up = [&](const std::string& what) {
        inflateEnd(&zs);
        fail(where, what, "write the file again");
    };
    while (rc != Z_STREAM_END) {
        if (zs.avail_in == 0 && fed < comp_len) {
            const uint64_t n = std::min<uint64_t>(comp_len - fed, uint64_t(1) << 20);
            try {
                in = src.bytes(offset + fed, n);
            } catch (...) {
                inflateEnd(&zs);
                throw;
            }
            zs.next_in = reinterpret_cast<Bytef*>(in.data());
            zs.avail_in = static_cast<uInt>(n);
            fed += n;
        }
        zs.next_out = reinterpret_cast<Bytef*>(buf);
        zs.avail_out = sizeof buf;
        rc = inflate(&zs, Z_NO_FLUSH);
        if (rc == Z_BUF_ERROR && zs.avail_in == 0 && fed == comp_len) give_up("truncated compressed data");
        if (rc == Z_BUF_ERROR) rc = Z_OK;  // no progress this round; more input follows
        if (rc != Z_OK && rc != Z_STREAM_END)
            give_up("damaged compressed data (zlib: " + std::string(zs.msg ? zs.msg : "error") + ")");
        const size_t got = sizeof buf - zs.avail_out;
        if (out.size() + got > expected)
            give_up("the member inflates to more than the " + std::to_string(expected) +
                    " bytes its directory entry says");
        out.append(buf, got);
        if (stop_after && out.size() >= stop_after) break;
        if (rc == Z_OK && got == 0 && zs.avail_in == 0 && fed == comp_len) give_up("truncated compressed data");
    }
    inflateEnd(&zs);
    if (!stop_after && out.size() != expected)
        fail(where, "the member inflates to " + std::to_string(out.size()) + " bytes, not the " +
                        std::to_string(expected) + " its directory entry says",
             "write the file again");
    return out;
}

// The first bytes of a member that says it is `size` bytes long: reads past them fail
// (used to read the .npy header before the member is inflated).
class PrefixSource : public ByteSource {
public:
    PrefixSource(std::string prefix, uint64_t size, std::string name)
        : ByteSource(std::move(name)), prefix_(std::move(prefix)), size_(size) {}
    uint64_t size() const override { return size_; }
    void read(uint64_t offset, uint64_t n, void* dst) const override {
        check_range(offset, n);
        if (offset + n > prefix_.size())
            fail(name(), "truncated compressed data: the .npy header runs past the end of the member",
                 "write the file again");
        if (n) std::memcpy(dst, prefix_.data() + offset, static_cast<size_t>(n));
    }

private:
    std::string prefix_;
    uint64_t size_;
};

// The sizes a member's local header declares (zip64 extra field when 0xFFFFFFFF).
// False if it declares none (flag bit 3: sizes in a data descriptor after the data).
bool local_sizes(const ByteSource& src, uint64_t local_offset, const unsigned char* l, uint64_t& size,
                 uint64_t& comp_size) {
    if (le(l + 6, 2) & 8) return false;
    comp_size = le(l + 18, 4);
    size = le(l + 22, 4);
    if (size != 0xFFFFFFFFu && comp_size != 0xFFFFFFFFu) return true;
    const uint64_t nlen = le(l + 26, 2), xlen = le(l + 28, 2);
    const std::string xs = src.bytes(local_offset + 30 + nlen, xlen);
    const auto* x = reinterpret_cast<const unsigned char*>(xs.data());
    for (uint64_t q = 0; q + 4 <= xlen;) {
        const uint64_t id = le(x + q, 2), len = le(x + q + 2, 2);
        if (q + 4 + len > xlen) break;
        if (id == 0x0001) {
            uint64_t r = q + 4;
            for (uint64_t* field : {&size, &comp_size}) {
                if (*field != 0xFFFFFFFFu) continue;
                if (r + 8 > q + 4 + len) return true;  // left as 0xFFFFFFFF: a mismatch below
                *field = le(x + r, 8);
                r += 8;
            }
            return true;
        }
        q += 4 + len;
    }
    return true;
}

}  // namespace

std::vector<std::string> npz_names(const ByteSource& src) {
    std::vector<std::string> names;
    for (const ZipEntry& z : read_directory(src)) names.push_back(array_name(z.name));
    return names;
}

std::unique_ptr<ByteSource> npz_member(const ByteSource& src, const std::string& array) {
    const std::string& file = src.name();
    const std::vector<ZipEntry> entries = read_directory(src);
    const ZipEntry* found = nullptr;
    for (const ZipEntry& z : entries)
        if (z.name == array || array_name(z.name) == array) found = &z;
    if (!found) {
        std::vector<std::string> names;
        for (const ZipEntry& z : entries) names.push_back(array_name(z.name));
        const std::string guess = closest_match(array, names);
        fail(file, "no array '" + detail::printable(array) + "' in this .npz",
             (guess.empty() ? "" : "did you mean '" + guess + "'? ") +
                 "arrays in it: " + detail::name_list(names));
    }
    const ZipEntry& z = *found;
    const std::string where = file + ":" + detail::printable(z.name);
    if (z.flags & 1) fail(where, "encrypted members are not supported", "save without encryption");
    if (z.method != 0 && z.method != 8)
        fail(where, "compression method " + std::to_string(z.method) + " is not supported",
             "use numpy.savez (stored) or numpy.savez_compressed (deflate)");
    if (z.local_offset > src.size() || src.size() - z.local_offset < 30)
        bad_zip(file, "member '" + detail::printable(z.name) + "' lies outside the file (truncated?)");
    const std::string lh = src.bytes(z.local_offset, 30);
    const auto* l = reinterpret_cast<const unsigned char*>(lh.data());
    if (le(l, 4) != 0x04034b50) bad_zip(file, "member '" + detail::printable(z.name) + "' has no local header");
    const uint64_t data = z.local_offset + 30 + le(l + 26, 2) + le(l + 28, 2);
    if (data > src.size() || z.comp_size > src.size() - data)
        fail(where,
             "truncated: the member's " + std::to_string(z.comp_size) + " bytes run past the end of the " +
                 std::to_string(src.size()) + "-byte file",
             "the file is incomplete; write it again");
    // Every declared size is checked before anything is inflated: the local header's
    // (and its zip64 field) must agree with the central directory's ...
    uint64_t local_size = 0, local_comp = 0;
    if (local_sizes(src, z.local_offset, l, local_size, local_comp) &&
        (local_size != z.size || local_comp != z.comp_size))
        fail(where,
             "its local header declares " + std::to_string(local_size) + " bytes (" + std::to_string(local_comp) +
                 " compressed) but the central directory " + std::to_string(z.size) + " (" +
                 std::to_string(z.comp_size) + " compressed)",
             "the archive is damaged or crafted; write it again with numpy.savez");
    if (z.method == 0 && z.comp_size != z.size) bad_zip(file, "stored member with two different sizes");
    // ... must be within the limit of what is inflated into memory ...
    if (z.method == 8 && z.size > limits::max_npz_member_bytes)
        fail(where,
             "the member declares " + std::to_string(z.size) + " bytes uncompressed; mmr inflates .npz members of up to " +
                 byte_size_text(limits::max_npz_member_bytes),
             "save the array uncompressed (numpy.savez) or split it");
    // ... and must be what the member's .npy header says it needs (read from the first
    // bytes only: at most the 1 MiB header limit of read_npy_header).
    {
        const uint64_t head = std::min<uint64_t>(z.size, (uint64_t(1) << 20) + 12);
        std::string prefix = z.method == 0 ? src.bytes(data, head)
                                           : inflate_member(src, data, z.comp_size, z.size, where, head);
        const PrefixSource ps(std::move(prefix), z.size, where);
        const TensorInfo t = read_npy_header(ps);  // fails if the declared size is too small
        bool overflow = false;
        const uint64_t need = t.offset + detail::mul_checked(t.count(), static_cast<uint64_t>(dtype_size(t.dtype)),
                                                             overflow);
        if (!overflow && need != z.size)
            fail(where,
                 "the member declares " + std::to_string(z.size) + " bytes but its .npy header (" + t.shape_str() +
                     " " + dtype_name(t.dtype) + ") needs " + std::to_string(need),
                 "the archive is damaged or crafted; write it again with numpy.savez");
    }
    if (z.method == 0) return std::make_unique<SubSource>(src, data, z.size, where);
    std::string bytes = inflate_member(src, data, z.comp_size, z.size, where);
    uLong c = crc32(0L, Z_NULL, 0);
    for (size_t off = 0; off < bytes.size();) {
        const size_t n = std::min<size_t>(bytes.size() - off, 1u << 30);
        c = crc32(c, reinterpret_cast<const Bytef*>(bytes.data() + off), static_cast<uInt>(n));
        off += n;
    }
    if (c != z.crc) fail(where, "CRC-32 mismatch: the compressed data is damaged", "write the file again");
    return std::make_unique<BufferSource>(std::move(bytes), where);
}

}  // namespace mmr
