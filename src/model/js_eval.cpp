// Init "expr" (docs/spec/mm-values.md §2.3): a JavaScript formula in i, j, h, w, evaluated
// by Duktape. mm builds `(i, j, h, w) => { try { return (EXPR) } catch (e) {
// return 0 } }` and stores the results in a Float32Array; we evaluate per element
// too, but an element that throws is an error unless JsOptions::errors_zero
// (--js-errors zero) asks for mm's 0. Math.random() is seeded and Date is fixed
// at 0 (1970-01-01T00:00:00Z, time zone UTC), so a scene gives the same values on
// every run. A formula may loop forever, and Duktape as packaged has no execution
// time-out, so the whole evaluation runs in a forked child process that writes
// into shared memory; the parent kills it when the time limit passes. The child
// dies with mmr (PR_SET_PDEATHSIG) and is killed at once when mmr is interrupted
// (it is registered with mmr/core/interrupt.h).
// Note: fork() is fine here because glibc keeps malloc usable in the child even
// if other threads exist; the child only uses Duktape and then _exit()s.
#include <duktape.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <sstream>
#include <thread>

#include "mmr/core/error.h"
#include "mmr/core/interrupt.h"
#include "mmr/model/values.h"

namespace mmr {
namespace {

// Start of the shared memory block; the h*w floats follow it.
struct Report {
    enum Status : int { NotRun = 0, Ok, CompileError, NotExpression, Threw };
    int status;
    int i, j;  // Threw: the element
    char message[496];
};

// Duktape allocator with a cap, so a formula that allocates in a loop fails with a
// RangeError instead of exhausting the machine's memory before the time-out.
constexpr size_t kMemoryCap = size_t(512) << 20;
constexpr size_t kHeader = alignof(std::max_align_t);
size_t g_used = 0;

void* cap_realloc(void*, void* ptr, duk_size_t size) {
    const size_t old = ptr ? *reinterpret_cast<size_t*>(static_cast<char*>(ptr) - kHeader) : 0;
    if (size == 0) {
        if (ptr) std::free(static_cast<char*>(ptr) - kHeader);
        g_used -= old;
        return nullptr;
    }
    if (g_used - old + size > kMemoryCap) return nullptr;
    void* base = std::realloc(ptr ? static_cast<char*>(ptr) - kHeader : nullptr, size + kHeader);
    if (!base) return nullptr;
    *static_cast<size_t*>(base) = size;
    g_used = g_used - old + size;
    return static_cast<char*>(base) + kHeader;
}
void* cap_alloc(void* u, duk_size_t size) { return size ? cap_realloc(u, nullptr, size) : nullptr; }
void cap_free(void* u, void* ptr) { if (ptr) cap_realloc(u, ptr, 0); }

// Duktape's default fatal handler calls abort(); in the child a quiet exit code
// is enough (the parent reports it).
void on_fatal(void*, const char*) { _exit(3); }

// Math.random(): splitmix64, the top 53 bits scaled to [0, 1) like Rng::uniform.
uint64_t g_random_state = 0;

uint64_t splitmix64(uint64_t& state) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

duk_ret_t seeded_random(duk_context* ctx) {
    duk_push_number(ctx, static_cast<double>(splitmix64(g_random_state) >> 11) * 0x1.0p-53);
    return 1;
}

// Date at a fixed instant: Date.now() and new Date() are 0 (the epoch), Date()
// its string; new Date(...) with arguments is unchanged. Date.prototype is the
// original, so instanceof and every method work.
const char* const kFixedDate =
    "(function (D) {\n"
    "  function Date(a, b, c, d, e, f, g) {\n"
    "    var n = arguments.length;\n"
    "    if (!(this instanceof Date)) return new D(0).toString();\n"
    "    if (n === 0) return new D(0);\n"
    "    if (n === 1) return new D(a);\n"
    "    return new D(a, b, n > 2 ? c : 1, n > 3 ? d : 0, n > 4 ? e : 0, n > 5 ? f : 0, n > 6 ? g : 0);\n"
    "  }\n"
    "  Date.prototype = D.prototype;\n"
    "  D.prototype.constructor = Date;\n"
    "  Date.now = function () { return 0; };\n"
    "  Date.parse = D.parse;\n"
    "  Date.UTC = D.UTC;\n"
    "  return Date;\n"
    "})(Date)";

// Installs the seeded Math.random and the fixed Date.
bool make_deterministic(duk_context* ctx, uint64_t seed) {
    g_random_state = seed;
    duk_get_global_string(ctx, "Math");
    duk_push_c_function(ctx, seeded_random, 0);
    duk_put_prop_string(ctx, -2, "random");
    duk_pop(ctx);
    if (duk_peval_string(ctx, kFixedDate) != 0) return false;
    duk_put_global_string(ctx, "Date");
    return true;
}

// One line: control characters (a message may quote the formula) become spaces.
void copy_message(char* dst, size_t size, const char* src) {
    std::snprintf(dst, size, "%s", src);
    for (char* p = dst; *p; ++p)
        if (static_cast<unsigned char>(*p) < 0x20) *p = ' ';
}

// Compiles `src` as global code; on failure copies Duktape's message into `r`.
bool compiles(duk_context* ctx, const std::string& src, Report* r, Report::Status fail_status) {
    if (duk_pcompile_string(ctx, 0, src.c_str()) == 0) return true;
    copy_message(r->message, sizeof r->message, duk_safe_to_string(ctx, -1));
    r->status = fail_status;
    return false;
}

[[noreturn]] void run_child(const std::string& formula, int h, int w, const JsOptions& opts, Report* r,
                            float* out) {
    duk_context* ctx = duk_create_heap(cap_alloc, cap_realloc, cap_free, nullptr, on_fatal);
    if (!ctx) _exit(4);
    if (!make_deterministic(ctx, opts.seed)) _exit(5);
    // The formula must be one expression: `(F\n)` and `[F\n]` both compile only if
    // F has no unmatched closing bracket, so text such as `1); evil(); (2` cannot
    // escape the wrapper below. The newline ends a trailing // comment.
    if (!compiles(ctx, "(" + formula + "\n)", r, Report::CompileError)) _exit(0);
    if (!compiles(ctx, "[" + formula + "\n]", r, Report::NotExpression)) _exit(0);
    // Unary + is the ToNumber a Float32Array store applies (booleans -> 0/1,
    // undefined -> NaN); inside the call, so a throwing conversion also gives 0.
    const std::string wrapper = "(function(i,j,h,w){return +(" + formula + "\n);})";
    if (!compiles(ctx, wrapper, r, Report::CompileError)) _exit(0);
    if (duk_pcall(ctx, 0) != 0) {  // evaluates the program, leaving the function
        copy_message(r->message, sizeof r->message, duk_safe_to_string(ctx, -1));
        r->status = Report::CompileError;
        _exit(0);
    }
    for (int i = 0; i < h; ++i) {
        for (int j = 0; j < w; ++j) {
            duk_dup(ctx, -1);
            duk_push_int(ctx, i);
            duk_push_int(ctx, j);
            duk_push_int(ctx, h);
            duk_push_int(ctx, w);
            const bool ok = duk_pcall(ctx, 4) == DUK_EXEC_SUCCESS;
            if (!ok && !opts.errors_zero) {
                copy_message(r->message, sizeof r->message, duk_safe_to_string(ctx, -1));
                r->i = i;
                r->j = j;
                r->status = Report::Threw;
                _exit(0);
            }
            // --js-errors zero: an element that throws is 0, as in mm's try/catch.
            out[static_cast<size_t>(i) * w + j] = ok ? static_cast<float>(duk_get_number(ctx, -1)) : 0.0f;
            duk_pop(ctx);
        }
    }
    r->status = Report::Ok;
    _exit(0);  // not exit(): no atexit handlers or stdio flushing of the parent's state
}

// The formula as shown in a one-line message.
std::string shown(const std::string& formula) {
    std::string s = formula.substr(0, 60);
    std::replace_if(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }, ' ');
    return "'" + s + (formula.size() > 60 ? "...'" : "'");
}

const char* kFix = "write one JavaScript expression in i, j, h, w, e.g. 'i == j ? 1 : 0'";

// Unmaps the shared block however the evaluation ends.
struct SharedBlock {
    void* p;
    size_t bytes;
    ~SharedBlock() { if (p != MAP_FAILED) munmap(p, bytes); }
};

// Waits for `pid` up to `timeout` seconds; kills it when time is up. Returns
// false on time-out, else stores the wait status. `registered` is unregistered
// once the child is reaped. An interruption (SIGINT, SIGTERM, SIGHUP) kills the
// child at once (the handler does, or poll() below when it was deferred) and
// ends mmr with 128 + the signal number.
bool wait_with_timeout(pid_t pid, double timeout, int* status, interrupt::ChildRegistration& registered) {
    using clock = std::chrono::steady_clock;
    const auto deadline = clock::now() + std::chrono::duration<double>(timeout);
    auto step = std::chrono::microseconds(200);
    for (;;) {
        interrupt::poll();
        {
            interrupt::Hold hold;  // never a reaped (so reusable) pid in the registry
            const pid_t r = waitpid(pid, status, WNOHANG);
            if (r == pid || (r < 0 && errno != EINTR)) {  // the latter cannot happen for our own child
                registered.reset();
                return true;
            }
        }
        if (clock::now() >= deadline) {
            interrupt::Hold hold;
            kill(pid, SIGKILL);
            while (waitpid(pid, status, 0) < 0 && errno == EINTR) {}
            registered.reset();
            return false;
        }
        std::this_thread::sleep_for(step);
        step = std::min(step * 2, std::chrono::microseconds(20000));
    }
}

}  // namespace

