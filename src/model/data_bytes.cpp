// Byte sources for the data readers: every read is bounds-checked.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "data_internal.h"
#include "mmr/core/error.h"
#include "mmr/core/input_file.h"
#include "mmr/core/limits.h"
#include "mmr/model/data.h"

namespace mmr {

void ByteSource::check_range(uint64_t offset, uint64_t n) const {
    const uint64_t sz = size();
    if (offset > sz || n > sz - offset)
        fail(name_,
             "truncated: needs bytes " + std::to_string(offset) + " to " +
                 std::to_string(offset + n) + " but the file has " + std::to_string(sz) + " bytes",
             "the file is incomplete or damaged; write it again");
}

std::string ByteSource::bytes(uint64_t offset, uint64_t n) const {
    check_range(offset, n);
    std::string s(static_cast<size_t>(n), '\0');
    if (n) read(offset, n, s.data());
    return s;
}

MemorySource::MemorySource(const void* data, uint64_t size, std::string name)
    : ByteSource(std::move(name)), data_(static_cast<const unsigned char*>(data)), size_(size) {}

void MemorySource::read(uint64_t offset, uint64_t n, void* dst) const {
    check_range(offset, n);
    if (n) std::memcpy(dst, data_ + offset, static_cast<size_t>(n));
}

BufferSource::BufferSource(std::string bytes, std::string name)
    : ByteSource(std::move(name)), bytes_(std::move(bytes)) {}

void BufferSource::read(uint64_t offset, uint64_t n, void* dst) const {
    check_range(offset, n);
    if (n) std::memcpy(dst, bytes_.data() + offset, static_cast<size_t>(n));
}

FileSource::FileSource(const std::string& path) : ByteSource(path) {
    // Not a FIFO or device (they would block or never end); size checked before reading.
    InputFile f(path, limits::max_data_file_bytes, "data file");
    if (!f.ok()) f.fail_open();
    size_ = f.size();
    fd_ = f.release();
}

FileSource::~FileSource() {
    if (fd_ >= 0) ::close(fd_);
}

void FileSource::read(uint64_t offset, uint64_t n, void* dst) const {
    check_range(offset, n);
    auto* out = static_cast<unsigned char*>(dst);
    while (n > 0) {
        const size_t chunk = static_cast<size_t>(std::min<uint64_t>(n, 1u << 30));
        const ssize_t got = ::pread(fd_, out, chunk, static_cast<off_t>(offset));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0)
            fail(name(), got < 0 ? std::string("cannot read (") + std::strerror(errno) + ")"
                                 : "the file became shorter while it was read",
                 "check the file");
        out += got;
        offset += static_cast<uint64_t>(got);
        n -= static_cast<uint64_t>(got);
    }
}

namespace detail {

uint64_t mul_checked(uint64_t a, uint64_t b, bool& overflow) {
    if (a != 0 && b > UINT64_MAX / a) {
        overflow = true;
        return UINT64_MAX;
    }
    return a * b;
}

uint64_t le(const unsigned char* p, int n) {
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

std::string printable(const std::string& s, size_t max) {
    std::string out;
    for (size_t i = 0; i < s.size() && i < max; ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
    }
    if (s.size() > max) out += "...";
    return out;
}

std::string name_list(const std::vector<std::string>& names, size_t max) {
    if (names.empty()) return "(none)";
    std::string s;
    for (size_t i = 0; i < names.size() && i < max; ++i)
        s += (i ? ", " : "") + printable(names[i], 80);
    if (names.size() > max) s += ", ... (" + std::to_string(names.size() - max) + " more)";
    return s;
}

}  // namespace detail
}  // namespace mmr
