// Many scenes in one command (mmr still / render): the scene arguments expanded
// (folders, globs), output templates filled per scene ({name}, {stem}, {dir},
// {step}; {frame...} is left to the PNG-sequence writer), brace lists for several
// outputs ({mp4,gif}), collisions found before anything renders, and the jobs run
// in child processes, --jobs at a time.
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace mmr::batch {

// One scene argument after expansion.
struct Input {
    std::string path;  // a file path, or an mm link as given
    std::string name;  // {name}: file name without its extension ("head"); "link-N" for the N-th link
    std::string stem;  // {stem}: the path without the extension ("scenes/head"); = name for links
    std::string dir;   // {dir}: the folder of the file ("scenes", "." when none)
};

// Expands scene arguments in order: a folder gives its *.yaml and *.yml files
// (sorted; not recursive), a pattern with * ? or [ that is not an existing file
// gives its matches (sorted), anything else (a file, a missing file, an mm link)
// itself. The same path twice is kept once. Throws mmr::Error for a folder with
// no scene or a pattern that matches nothing.
// `is_link` says whether an argument is an mm link (load_scene.h is_link_argument).
std::vector<Input> expand_inputs(const std::vector<std::string>& args,
                                 const std::function<bool(const std::string&)>& is_link);

// "web/x.{mp4,gif}" -> {"web/x.mp4", "web/x.gif"}: every brace group holding a
// comma is a list (several groups: every combination, left to right); other
// braces ({name}, {frame:04}) stay. Empty items are allowed ("a{,-2}.png").
std::vector<std::string> expand_braces(const std::string& pattern);

// True if `tmpl` holds a token this module fills ({name} {stem} {dir} {step}).
bool has_scene_token(const std::string& tmpl);
// True if `tmpl` holds {step}.
bool has_step_token(const std::string& tmpl);

// Fills {name} {stem} {dir} and {step} (`step` < 0: not available, an error if
// used). {frame} and {frame:NN} are kept when `keep_frame`, else an error.
// Unknown tokens are an error naming `option` (e.g. "-o out/{nmae}.png") with
// the closest token. Throws mmr::Error.
std::string fill_template(const std::string& tmpl, const Input& in, int step, bool keep_frame,
                          const std::string& option);

// One unit of work: a scene (and a step for stills) and the files it writes.
struct Job {
    Input input;
    int step = 0;                      // still --step (0: the finished scene)
    std::vector<std::string> outputs;  // after templates and braces
};

// Throws mmr::Error if two jobs write one output (or one job the same path
// twice), naming both inputs and the fix.
void check_collisions(const std::vector<Job>& jobs, const std::string& option);

// Creates the missing folders of every output (a template such as
// out/{stem}.png mirrors the scenes' folders), before anything renders. Throws
// mmr::Error naming the folder if one cannot be made.
void make_output_folders(const std::vector<Job>& jobs, const std::string& option);

// Runs run(job) for every job in child processes (fork), at most `jobs` at a
// time, in order of the list. A job's exit status is what run returns (a child
// that dies of a signal counts as failed). Returns the exit status of each job.
// While it waits, SIGINT, SIGTERM and SIGHUP are passed on to the running
// children (which remove their temporaries) and then end mmr with 128 + n.
std::vector<int> run_jobs(const std::vector<Job>& jobs, int parallel, const std::function<int(const Job&)>& run);

// "mmr still: 3 of 4 scenes written; failed: scenes/bad.yaml (exit 1)" style
// summary of a batch (`what` e.g. "written"); empty when nothing to say.
std::string summary(const std::string& command, const std::vector<Job>& jobs, const std::vector<int>& status);

}  // namespace mmr::batch
