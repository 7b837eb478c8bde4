// mmr: matrix-multiplication visualisations from YAML scenes, headless.
#include <malloc.h>
#include <pthread.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "commands.h"
#include "mmr/core/error.h"
#include "mmr/scene/scene_parser.h"  // closest_match
#include "mmr/shard/shard.h"

namespace {

// Command-line mistakes (exit 2): one line "mmr: error: ..." when no command was
// recognised, else "mmr CMD: error: ..." and that command's usage line.
int usage_error(CLI::App& app, const CLI::ParseError& e, int argc, char** argv) {
    std::vector<std::string> commands;
    for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
        commands.push_back(sub->get_name());
    std::string list;
    for (const auto& c : commands) list += (list.empty() ? "" : ", ") + c;

    const std::vector<CLI::App*> parsed = app.get_subcommands();
    if (parsed.empty()) {
        const std::string first = argc > 1 ? argv[1] : "";
        std::string msg;
        if (first.empty()) {
            msg = "a command is needed: one of " + list + "; see 'mmr --help'";
        } else if (first[0] == '-') {
            msg = "unknown option '" + first.substr(0, first.find('=')) + "'; give a command first: " + list +
                  "; see 'mmr --help'";
        } else {
            const std::string guess = mmr::closest_match(first, commands);
            msg = "unknown command '" + first + "'; " +
                  (guess.empty() ? "commands: " + list + "; see 'mmr --help'"
                                 : "did you mean '" + guess + "'? commands: " + list);
        }
        std::cerr << "mmr: error: " << msg << "\n";
        return 2;
    }
    const CLI::App* sub = parsed.front();
    std::vector<std::string> args;  // what follows the command's name
    bool seen = false;
    const std::vector<std::string> rest = app.remaining(true);
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (seen) {
            args.push_back(arg);
        } else if (arg == sub->get_name()) {
            seen = true;
        } else if (arg.size() > 1 && arg[0] == '-' &&
                   std::find(rest.begin(), rest.end(), arg) != rest.end()) {  // `mmr --size 64x64 still`
            const std::string name = arg.substr(0, arg.find('='));
            std::cerr << "mmr: error: "
                      << (sub->get_option_no_throw(name)
                              ? "'" + name + "' is an option of 'mmr " + sub->get_name() + "'; put it after the command"
                              : "unknown option '" + name + "'; see 'mmr --help'")
                      << "\n";
            return 2;
        }
    }
    std::cerr << "mmr " << sub->get_name() << ": error: " << mmr::cmd::parse_error_message(app, sub, e, args)
              << "\n"
              << mmr::cmd::usage_line(sub) << "\n";
    return 2;
}

int run(int argc, char** argv) {
    CLI::App app{"mmr - 3D matrix multiplication visualisations (PNG stills; MP4, WebM, MOV, WebP, APNG, GIF videos), headless"};
    app.set_version_flag("--version", "mmr " MMR_VERSION);
    app.require_subcommand(1);
    app.footer(
        "Run 'mmr COMMAND --help' for a command's options, examples and exit codes.\n"
        "Exit codes: 0 success, 1 bad input or render failure (diff, test: images differ), "
        "2 usage error (diff, test: also bad input or standard output failing), 3 internal error, "
        "130 interrupted by SIGINT (Ctrl-C), 143 by SIGTERM, 129 by SIGHUP (no temporary or partial file is left)");
    mmr::cmd::add_still(app);
    mmr::cmd::add_render(app);
    mmr::cmd::add_check(app);
    mmr::cmd::add_import(app);
    mmr::cmd::add_export(app);
    mmr::cmd::add_diff(app);
    mmr::cmd::add_test(app);
    mmr::cmd::add_stats(app);
    mmr::cmd::add_expand(app);
    mmr::cmd::add_heatmap(app);
    mmr::cmd::add_chart(app);
    mmr::cmd::add_join(app);
    mmr::cmd::set_command_line(argc, argv);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::RuntimeError& e) {  // a subcommand chose its exit code (diff, test)
        return e.get_exit_code();
    } catch (const CLI::ParseError& e) {
        return usage_error(app, e, argc, argv);
    } catch (const mmr::shard::ShardError& e) {  // shard options and variables, join's refusals
        std::cerr << "mmr: error: " << e.what() << "\n";
        return 2;
    } catch (const mmr::Error& e) {
        std::cerr << "mmr: error: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "mmr: internal error: " << e.what() << "\n";
        return 3;
    }
    return 0;
}

// The stages walk the expression tree recursively, as deep as limits::max_matmuls
// (a left chain is as deep as it is long). They run on a thread whose stack is
// large enough for that whatever `ulimit -s` says; its pages are committed only
// when touched. If the thread cannot be made (e.g. a tight `ulimit -v`), the
// command runs on the main thread.
constexpr size_t kStackBytes = size_t(256) << 20;

struct Run {
    int argc;
    char** argv;
    int rc;
};

void* run_thread(void* p) {
    Run* r = static_cast<Run*>(p);
    r->rc = run(r->argc, r->argv);
    return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
    // glibc heap trimming halves llvmpipe throughput (docs/dev/headless-gl.md, pitfall 1).
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    mallopt(M_MMAP_THRESHOLD, 256 << 20);

    Run r{argc, argv, 3};
    pthread_attr_t attr;
    pthread_t thread;
    if (pthread_attr_init(&attr) == 0 && pthread_attr_setstacksize(&attr, kStackBytes) == 0 &&
        pthread_create(&thread, &attr, run_thread, &r) == 0) {
        pthread_join(thread, nullptr);
        return r.rc;
    }
    return run(argc, argv);
}
