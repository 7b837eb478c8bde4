// SIGINT, SIGTERM, SIGHUP (mmr/core/interrupt.h): registered temporaries are
// removed, registered children killed, exit 128 + n; a Hold defers. Each case runs
// in a forked child, which installs the handlers and is then signalled.
#include <doctest/doctest.h>

#include "temp_dir.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <dirent.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "mmr/core/interrupt.h"
#include "mmr/model/values.h"

using namespace mmr;
using test::TempDir;

namespace {

bool exists(const std::string& p) {
    struct stat st;
    return stat(p.c_str(), &st) == 0;
}

// Processes of process group `group` that are not zombies (a zombie's reaping is
// its new parent's business, e.g. init's).
int live_in_group(pid_t group) {
    int n = 0;
    DIR* d = opendir("/proc");
    if (!d) return -1;
    while (dirent* e = readdir(d)) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
        std::ifstream f(std::string("/proc/") + e->d_name + "/stat");
        std::string line;
        if (!std::getline(f, line)) continue;
        const size_t paren = line.rfind(')');
        if (paren == std::string::npos) continue;
        std::istringstream rest(line.substr(paren + 1));
        char state = 0;
        long ppid = 0, pgrp = 0;
        rest >> state >> ppid >> pgrp;
        if (pgrp == group && state != 'Z') ++n;
    }
    closedir(d);
    return n;
}

// Runs `body` in a child process (its own process group) and returns its exit
// code, or -1 if it did not exit normally within `limit` seconds.
int in_child(const std::function<void()>& body, double limit = 10, std::atomic<pid_t>* group = nullptr) {
    const pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        if (FILE* quiet = std::freopen("/dev/null", "w", stderr)) (void)quiet;  // "mmr: interrupted ..."
        body();
        _exit(99);  // the body should not return
    }
    setpgid(pid, pid);
    if (group) *group = pid;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(limit);
    int status = 0;
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            kill(-pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("interrupt: a registered temporary file is removed, exit 128 + n") {
    TempDir dir;
    const std::string tmp = dir.path + "/out.png.tmp-1";
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
        CAPTURE(sig);
        const int code = in_child([&] {
            interrupt::install("out.png was not written");
            std::ofstream(tmp) << "half";
            interrupt::TempRegistration r(tmp);
            raise(sig);
        });
        CHECK(code == 128 + sig);
        CHECK(!exists(tmp));
    }
}

TEST_CASE("interrupt: a registered folder is removed with its files; unregistered files stay") {
    TempDir dir;
    const std::string folder = dir.path + "/.frames.tmp";
    const std::string kept = dir.path + "/kept.png";
    const int code = in_child([&] {
        interrupt::install("");
        mkdir(folder.c_str(), 0700);
        for (int i = 0; i < 300; ++i) std::ofstream(folder + "/f" + std::to_string(i) + ".png") << i;
        interrupt::TempRegistration r(folder, true);
        std::ofstream(kept) << "done";
        interrupt::TempRegistration gone(kept);
        gone.reset();  // moved into place: no longer temporary
        raise(SIGHUP);
    });
    CHECK(code == 129);
    CHECK(dir.files() == std::vector<std::string>{"kept.png"});
}

TEST_CASE("interrupt: a Hold defers the signal to its end") {
    TempDir dir;
    const std::string marker = dir.path + "/finished";
    const int code = in_child([&] {
        interrupt::install("");
        {
            interrupt::Hold hold;
            raise(SIGINT);
            CHECK(interrupt::received() == SIGINT);
            std::ofstream(marker) << "the section ran to its end";
        }
        _exit(98);  // not reached: the Hold's end exits
    });
    CHECK(code == 130);
    CHECK(exists(marker));
}

TEST_CASE("interrupt: a registered child is killed and reaped") {
    std::atomic<pid_t> group{0};
    const int code = in_child(
        [&] {
            interrupt::install("");
            const pid_t kid = fork();
            if (kid == 0) {
                for (;;) pause();
            }
            interrupt::ChildRegistration r(kid);
            raise(SIGTERM);
        },
        10, &group);
    CHECK(code == 143);
    CHECK(live_in_group(group) == 0);  // nobody of the group is left
}

TEST_CASE("interrupt: a JavaScript evaluation stops at once, and its evaluator with it") {
    std::atomic<pid_t> group{0};
    const auto t0 = std::chrono::steady_clock::now();
    std::thread signaller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        while (group == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        kill(group, SIGTERM);  // the mmr process only, not its group
    });
    const int code = in_child(
        [] {
            interrupt::install("");
            eval_js_matrix("(function(){while(true){}})()", 2, 2, 10.0, "x");
        },
        10, &group);
    signaller.join();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(code == 143);
    CHECK(s < 2.0);  // not the 10 s time limit
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(live_in_group(group) == 0);  // no evaluator left spinning
}

TEST_CASE("interrupt: the evaluator dies with its parent even without the handlers") {
    std::atomic<pid_t> group{0};
    std::thread killer([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        while (group == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        kill(group, SIGKILL);  // the parent only: no handler can run
    });
    in_child([] { eval_js_matrix("(function(){while(true){}})()", 2, 2, 10.0, "x"); }, 10, &group);
    killer.join();
    bool gone = false;
    for (int i = 0; i < 100 && !gone; ++i) {  // PR_SET_PDEATHSIG: killed as the parent dies
        gone = live_in_group(group) == 0;
        if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(gone);
}
