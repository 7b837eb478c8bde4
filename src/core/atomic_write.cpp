#include "mmr/core/atomic_write.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "mmr/core/error.h"
#include "mmr/core/interrupt.h"

namespace mmr {

void write_file_atomically(const std::string& path, const std::string& bytes, const std::string& where) {
    std::string tmp = path + ".tmp-XXXXXX";
    int fd;
    interrupt::TempRegistration registered;  // removed if mmr is interrupted
    {
        interrupt::Hold hold;
        fd = mkstemp(&tmp[0]);
        if (fd >= 0) registered = interrupt::TempRegistration(tmp);
    }
    if (fd < 0) fail(where, std::string("cannot write (") + std::strerror(errno) + ")", "choose another path");
    const mode_t mask = umask(0);  // read the umask (no other way) and restore it
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    FILE* f = fdopen(fd, "wb");
    errno = 0;
    bool ok = f && std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    if (f)
        ok = std::fclose(f) == 0 && ok;
    else
        close(fd);
    interrupt::Hold hold;  // the file is either complete or absent
    if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int e = errno ? errno : EIO;
        std::remove(tmp.c_str());
        registered.reset();
        fail(where, std::string("cannot write (") + std::strerror(e) + ")", "choose another path");
    }
}

}  // namespace mmr
