// InputFile: open without blocking, refuse what is not a regular file, check the
// size before reading, read exact ranges (mmr/core/input_file.h).
#include "mmr/core/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "mmr/core/error.h"

namespace mmr {
namespace {

const char* kind_of(mode_t m) {
    if (S_ISFIFO(m)) return "a FIFO (named pipe)";
    if (S_ISCHR(m)) return "a character device";
    if (S_ISBLK(m)) return "a block device";
    if (S_ISDIR(m)) return "a folder";
    if (S_ISSOCK(m)) return "a socket";
    return "a special file";
}

}  // namespace

std::string byte_size_text(uint64_t n) {
    if (n >= (uint64_t(1) << 30) && n % (uint64_t(1) << 30) == 0) return std::to_string(n >> 30) + " GiB";
    if (n >= (uint64_t(1) << 20) && n % (uint64_t(1) << 20) == 0) return std::to_string(n >> 20) + " MiB";
    return std::to_string(n) + " bytes";
}

InputFile::InputFile(const std::string& path, uint64_t max_bytes, const std::string& noun,
                     const std::string& too_large_fix)
    : path_(path), noun_(noun) {
    if (path.find('\0') != std::string::npos) fail(path, "the path contains a NUL byte", "check the path");
    do {
        fd_ = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    } while (fd_ < 0 && errno == EINTR);
    if (fd_ < 0) {
        errno_ = errno;
        return;
    }
    struct stat st;
    if (fstat(fd_, &st) != 0) {
        const int err = errno;
        ::close(fd_);
        fd_ = -1;
        fail(path, std::string("cannot read (") + std::strerror(err) + ")", "check the file");
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd_);
        fd_ = -1;
        fail(path, std::string("is ") + kind_of(st.st_mode) + ", not a regular file", "give a file");
    }
    size_ = static_cast<uint64_t>(st.st_size);
    if (size_ > max_bytes) {
        ::close(fd_);
        fd_ = -1;
        fail(path,
             "the file is " + std::to_string(size_) + " bytes; mmr reads " + noun + "s of up to " +
                 byte_size_text(max_bytes),
             too_large_fix.empty() ? "give a smaller file" : too_large_fix);
    }
    // Regular files never block; clear the flag anyway so reads behave normally.
    const int flags = fcntl(fd_, F_GETFL);
    if (flags >= 0) fcntl(fd_, F_SETFL, flags & ~O_NONBLOCK);
}

InputFile::~InputFile() {
    if (fd_ >= 0) ::close(fd_);
}

void InputFile::fail_open() const {
    if (errno_ == ENOENT) fail(path_, "the " + noun_ + " does not exist", "check the path");
    fail(path_, "cannot open the " + noun_ + " (" + std::strerror(errno_) + ")",
         errno_ == EACCES ? "check its permissions" : "check the path");
}

int InputFile::release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
}

void InputFile::read(uint64_t offset, uint64_t n, void* dst) const {
    if (offset > size_ || n > size_ - offset)
        fail(path_,
             "truncated: needs bytes " + std::to_string(offset) + " to " + std::to_string(offset + n) +
                 " but the file has " + std::to_string(size_) + " bytes",
             "the file is incomplete or damaged; write it again");
    auto* out = static_cast<unsigned char*>(dst);
    while (n > 0) {
        const size_t chunk = static_cast<size_t>(std::min<uint64_t>(n, uint64_t(1) << 30));
        const ssize_t got = ::pread(fd_, out, chunk, static_cast<off_t>(offset));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0)
            fail(path_,
                 got < 0 ? std::string("cannot read (") + std::strerror(errno) + ")"
                         : "the file became shorter while it was read",
                 "check the file");
        out += got;
        offset += static_cast<uint64_t>(got);
        n -= static_cast<uint64_t>(got);
    }
}

std::string InputFile::bytes(uint64_t offset, uint64_t n) const {
    if (offset > size_ || n > size_ - offset) read(offset, n, nullptr);  // throws "truncated"
    std::string s(static_cast<size_t>(n), '\0');
    if (n) read(offset, n, s.data());
    return s;
}

std::string InputFile::read_all() const { return bytes(0, size_); }

std::string read_input_file(const std::string& path, uint64_t max_bytes, const std::string& noun,
                            const std::string& too_large_fix) {
    InputFile f(path, max_bytes, noun, too_large_fix);
    if (!f.ok()) f.fail_open();
    return f.read_all();
}

}  // namespace mmr
