// Opening an input file safely: the one way every reader (scene YAML, params JSON,
// CSV, npy, npz, safetensors, PNG) opens what the user names.
//
// open(O_RDONLY | O_NONBLOCK | O_CLOEXEC), so a FIFO cannot block; fstat of the
// opened descriptor; anything but a regular file (FIFO, device, folder, socket) is
// refused with its own message; the size is checked against a limit
// (mmr/core/limits.h) before a byte is read; reads are exact (pread of ranges that
// fstat says exist), never read-until-EOF.
#pragma once
#include <cstdint>
#include <string>

namespace mmr {

class InputFile {
public:
    // Opens `path`. If open() itself fails, ok() is false and open_errno() says why, so
    // the caller words its own "missing file" message (or calls fail_open()). A file
    // that is not a regular file, or is larger than `max_bytes`, throws mmr::Error:
    //   "x.csv: is a FIFO (named pipe), not a regular file; give a file"
    //   "x.csv: the file is 5000000000 bytes; mmr reads CSV files of up to 1 GiB; <fix>"
    // `noun` names the kind of file in the size message ("CSV file", "scene file").
    InputFile(const std::string& path, uint64_t max_bytes, const std::string& noun,
              const std::string& too_large_fix = "");
    ~InputFile();
    InputFile(const InputFile&) = delete;
    InputFile& operator=(const InputFile&) = delete;

    bool ok() const { return fd_ >= 0; }
    int open_errno() const { return errno_; }
    // Throws "<path>: cannot open the <noun> (<strerror>); check the path" (or
    // "...does not exist...").
    [[noreturn]] void fail_open() const;

    const std::string& path() const { return path_; }
    int fd() const { return fd_; }
    uint64_t size() const { return size_; }
    // Exactly n bytes at offset (throws if the range is outside the file or the file
    // became shorter while it was read).
    void read(uint64_t offset, uint64_t n, void* dst) const;
    std::string bytes(uint64_t offset, uint64_t n) const;  // read() into a string
    std::string read_all() const;                          // all size() bytes
    // Hands the descriptor to the caller (who closes it); this object then owns nothing.
    int release();

private:
    std::string path_, noun_;
    int fd_ = -1;
    int errno_ = 0;
    uint64_t size_ = 0;
};

// Opens, checks and reads a whole file (InputFile; open failures via fail_open()).
std::string read_input_file(const std::string& path, uint64_t max_bytes, const std::string& noun,
                            const std::string& too_large_fix = "");

// "16 MiB", "4 GiB", "1234 bytes": a byte count for messages.
std::string byte_size_text(uint64_t n);

}  // namespace mmr
