// SIGINT, SIGTERM and SIGHUP while mmr writes files: nothing half-written is left
// and mmr ends at once with 128 + the signal number (130, 143, 129).
//
// The handler does the cleanup itself, with async-signal-safe calls only: it
// removes the temporary files and folders registered here, kills (and reaps) the
// registered child processes (the JavaScript evaluator), prints one line and
// _exit()s. Code that creates a temporary registers it (TempRegistration) inside
// a Hold, so that no signal falls between "created" and "registered", and moves
// it into place inside a Hold too: the output is either complete or absent.
#pragma once
#include <sys/types.h>

#include <string>

namespace mmr::interrupt {

// Installs the handlers for SIGINT, SIGTERM and SIGHUP (commands that write files
// call it first). `lost` ends the line printed on interruption:
//   "mmr: interrupted (SIGINT); <lost>", e.g. "out.png was not written".
void install(const std::string& lost);

// The signal received (SIGINT, ...) or 0. Only seen while a Hold defers it.
int received();

// If a signal was received (and deferred), ends mmr now: at once, or when the
// Holds of other threads end. A safe point for loops that wait (e.g. for a child).
void poll();

// Removes what is registered, prints the line and ends with 128 + `sig`.
[[noreturn]] void exit_now(int sig);

// Defers interruption for a short critical section (no waiting on other threads
// inside): a signal that arrives meanwhile takes effect when the last Hold ends.
class Hold {
public:
    Hold();
    ~Hold();
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;
};

// A temporary file (or folder, removed with the files in it) to remove if mmr is
// interrupted, for as long as this object is registered. Unregistering does not
// remove anything. Paths longer than PATH_MAX or more than 64 at once are not
// registered (never the case in mmr).
class TempRegistration {
public:
    TempRegistration() = default;
    explicit TempRegistration(const std::string& path, bool folder = false);
    ~TempRegistration() { reset(); }
    TempRegistration(TempRegistration&& o) noexcept : slot_(o.slot_) { o.slot_ = -1; }
    TempRegistration& operator=(TempRegistration&& o) noexcept;
    TempRegistration(const TempRegistration&) = delete;
    TempRegistration& operator=(const TempRegistration&) = delete;
    void reset() noexcept;  // unregisters

private:
    int slot_ = -1;
};

// A child process to kill (SIGKILL) and reap if mmr is interrupted.
class ChildRegistration {
public:
    explicit ChildRegistration(pid_t pid);
    ~ChildRegistration() { reset(); }
    ChildRegistration(const ChildRegistration&) = delete;
    ChildRegistration& operator=(const ChildRegistration&) = delete;
    void reset() noexcept;  // unregisters (call once the child is reaped)

private:
    int slot_ = -1;
};

// Set while a progress bar line is open on stderr, so the message starts on a
// line of its own.
void set_line_open(bool open);

}  // namespace mmr::interrupt
