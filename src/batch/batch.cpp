#include "mmr/batch/batch.h"

#include <glob.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <filesystem>
#include <map>
#include <set>

#include "mmr/core/error.h"
#include "mmr/core/quote.h"
#include "mmr/scene/scene_parser.h"  // closest_match

namespace mmr::batch {
namespace {

bool is_dir(const std::string& p) {
    struct stat st;
    return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
bool exists(const std::string& p) {
    struct stat st;
    return stat(p.c_str(), &st) == 0;
}

std::string lower_ext(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    const size_t dot = path.find_last_of('.');
    if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
    std::string e = path.substr(dot);
    std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return e;
}

Input file_input(const std::string& path) {
    Input in;
    in.path = path;
    const size_t slash = path.find_last_of('/');
    const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    in.dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    const size_t dot = base.find_last_of('.');
    in.name = dot == std::string::npos || dot == 0 ? base : base.substr(0, dot);
    const size_t pdot = path.size() - (base.size() - (dot == std::string::npos || dot == 0 ? base.size() : dot));
    in.stem = path.substr(0, pdot);
    return in;
}

const std::vector<std::string> kTokens = {"name", "stem", "dir", "step", "frame"};

// Runs of a template: literal text and {token} parts (a brace group without a comma).
template <class F>
void scan_tokens(const std::string& t, F on_token) {
    for (size_t i = 0; i < t.size(); ++i) {
        if (t[i] != '{') continue;
        const size_t close = t.find('}', i);
        if (close == std::string::npos) return;
        const std::string body = t.substr(i + 1, close - i - 1);
        if (body.find(',') == std::string::npos && body.find('{') == std::string::npos) on_token(i, close, body);
        i = close;
    }
}

}  // namespace

std::vector<Input> expand_inputs(const std::vector<std::string>& args,
                                 const std::function<bool(const std::string&)>& is_link) {
    std::vector<Input> out;
    std::set<std::string> seen;
    int links = 0;
    auto add = [&](const std::string& p) {
        if (seen.insert(p).second) out.push_back(file_input(p));
    };
    for (const std::string& a : args) {
        if (is_link && is_link(a)) {
            if (!seen.insert(a).second) continue;
            Input in;
            in.path = a;
            in.name = in.stem = "link-" + std::to_string(++links);
            in.dir = ".";
            out.push_back(in);
        } else if (is_dir(a)) {
            std::vector<std::string> files;
            if (DIR* d = opendir(a.c_str())) {
                while (dirent* e = readdir(d)) {
                    const std::string n = e->d_name;
                    const std::string ext = lower_ext(n);
                    if (n[0] != '.' && (ext == ".yaml" || ext == ".yml")) {
                        const std::string p = (a.back() == '/' ? a : a + "/") + n;
                        struct stat st;
                        if (stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode)) files.push_back(p);
                    }
                }
                closedir(d);
            }
            if (files.empty())
                fail(a, "the folder holds no scene (*.yaml, *.yml)", "give scene files, a folder of scenes or a pattern");
            std::sort(files.begin(), files.end());
            for (const auto& f : files) add(f);
        } else if (!exists(a) && a.find_first_of("*?[") != std::string::npos) {
            glob_t g{};
            const int rc = glob(a.c_str(), 0, nullptr, &g);
            std::vector<std::string> files;
            if (rc == 0)
                for (size_t i = 0; i < g.gl_pathc; ++i)
                    if (!is_dir(g.gl_pathv[i])) files.push_back(g.gl_pathv[i]);
            globfree(&g);
            if (files.empty()) fail(shown_value(a), "no file matches this pattern", "check the pattern and the folder");
            std::sort(files.begin(), files.end());
            for (const auto& f : files) add(f);
        } else {
            add(a);
        }
    }
    return out;
}

std::vector<std::string> expand_braces(const std::string& p) {
    for (size_t i = 0; i < p.size(); ++i) {
        if (p[i] != '{') continue;
        const size_t close = p.find('}', i);
        if (close == std::string::npos) break;
        const std::string body = p.substr(i + 1, close - i - 1);
        if (body.find(',') == std::string::npos || body.find('{') != std::string::npos) {
            i = close;
            continue;
        }
        std::vector<std::string> out;
        size_t start = 0;
        for (;;) {
            const size_t comma = body.find(',', start);
            const std::string item = body.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            for (const std::string& rest : expand_braces(p.substr(close + 1)))
                out.push_back(p.substr(0, i) + item + rest);
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
        return out;
    }
    return {p};
}

bool has_scene_token(const std::string& t) {
    bool found = false;
    scan_tokens(t, [&](size_t, size_t, const std::string& b) {
        found = found || b == "name" || b == "stem" || b == "dir" || b == "step";
    });
    return found;
}

bool has_step_token(const std::string& t) {
    bool found = false;
    scan_tokens(t, [&](size_t, size_t, const std::string& b) { found = found || b == "step"; });
    return found;
}

std::string fill_template(const std::string& tmpl, const Input& in, int step, bool keep_frame,
                          const std::string& option) {
    std::string out;
    size_t last = 0;
    scan_tokens(tmpl, [&](size_t open, size_t close, const std::string& b) {
        out += tmpl.substr(last, open - last);
        last = close + 1;
        const std::string key = b.substr(0, b.find(':'));
        if (b == "name") out += in.name;
        else if (b == "stem") out += in.stem;
        else if (b == "dir") out += in.dir;
        else if (b == "step") {
            if (step < 0) fail(option, "{step} is only known for a still of one step", "give --step, or drop {step}");
            out += std::to_string(step);
        } else if (key == "frame") {
            if (!keep_frame)
                fail(option, "{frame} numbers the frames of a video; a still has one picture",
                     "use {name}, {stem}, {dir} or {step}, or 'mmr render' for frames");
            out += tmpl.substr(open, close - open + 1);
        } else {
            const std::string guess = closest_match(key, kTokens);
            fail(option, "unknown template token {" + shown_value(b) + "}",
                 (guess.empty() ? "" : "did you mean {" + guess + "}? ") +
                     "tokens: {name} {stem} {dir} {step} {frame:04}; brace lists such as {mp4,gif} need a comma");
        }
    });
    out += tmpl.substr(last);
    return out;
}

void check_collisions(const std::vector<Job>& jobs, const std::string& option) {
    std::map<std::string, const Job*> owner;
    for (const Job& j : jobs)
        for (const std::string& o : j.outputs) {
            if (o == "-") continue;  // stdout: checked by the caller (one job only)
            auto [it, fresh] = owner.emplace(o, &j);
            if (fresh) continue;
            const Job& k = *it->second;
            std::string who = k.input.path == j.input.path
                                  ? k.input.path + (k.step != j.step ? " (steps " + std::to_string(k.step) + " and " +
                                                                           std::to_string(j.step) + ")"
                                                                     : " (twice)")
                                  : k.input.path + " and " + j.input.path;
            fail(option, "two renders would write one file: " + who + " both write " + o,
                 k.input.path == j.input.path && k.step != j.step
                     ? "put {step} in the output name"
                     : "put {name}, {stem} or {dir} in the output name so that each scene gets its own file");
        }
}

void make_output_folders(const std::vector<Job>& jobs, const std::string& option) {
    std::set<std::string> made;
    for (const Job& j : jobs)
        for (const std::string& o : j.outputs) {
            const size_t slash = o.find_last_of('/');
            if (o == "-" || slash == std::string::npos || slash == 0) continue;
            const std::string dir = o.substr(0, slash);
            if (!made.insert(dir).second || is_dir(dir)) continue;
            std::error_code ec;
            std::filesystem::create_directories(dir, ec);
            if (ec || !is_dir(dir))
                fail(option, "cannot create the folder " + dir + " (" + (ec ? ec.message() : "not a folder") + ")",
                     "create it, or choose another output");
        }
}

namespace {

volatile sig_atomic_t g_signal = 0;
constexpr int kMaxChildren = 256;
volatile pid_t g_children[kMaxChildren];

void forward(int sig) {
    if (!g_signal) g_signal = sig;
    for (int i = 0; i < kMaxChildren; ++i)
        if (g_children[i] > 0) kill(g_children[i], sig);
}

}  // namespace

std::vector<int> run_jobs(const std::vector<Job>& jobs, int parallel, const std::function<int(const Job&)>& run) {
    parallel = std::clamp(parallel, 1, kMaxChildren);
    std::vector<int> status(jobs.size(), -1);
    std::map<pid_t, size_t> running;
    struct sigaction sa {}, old[3];
    sa.sa_handler = forward;
    sigemptyset(&sa.sa_mask);
    const int sigs[3] = {SIGINT, SIGTERM, SIGHUP};
    for (int i = 0; i < kMaxChildren; ++i) g_children[i] = 0;
    g_signal = 0;
    for (int i = 0; i < 3; ++i) sigaction(sigs[i], &sa, &old[i]);
    std::fflush(nullptr);
    auto slot_of = [&](pid_t pid, pid_t set) {
        for (int i = 0; i < kMaxChildren; ++i)
            if (g_children[i] == pid) {
                g_children[i] = set;
                return;
            }
    };
    size_t next = 0;
    while (next < jobs.size() || !running.empty()) {
        while (!g_signal && next < jobs.size() && int(running.size()) < parallel) {
            // Block the signals while the child is made and recorded, so that none
            // is lost between fork and the slot.
            sigset_t block, prev;
            sigemptyset(&block);
            for (int s : sigs) sigaddset(&block, s);
            pthread_sigmask(SIG_BLOCK, &block, &prev);
            const pid_t pid = fork();
            if (pid == 0) {
                for (int i = 0; i < 3; ++i) signal(sigs[i], SIG_DFL);
                pthread_sigmask(SIG_SETMASK, &prev, nullptr);
                int rc = 3;
                try {
                    rc = run(jobs[next]);
                } catch (const Error& e) {
                    std::fprintf(stderr, "mmr: error: %s\n", e.what());
                    rc = 1;
                } catch (const std::exception& e) {
                    std::fprintf(stderr, "mmr: internal error: %s\n", e.what());
                    rc = 3;
                }
                std::fflush(nullptr);
                _exit(rc);
            }
            if (pid < 0) {
                pthread_sigmask(SIG_SETMASK, &prev, nullptr);
                if (running.empty())
                    fail("--jobs", std::string("cannot start a process (") + std::strerror(errno) + ")",
                         "free some memory or processes and try again");
                break;  // wait for one to end, then try again
            }
            running[pid] = next++;
            slot_of(0, pid);
            pthread_sigmask(SIG_SETMASK, &prev, nullptr);
        }
        if (running.empty()) break;
        int ws = 0;
        const pid_t pid = waitpid(-1, &ws, 0);
        if (pid < 0) {
            if (errno == EINTR) continue;
            break;
        }
        auto it = running.find(pid);
        if (it == running.end()) continue;
        status[it->second] = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + (WIFSIGNALED(ws) ? WTERMSIG(ws) : 0);
        running.erase(it);
        slot_of(pid, 0);
    }
    for (int i = 0; i < 3; ++i) sigaction(sigs[i], &old[i], nullptr);
    if (g_signal) {
        const int sig = g_signal;
        const char* name = sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP";
        std::fprintf(stderr, "mmr: interrupted (%s); the scenes not finished were not written\n", name);
        std::fflush(stderr);
        _exit(128 + sig);
    }
    return status;
}

std::string summary(const std::string& command, const std::vector<Job>& jobs, const std::vector<int>& status) {
    size_t ok = 0;
    std::string failed;
    for (size_t i = 0; i < jobs.size(); ++i) {
        if (status[i] == 0) {
            ++ok;
            continue;
        }
        std::string what = jobs[i].input.path;
        if (jobs[i].step > 0) what += " --step " + std::to_string(jobs[i].step);
        failed += (failed.empty() ? "" : ", ") + what + " (exit " + std::to_string(status[i]) + ")";
    }
    std::string s = "mmr " + command + ": " + std::to_string(ok) + " of " + std::to_string(jobs.size()) +
                    (jobs.size() == 1 ? " render" : " renders") + " succeeded";
    if (!failed.empty()) s += "; failed: " + failed;
    return s;
}

}  // namespace mmr::batch
