// NumPy .npz files: a zip archive of .npy members (numpy.savez: stored,
// numpy.savez_compressed: deflated; numpy writes zip64 extra fields). Only the
// central directory is trusted for sizes; every offset is checked.
#include <zlib.h>

#include <algorithm>

#include "data_internal.h"
#include "mmr/core/error.h"
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

std::string inflate_member(const std::string& comp, uint64_t expected, const std::string& where) {
    z_stream zs{};
    if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) fail(where, "cannot start zlib", "");
    std::string out;
    out.reserve(static_cast<size_t>(std::min<uint64_t>(expected, uint64_t(1) << 26)));
    size_t fed = 0;
    char buf[1 << 16];
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        if (zs.avail_in == 0 && fed < comp.size()) {
            const size_t n = std::min<size_t>(comp.size() - fed, 1u << 30);
            zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(comp.data() + fed));
            zs.avail_in = static_cast<uInt>(n);
            fed += n;
        }
        zs.next_out = reinterpret_cast<Bytef*>(buf);
        zs.avail_out = sizeof buf;
        rc = inflate(&zs, Z_NO_FLUSH);
        if (rc == Z_BUF_ERROR && zs.avail_in == 0 && fed == comp.size()) {
            inflateEnd(&zs);
            fail(where, "truncated compressed data", "write the file again");
        }
        if (rc == Z_BUF_ERROR) rc = Z_OK;  // no progress this round; more input follows
        if (rc != Z_OK && rc != Z_STREAM_END) {
            inflateEnd(&zs);
            fail(where, "damaged compressed data (zlib: " + std::string(zs.msg ? zs.msg : "error") + ")",
                 "write the file again");
        }
        const size_t got = sizeof buf - zs.avail_out;
        if (out.size() + got > expected) {
            inflateEnd(&zs);
            fail(where, "the member inflates to more than the " + std::to_string(expected) +
                            " bytes its directory entry says",
                 "write the file again");
        }
        out.append(buf, got);
        if (rc == Z_OK && got == 0 && zs.avail_in == 0 && fed == comp.size()) {
            inflateEnd(&zs);
            fail(where, "truncated compressed data", "write the file again");
        }
    }
    inflateEnd(&zs);
    if (out.size() != expected)
        fail(where, "the member inflates to " + std::to_string(out.size()) + " bytes, not the " +
                        std::to_string(expected) + " its directory entry says",
             "write the file again");
    return out;
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
    if (z.method == 0) {
        if (z.comp_size != z.size) bad_zip(file, "stored member with two different sizes");
        return std::make_unique<SubSource>(src, data, z.size, where);
    }
    if (z.size > (uint64_t(1) << 36))
        fail(where, "member of " + std::to_string(z.size) + " bytes is too large", "");
    std::string bytes = inflate_member(src.bytes(data, z.comp_size), z.size, where);
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
