// mmr test SCENES... --references DIR: render every scene, compare each with
// DIR/<name>.png, print one line per scene, optionally an HTML report.
// Exit 0 all same, 1 some differ, 2 errors or missing references.
// With --update, writes the references instead (only those whose pixels changed).
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <tuple>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <map>
#include <set>

#include "commands.h"
#include "compare_options.h"
#include "mmr/compare/ci_report.h"
#include "mmr/compare/report.h"
#include "mmr/core/error.h"
#include "mmr/core/interrupt.h"
#include "mmr/encode/png.h"
#include "mmr/gl/backend.h"
#include "mmr/render/still.h"
#include "mmr/scene/scene_parser.h"
#include "mmr/shard/shard.h"

namespace mmr::cmd {
namespace {

struct TestArgs {
    std::vector<std::string> scenes;
    std::string references, report, out, junit, summary;
    SceneArgs common;  // --data-dir --size --seed --backend --aa --msaa
    bool update = false, json = false, report_all = false;
    std::string update_mode;  // --update [missing|changed|all]; empty: changed
    int jobs = 1;
    std::string shard;        // --shard I/N|auto
    int shards = 0;
    ToleranceArgs tolerance;
};

bool is_dir(const std::string& p) {
    struct stat st;
    return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool ends_with(const std::string& s, const std::string& end) {
    return s.size() >= end.size() && s.compare(s.size() - end.size(), end.size(), end) == 0;
}

std::string join(const std::string& dir, const std::string& name) {
    if (dir.empty() || dir == ".") return name;
    return ends_with(dir, "/") ? dir + name : dir + "/" + name;
}

std::string base_name(const std::string& path) {
    size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// mkdir -p; throws mmr::Error naming `option`.
void make_dirs(const std::string& path, const std::string& option) {
    std::string cur;
    size_t pos = 0;
    while (pos != std::string::npos) {
        pos = path.find('/', pos + 1);
        cur = path.substr(0, pos);
        if (cur.empty() || is_dir(cur)) continue;
        if (mkdir(cur.c_str(), 0777) != 0 && errno != EEXIST)
            fail(option + " " + path, "cannot create the folder '" + cur + "' (" + std::strerror(errno) + ")",
                 "choose another folder");
    }
    if (!is_dir(path)) fail(option + " " + path, "is not a folder", "choose a folder");
}

// name -> scene file, from folders (their *.yaml) and files.
std::map<std::string, std::string> collect_scenes(const std::vector<std::string>& sources) {
    std::map<std::string, std::string> scenes;
    auto add = [&](const std::string& path) {
        std::string name = base_name(path);
        name = name.substr(0, name.size() - (ends_with(name, ".yaml") ? 5 : 4));
        auto [it, fresh] = scenes.emplace(name, path);
        if (!fresh && it->second != path)
            fail(path, "has the same name as " + it->second + ", and both would use the reference " + name + ".png",
                 "rename one of them");
    };
    for (const std::string& src : sources) {
        struct stat st;
        if (stat(src.c_str(), &st) != 0)
            fail(src, "no such folder or scene file", "give a folder of *.yaml scenes or a scene file");
        if (S_ISDIR(st.st_mode)) {
            DIR* d = opendir(src.c_str());
            if (!d) fail(src, std::string("cannot read the folder (") + std::strerror(errno) + ")", "check its permissions");
            std::vector<std::string> files;
            while (dirent* e = readdir(d)) {
                std::string n = e->d_name;
                if (n[0] != '.' && ends_with(n, ".yaml") && !is_dir(join(src, n))) files.push_back(n);
            }
            closedir(d);
            if (files.empty()) fail(src, "has no *.yaml scenes", "give the folder that holds the scenes");
            std::sort(files.begin(), files.end());
            for (const auto& f : files) add(join(src, f));
        } else if (ends_with(src, ".yaml") || ends_with(src, ".yml")) {
            add(src);
        } else {
            fail(src, "is not a folder or a .yaml scene", "give a folder of *.yaml scenes or a scene file");
        }
    }
    return scenes;
}

SceneResult run_one(const std::string& name, const std::string& scene_path, const TestArgs& o,
                    const Tolerance& base_tol, const std::string& out_dir) {
    SceneResult r;
    r.name = name;
    r.scene_path = scene_path;
    const std::string ref = join(o.references, name + ".png");
    const auto t0 = std::chrono::steady_clock::now();
    struct Timer {  // r.seconds on every way out
        SceneResult& r;
        std::chrono::steady_clock::time_point t0;
        ~Timer() { r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); }
    } timer{r, t0};
    try {
        // The sidecar beside the reference: this scene's tolerance and ignored regions.
        const SceneTestConfig config = load_scene_test_config(join(o.references, name + ".test.yaml"));
        r.config = config.path;
        const Tolerance tol = apply_config(base_tol, config);
        SceneSpec spec = load_scene_args(scene_path, o.common);
        StillOptions sopts;
        sopts.backend = parse_backend(o.common.backend);
        sopts.render = render_options(o.common.aa, o.common.msaa);
        if (!o.common.scale.empty()) sopts.render.scale = parse_scale(o.common.scale);
        Image img = render_still(spec, sopts);
        const auto texts = still_texts(spec, sopts.render, 0, 1);
        // With --update and no --out or --report, the references are the only files written.
        if (!o.update || !out_dir.empty()) {
            r.actual_path = join(out_dir, name + ".png");
            write_png(r.actual_path, img, texts);
        }

        if (o.update) {
            struct stat st;
            bool exists = stat(ref.c_str(), &st) == 0, same = false;
            const std::string mode = o.update_mode.empty() ? "changed" : o.update_mode;
            if (exists && mode == "missing") {  // only new references
                r.status = SceneStatus::Unchanged;
                r.message = "kept " + ref + " (--update missing)";
                return r;
            }
            if (exists && mode != "all") {
                try {  // an unreadable or damaged reference is simply replaced
                    ImageFile old = load_png_for_compare(ref);
                    same = old.image.width == img.width && old.image.height == img.height && old.image.rgba == img.rgba &&
                           old.header.channels == stored_channels(img);
                } catch (const Error&) {
                }
            }
            if (!same) write_png(ref, img, texts);
            r.status = !exists ? SceneStatus::Created : same ? SceneStatus::Unchanged : SceneStatus::Updated;
            r.message = std::string(!exists ? "created " : same ? "unchanged " : "updated ") + ref;
            return r;
        }

        ReferenceOptions ropts;
        ropts.tolerance = tol;
        ropts.ignore = config.ignore;
        Comparison c = check_against_reference(img, r.actual_path, ref, ropts);
        r.status = c.outcome == Outcome::Same       ? SceneStatus::Same
                   : c.outcome == Outcome::Missing  ? SceneStatus::Missing
                   : c.outcome == Outcome::SizeMismatch ? SceneStatus::SizeMismatch
                                                        : SceneStatus::Different;
        r.message = c.summary();
        if (c.outcome == Outcome::Missing)
            r.message = "missing reference: " + ref + " does not exist; the render is " + r.actual_path +
                        "; create the references with --update";
        r.comparison = c;
    } catch (const Error& e) {
        r.status = SceneStatus::Error;
        r.message = e.what();
    }
    return r;
}

void run_test(const TestArgs& o) {
    // SIGINT, SIGTERM, SIGHUP: the PNG or report being written is removed, exit 128 + n.
    interrupt::install("the files written so far are complete, none is half-written");
    try {
        const Tolerance tol = make_tolerance(o.tolerance);
        if (!o.common.size.empty()) {
            int w, h;
            parse_size(o.common.size, w, h);
        }
        parse_backend(o.common.backend);
        if (!o.report.empty()) {
            if (!ends_with(o.report, ".html") && !ends_with(o.report, ".htm"))
                fail("--report " + o.report, "the report is an HTML page", "name it e.g. out/report.html");
            size_t slash = o.report.find_last_of('/');
            if (slash != std::string::npos && slash > 0) make_dirs(o.report.substr(0, slash), "--report");
        }
        for (const auto& [opt, path, ext] : {std::tuple<std::string, std::string, std::string>{"--junit", o.junit, ".xml"},
                                             {"--summary", o.summary, ".md"}}) {
            if (path.empty()) continue;
            if (!ends_with(path, ext))
                fail(opt + " " + path, "names a " + ext + " file", "name it e.g. out/results" + ext);
            size_t slash = path.find_last_of('/');
            if (slash != std::string::npos && slash > 0) make_dirs(path.substr(0, slash), opt);
        }
        if (o.jobs < 1) fail("--jobs " + std::to_string(o.jobs), "is not a number of scenes at once", "give 1 or more");
        const auto scenes = collect_scenes(o.scenes);
        if (o.update) {
            make_dirs(o.references, "--references");
        } else if (!is_dir(o.references)) {
            struct stat st;
            fail("--references " + o.references,
                 stat(o.references.c_str(), &st) == 0 ? "is not a folder" : "no such folder",
                 "give the folder of reference PNGs, or create it with --update");
        }
        std::string out_dir = o.out;
        if (out_dir.empty() && !o.report.empty()) {
            size_t slash = o.report.find_last_of('/');
            out_dir = slash == std::string::npos ? "." : o.report.substr(0, slash);
        } else if (out_dir.empty() && !o.update) {
            out_dir = "mmr-test-out";
        }
        if (!out_dir.empty()) make_dirs(out_dir, "--out");
        if (!out_dir.empty() && same_file(out_dir, o.references))
            fail("--out " + out_dir, "is the references folder, so renders would replace references",
                 "write renders elsewhere (e.g. --out out)");

        // This shard's share of the scenes (--shard), in name order.
        std::vector<std::pair<std::string, std::string>> todo(scenes.begin(), scenes.end());
        const shard::Shard sh = shard::parse_shard(o.shard, o.shards);
        if (sh.active()) {
            const shard::Range r = shard::share(int64_t(todo.size()), sh.index, sh.count);
            todo = std::vector<std::pair<std::string, std::string>>(todo.begin() + r.begin, todo.begin() + r.end);
            if (!o.json)
                std::cerr << "mmr test: shard " << sh.text() << " (" << sh.source << "): " << todo.size() << " of "
                          << scenes.size() << " scenes\n";
        }
        auto print = [&](const SceneResult& r) {
            if (o.json) return;
            const char* tag = r.status == SceneStatus::Same           ? "ok     "
                              : r.status == SceneStatus::Different    ? "FAIL   "
                              : r.status == SceneStatus::SizeMismatch ? "FAIL   "
                              : r.status == SceneStatus::Missing      ? "MISSING"
                              : r.status == SceneStatus::Error        ? "ERROR  "
                                                                      : "update ";
            std::cout << tag << " " << r.name << ": " << r.message << "\n" << std::flush;
        };
        // --jobs N: N scenes render at once (each its own GL context); lines are
        // printed in name order as soon as every earlier scene is done.
        std::vector<SceneResult> results(todo.size());
        std::vector<char> done(todo.size(), 0);
        std::mutex m;
        std::condition_variable cv;
        std::atomic<size_t> next{0};
        auto work = [&] {
            for (size_t i; (i = next++) < todo.size();) {
                SceneResult r = run_one(todo[i].first, todo[i].second, o, tol, out_dir);
                std::lock_guard<std::mutex> lock(m);
                results[i] = std::move(r);
                done[i] = 1;
                cv.notify_all();
            }
        };
        const int jobs = std::max(1, std::min<int>(o.jobs, int(todo.size())));
        std::vector<std::thread> pool;
        for (int j = 1; j < jobs; ++j) pool.emplace_back(work);
        if (jobs == 1) {
            work();
            for (const auto& r : results) print(r);
        } else {
            std::thread printer([&] {
                for (size_t i = 0; i < todo.size(); ++i) {
                    std::unique_lock<std::mutex> lock(m);
                    cv.wait(lock, [&] { return done[i] != 0; });
                    const SceneResult r = results[i];
                    lock.unlock();
                    print(r);
                }
            });
            work();
            for (auto& t : pool) t.join();
            printer.join();
        }
        // References with no scene are worth a note (a renamed or deleted scene).
        if (!o.update && o.scenes.size() == 1 && is_dir(o.scenes[0]))
            if (DIR* d = opendir(o.references.c_str())) {
                std::set<std::string> stale;
                while (dirent* e = readdir(d)) {
                    std::string n = e->d_name;
                    if (ends_with(n, ".png") && !ends_with(n, ".diff.png") && !scenes.count(n.substr(0, n.size() - 4)))
                        stale.insert(n);
                }
                closedir(d);
                for (const auto& n : stale)
                    if (!o.json) std::cerr << "note: " << join(o.references, n) << " has no scene in " << o.scenes[0] << "\n";
            }

        RunInfo info;
        info.scene_sources = o.scenes;
        info.references = o.references;
        info.size = o.common.size;
        info.tolerance = tol;
        info.update = o.update;
        info.report_all = o.report_all;
        if (!o.report.empty()) write_html_report(o.report, results, info);
        if (!o.junit.empty()) write_text_file(o.junit, junit_xml(results, info), "--junit");
        if (!o.summary.empty()) write_text_file(o.summary, summary_markdown(results, info), "--summary");
        const RunCounts c = count(results);
        const int code = exit_code(c);
        if (o.json) {
            std::cout << run_json(results, info, o.report) << "\n";
        } else {
            std::cout << "mmr test: " << c.passed << " passed, " << c.failed << " failed";
            if (c.missing) std::cout << ", " << c.missing << (c.missing == 1 ? " missing reference" : " missing references");
            if (c.errors) std::cout << ", " << c.errors << (c.errors == 1 ? " error" : " errors");
            if (o.update)
                std::cout << "; " << c.written << (c.written == 1 ? " reference" : " references") << " written to "
                          << o.references;
            std::cout << "\n";
            if (!o.report.empty()) std::cout << "report: " << o.report << "\n";
            if (!o.junit.empty()) std::cout << "junit: " << o.junit << "\n";
            if (!o.summary.empty()) std::cout << "summary: " << o.summary << "\n";
            if (c.missing)
                std::cerr << "mmr: error: " << c.missing << (c.missing == 1 ? " scene has" : " scenes have") << " no reference in " << o.references
                          << "; create references with: mmr test " << o.scenes[0] << " --references " << o.references
                          << " --update\n";
            else if (c.errors)
                std::cerr << "mmr: error: " << c.errors << (c.errors == 1 ? " scene" : " scenes")
                          << " could not be tested (see the ERROR lines)\n";
            else if (c.failed)
                std::cerr << "mmr: " << c.failed << (c.failed == 1 ? " scene differs from its reference" : " scenes differ from their references") << "; if the change is "
                          << "intended, update the references with: mmr test " << o.scenes[0] << " --references "
                          << o.references << " --update\n";
        }
        finish_stdout();  // the verdict only once it is out; a lost one is an error (2)
        if (code) exit_with(code);
    } catch (const StdoutError& e) {
        std::cerr << "mmr: error: " << e.what() << "\n";
        exit_with(2);
    } catch (const Error& e) {
        std::cerr << "mmr: error: " << e.what() << "\n";
        if (o.json)
            std::cout << "{\"result\": \"error\", \"exit_code\": 2, \"message\": " << json_string(e.what()) << "}\n";
        exit_with(2);
    }
}

}  // namespace

void add_test(CLI::App& app) {
    auto opts = std::make_shared<TestArgs>();
    CLI::App* sub = app.add_subcommand(
        "test", "Render every scene and compare it with its reference: exit 0 all same, 1 some differ, 2 error");
    sub->add_option("scenes", opts->scenes, "Folders of *.yaml scenes, or scene files")->required();
    sub->add_option("--references", opts->references, "Folder of reference PNGs, one <scene name>.png per scene")
        ->required();
    sub->add_option("--report", opts->report, "Write an HTML report here (one self-contained file)");
    sub->add_option("--out", opts->out,
                    "Folder for the renders (<name>.png) and diff images (<name>.diff.png); "
                    "default: the report's folder, else mmr-test-out");
    sub->add_option("--update", opts->update_mode,
                    "Write the references from the renders instead of comparing: 'changed' (the default: new "
                    "ones and those whose pixels changed), 'missing' (only new ones) or 'all'")
        ->expected(0, 1)
        ->check(CLI::IsMember({"", "missing", "changed", "all"}));
    sub->add_option("--junit", opts->junit, "Write JUnit XML here: one testcase per scene (CI test reports)");
    sub->add_option("--summary", opts->summary,
                    "Write a Markdown table here (e.g. $GITHUB_STEP_SUMMARY): scene, result, metric, changed regions");
    sub->add_flag("--report-all", opts->report_all, "Show every scene's images in the report, not only the failures'");
    sub->add_option("--jobs,-j", opts->jobs, "Scenes rendered at once (default 1)");
    sub->add_option("--shard", opts->shard, "Test only shard I of N of the scenes (I from 0), or 'auto' (docs/cluster.md)");
    sub->add_option("--shards", opts->shards, "Number of shards, for --shard auto under Kubernetes or GNU parallel");
    add_scene_options(sub, opts->common);
    add_tolerance_options(sub, opts->tolerance);
    sub->add_flag("--json", opts->json, "Print one JSON object instead of lines of text");
    describe(sub, "SCENES... --references DIR [options]",
             {"mmr test figs --references refs --report out/report.html",
              "mmr test figs --references refs --update"},
             std::string("0 all the same (with --update: references written), 1 some differ, 2 a scene that "
                         "fails to render, missing references or folders, bad options, usage error, or writing "
                         "the results to standard output failed (the text or JSON is written and flushed "
                         "before the verdict's code); 3 internal error; ") + kInterruptedCodes);
    sub->callback([opts, sub] {
        opts->update = sub->count("--update") > 0;
        run_test(*opts);
    });
}

}  // namespace mmr::cmd
