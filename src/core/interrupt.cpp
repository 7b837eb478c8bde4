// Interruption (include/mmr/core/interrupt.h). Everything the handler touches is
// a fixed-size static array or an atomic, and it calls only async-signal-safe
// functions (unlink, rmdir, open, getdents64, kill, waitpid, write, _exit).
#include "mmr/core/interrupt.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace mmr::interrupt {
namespace {

constexpr int kTempSlots = 64, kChildSlots = 16;
enum SlotState : int { Free = 0, Claimed = 1, Ready = 2 };

struct TempSlot {
    std::atomic<int> state{Free};
    bool folder = false;
    char path[PATH_MAX];
};
TempSlot g_temps[kTempSlots];
std::atomic<pid_t> g_children[kChildSlots];

std::atomic<int> g_signal{0};   // the first signal received
std::atomic<int> g_hold{0};     // Holds active in all threads
std::atomic<bool> g_dying{false};
std::atomic<bool> g_line_open{false};
thread_local int t_depth = 0;   // Holds active in this thread
pid_t g_owner = 0;              // the process that installed the handlers

// "mmr: interrupted (SIGINT); out.png was not written\n", per signal, composed
// by install() so that the handler only write()s.
struct Message {
    char text[1024];
    size_t size = 0;
};
Message g_messages[3];  // SIGHUP, SIGINT, SIGTERM
int message_index(int sig) { return sig == SIGHUP ? 0 : sig == SIGINT ? 1 : 2; }

// A folder's files (not sub-folders: mmr puts none there), then the folder.
// Tried a few times in case another thread was just creating a file in it.
void remove_folder(const char* path) {
    struct Dirent64 {
        uint64_t ino;
        int64_t off;
        unsigned short reclen;
        unsigned char type;
        char name[1];
    };
    for (int attempt = 0; attempt < 4; ++attempt) {
        const int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) return;
        alignas(8) char buf[4096];
        long n;
        while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
            for (long off = 0; off < n;) {
                const auto* d = reinterpret_cast<const Dirent64*>(buf + off);
                const char* name = d->name;
                if (!(name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))))
                    unlinkat(fd, name, 0);
                off += d->reclen;
            }
        }
        close(fd);
        if (rmdir(path) == 0 || errno == ENOENT) return;
    }
}

void write_all(const char* p, size_t n) {
    while (n > 0) {
        const ssize_t w = write(2, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;
        p += w;
        n -= size_t(w);
    }
}

void on_signal(int sig) {
    // A forked child (the JavaScript evaluator) before it reset its handlers:
    // the registry is its parent's, not to be touched.
    if (getpid() != g_owner) _exit(128 + sig);
    int none = 0;
    g_signal.compare_exchange_strong(none, sig);
    if (g_hold.load() > 0) return;  // the last Hold to end calls exit_now
    exit_now(g_signal.load());
}

}  // namespace

void install(const std::string& lost) {
    const int sigs[3] = {SIGHUP, SIGINT, SIGTERM};
    const char* names[3] = {"SIGHUP", "SIGINT", "SIGTERM"};
    for (int k = 0; k < 3; ++k) {
        Message& m = g_messages[message_index(sigs[k])];
        const int n = lost.empty()
                          ? std::snprintf(m.text, sizeof m.text, "mmr: interrupted (%s)\n", names[k])
                          : std::snprintf(m.text, sizeof m.text, "mmr: interrupted (%s); %s\n", names[k],
                                          lost.c_str());
        m.size = n < 0 ? 0 : std::min(size_t(n), sizeof m.text - 1);
        if (m.size > 0) m.text[m.size - 1] = '\n';  // also when truncated
    }
    g_owner = getpid();
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;  // a deferred signal must not make libraries' calls fail with EINTR
    sigemptyset(&sa.sa_mask);
    for (int s : sigs) sigaddset(&sa.sa_mask, s);  // one handler at a time
    for (int s : sigs) sigaction(s, &sa, nullptr);
}

int received() { return g_signal.load(); }

void poll() {
    if (g_signal.load()) Hold hold;  // ends mmr, unless this thread is inside a Hold
}

void exit_now(int sig) {
    if (g_dying.exchange(true)) {  // another thread is already at it
        for (;;) pause();
    }
    for (TempSlot& t : g_temps) {
        if (t.state.load() != Ready) continue;
        if (t.folder) remove_folder(t.path);
        else unlink(t.path);
    }
    for (auto& c : g_children) {
        const pid_t pid = c.load();
        if (pid <= 0) continue;
        kill(pid, SIGKILL);
        while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {}
    }
    if (sig == SIGHUP || sig == SIGINT || sig == SIGTERM) {
        if (g_line_open.load()) write_all("\n", 1);
        const Message& m = g_messages[message_index(sig)];
        write_all(m.text, m.size);
    }
    _exit(128 + sig);
}

Hold::Hold() {
    ++t_depth;
    g_hold.fetch_add(1);
    if (t_depth > 1) return;  // nested: the outer Hold decides
    if (const int s = g_signal.load()) {
        // Interrupted: do not start the section. The last Hold to end, or this
        // one if it is the last, ends mmr.
        --t_depth;
        if (g_hold.fetch_sub(1) == 1) exit_now(s);
        for (;;) pause();
    }
}

Hold::~Hold() {
    --t_depth;
    if (g_hold.fetch_sub(1) == 1)
        if (const int s = g_signal.load()) exit_now(s);
}

TempRegistration::TempRegistration(const std::string& path, bool folder) {
    if (path.size() >= PATH_MAX) return;
    Hold hold;  // the handler never sees a slot half-written
    for (int i = 0; i < kTempSlots; ++i) {
        int expected = Free;
        if (!g_temps[i].state.compare_exchange_strong(expected, Claimed)) continue;
        std::memcpy(g_temps[i].path, path.c_str(), path.size() + 1);
        g_temps[i].folder = folder;
        g_temps[i].state.store(Ready);
        slot_ = i;
        return;
    }
}

TempRegistration& TempRegistration::operator=(TempRegistration&& o) noexcept {
    if (this != &o) {
        reset();
        slot_ = o.slot_;
        o.slot_ = -1;
    }
    return *this;
}

void TempRegistration::reset() noexcept {
    if (slot_ < 0) return;
    Hold hold;
    g_temps[slot_].state.store(Free);
    slot_ = -1;
}

ChildRegistration::ChildRegistration(pid_t pid) {
    Hold hold;
    for (int i = 0; i < kChildSlots; ++i) {
        pid_t expected = 0;
        if (g_children[i].compare_exchange_strong(expected, pid)) {
            slot_ = i;
            return;
        }
    }
}

void ChildRegistration::reset() noexcept {
    if (slot_ < 0) return;
    Hold hold;
    g_children[slot_].store(0);
    slot_ = -1;
}

void set_line_open(bool open) { g_line_open.store(open); }

}  // namespace mmr::interrupt
