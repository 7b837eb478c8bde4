// mmr import: an mm link (or params JSON file) -> a readable YAML scene.
// mmr export: a scene (or link) -> an mm link.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.h"
#include "mmr/core/error.h"
#include "mmr/core/input_file.h"
#include "mmr/core/limits.h"
#include "mmr/core/interrupt.h"
#include "mmr/scene/load_scene.h"
#include "mmr/scene/mm_params.h"
#include "mmr/scene/scene_parser.h"
#include "mmr/scene/scene_writer.h"

namespace mmr::cmd {
namespace {

struct ImportArgs {
    std::string source, output;
    std::vector<std::string> data_dirs, comments;
    bool allow_any_path = false;
};

std::string folder_of(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? "." : path.substr(0, std::max<size_t>(slash, 1));
}

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string read_text(const std::string& path) {
    struct stat st;
    if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        fail(path, "is a folder, not a params JSON file", "give a .json params file or an mm link");
    // No FIFO or device; at most limits::max_scene_bytes, checked before reading.
    InputFile in(path, limits::max_scene_bytes, "params file");
    if (!in.ok()) fail(path, "cannot open the file", "check the path");
    return in.read_all();
}

// Writes to a temporary name in the same folder, then renames: no half-written scene.
void write_atomically(const std::string& path, const std::string& text) {
    const std::string tmp = path + ".tmp" + std::to_string(getpid());
    interrupt::TempRegistration registered(tmp);  // removed if mmr is interrupted
    {
        std::ofstream out(tmp, std::ios::binary);
        out << text;
        out.close();
        if (!out) {
            std::remove(tmp.c_str());
            fail("-o " + path, "cannot write the file", "check the folder and free space");
        }
    }
    interrupt::Hold hold;  // the scene is either complete or absent
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        fail("-o " + path, "cannot write the file", "check the folder's permissions");
    }
}

void run_import(const ImportArgs& a) {
    if (!a.output.empty() && a.output != "-") {
        interrupt::install(a.output + " was not written");  // the temporary scene is removed
        check_output_path(a.output, {".yaml", ".yml"});
    }
    check_data_dirs(a.data_dirs);
    ParamsJson params;
    std::string where;
    if (is_link_argument(a.source)) {
        where = "mm link";
        params = decode_mm_link(a.source, where);
    } else if (ends_with(a.source, ".json")) {
        where = a.source;
        params = params_from_json_text(read_text(a.source), where);
    } else {
        fail(a.source, "is neither an mm link nor a params JSON file",
             "give a link (https://bhosmer.github.io/mm/...?...) or a .json file; YAML scenes need no import");
    }
    ImportOptions io;
    // Data files are looked up where the scene will be rendered from: its folder, ./data.
    io.scene_dir = a.output.empty() || a.output == "-" ? "." : folder_of(a.output);
    io.data_dirs = a.data_dirs;
    io.allow_any_path = a.allow_any_path;
    const SceneSpec spec = scene_from_params(params, io, where);
    WriteOptions wo;
    wo.comments.push_back(kLinkSceneComment);
    for (const std::string& c : a.comments) {
        std::istringstream lines(c);
        std::string line;
        while (std::getline(lines, line)) wo.comments.push_back(line);
    }
    const std::string text = write_scene(spec, wo);
    // The scene must read back (a failure here is a bug in the writer, not in the link).
    try {
        parse_scene(text, a.output.empty() ? "<import>" : a.output);
    } catch (const Error& e) {
        throw std::runtime_error(std::string("the written scene does not parse: ") + e.what());
    }
    if (a.output.empty() || a.output == "-") {
        std::cout << text;
        finish_stdout();
    } else {
        write_atomically(a.output, text);
    }
}

struct ExportArgs {
    std::string scene;
    std::vector<std::string> data_dirs;
    bool compressed = false;
    bool allow_any_path = false;
};

void run_export(const ExportArgs& a) {
    LoadOptions lo;
    lo.data_dirs = a.data_dirs;
    lo.allow_any_path = a.allow_any_path;
    const SceneSpec spec = load_scene(a.scene, lo);
    const ParamsJson params = params_from_scene(spec);
    std::cout << (a.compressed ? encode_mm_link_compressed(params) : encode_mm_link_json(params)) << "\n";
    finish_stdout();
}

}  // namespace

void add_import(CLI::App& app) {
    auto opts = std::make_shared<ImportArgs>();
    CLI::App* sub = app.add_subcommand("import", "Turn an mm link (or params JSON file) into a YAML scene");
    sub->add_option("source", opts->source, "mm link (quote it) or params JSON file")->required();
    sub->add_option("-o,--output", opts->output, "Scene file to write (default: standard output)");
    sub->add_option("--data-dir", opts->data_dirs,
                    "Folder where url data files are looked up by base name (repeatable; default: the "
                    "scene's folder, then ./data); files not found get a gaussian stand-in")
        ->allow_extra_args(false);  // one value each time
    sub->add_flag("--allow-any-path", opts->allow_any_path, "Read data files (file:, url) from anywhere; by default only from the scene's folder and the data folders");
    sub->add_option("--comment", opts->comments, "Comment line for the top of the scene (repeatable)")
        ->allow_extra_args(false);  // one value each time
    describe(sub, "LINK|PARAMS.json [-o SCENE.yaml] [options]",
             {"mmr import 'https://bhosmer.github.io/mm/index.html?params=%7B...' -o head.yaml",
              "mmr import params.json --data-dir weights > scene.yaml"},
             std::string("0 written, 1 bad input (link, params file or output path) or writing to standard "
                         "output failed, 2 usage error, 3 internal error, ") + kInterruptedCodes);
    sub->callback([opts] { run_import(*opts); });
}

void add_export(CLI::App& app) {
    auto opts = std::make_shared<ExportArgs>();
    CLI::App* sub = app.add_subcommand("export", "Print an mm link for a scene (JSON form)");
    sub->add_option("scene", opts->scene, "Scene file (YAML), params JSON file or mm link")->required();
    sub->add_option("--data-dir", opts->data_dirs, "Folder where url data files are looked up (repeatable)")
        ->allow_extra_args(false);  // one value each time
    sub->add_flag("--allow-any-path", opts->allow_any_path, "Read data files (file:, url) from anywhere; by default only from the scene's folder and the data folders");
    sub->add_flag("--compressed", opts->compressed, "Print mm's compressed (numbered-key) form instead");
    describe(sub, "SCENE [--compressed] [options]",
             {"mmr export scenes/pitch.yaml", "mmr export scenes/pitch.yaml --compressed"},
             "0 printed, 1 bad input or writing to standard output failed, 2 usage error, 3 internal error");
    sub->callback([opts] { run_export(*opts); });
}

}  // namespace mmr::cmd