Matrix eval_js_matrix(const std::string& formula, int h, int w, double timeout_seconds,
                      const std::string& where) {
    JsOptions opts;
    opts.timeout_seconds = timeout_seconds;
    return eval_js_matrix(formula, h, w, opts, where);
}

Matrix eval_js_matrix(const std::string& formula, int h, int w, const JsOptions& opts, const std::string& where) {
    const double timeout_seconds = opts.timeout_seconds;
    Matrix m(h, w);
    if (m.size() == 0) return m;
    const size_t bytes = sizeof(Report) + m.size() * sizeof(float);
    SharedBlock block{mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0),
                      bytes};
    if (block.p == MAP_FAILED) {
        fail(where, std::string("cannot allocate memory for the init expression: ") + std::strerror(errno));
    }
    auto* report = static_cast<Report*>(block.p);
    auto* out = reinterpret_cast<float*>(report + 1);

    const pid_t parent = getpid();
    pid_t pid;
    std::optional<interrupt::ChildRegistration> registered;
    {
        interrupt::Hold hold;  // registered as soon as it exists
        pid = fork();
        if (pid == 0) {
            // The evaluator dies with mmr, whatever ends it: SIGKILL when the
            // parent goes (checked once more: it may have gone before prctl).
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != parent) _exit(6);
            // Its own signals end it the default way (the handlers are mmr's).
            for (int sig : {SIGINT, SIGTERM, SIGHUP}) signal(sig, SIG_DFL);
            // Local time (new Date(...).getHours()) in UTC, whatever TZ says.
            setenv("TZ", "UTC", 1);
            tzset();
            run_child(formula, h, w, opts, report, out);
        }
        if (pid > 0) registered.emplace(pid);
    }
    if (pid < 0) fail(where, std::string("cannot start the init expression evaluator: ") + std::strerror(errno));

    int status = 0;
    if (!wait_with_timeout(pid, timeout_seconds, &status, *registered)) {
        std::ostringstream n;
        n << timeout_seconds;
        fail(where, "init expression " + shown(formula) + " did not finish within " + n.str() +
                        " s (an endless loop?)", "simplify the formula");
    }
    if (report->status == Report::CompileError) {
        fail(where, "init expression " + shown(formula) + " does not compile: " + report->message, kFix);
    }
    if (report->status == Report::Threw) {
        const std::string whose = opts.matrix.empty() ? "the formula" : "the formula of matrix '" + opts.matrix + "'";
        fail(where, whose + " threw at (i=" + std::to_string(report->i) + ", j=" + std::to_string(report->j) +
                        "): " + report->message,
             "fix the formula, or give --js-errors zero to make such elements 0 as mm does");
    }
    if (report->status == Report::NotExpression) {
        fail(where, "init expression " + shown(formula) + " is not a single expression: " +
                        report->message, kFix);
    }
    if (report->status != Report::Ok || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        const std::string how = WIFSIGNALED(status) ? "was killed by signal " + std::to_string(WTERMSIG(status))
                                                    : "failed (exit code " + std::to_string(WEXITSTATUS(status)) + ")";
        fail(where, "the evaluator of init expression " + shown(formula) + " " + how,
             "simplify the formula");
    }
    std::memcpy(m.v.data(), out, m.size() * sizeof(float));
    return m;
}

}  // namespace mmr
