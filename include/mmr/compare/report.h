// The results of `mmr test` (one per scene), printed, as JSON and as a
// self-contained HTML page (every image embedded as a data: URI, so the one
// file can be kept as a CI artifact and opened anywhere).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "mmr/compare/reference_check.h"

namespace mmr {

enum class SceneStatus {
    Error,         // the scene did not render, or its reference is unusable
    Missing,       // no reference
    SizeMismatch,  // reference of another size
    Different,     // over the threshold
    Same,          // within the threshold
    Created,       // --update: reference written where there was none
    Updated,       // --update: reference rewritten
    Unchanged,     // --update: reference already had these pixels
};
const char* status_name(SceneStatus s);  // "error", "missing", "size-mismatch", "different", "same", ...
bool is_failure(SceneStatus s);          // error, missing, size-mismatch, different

struct SceneResult {
    std::string name;        // file name without .yaml
    std::string scene_path;
    SceneStatus status = SceneStatus::Error;
    std::string message;     // one line: the comparison summary or the error
    std::string actual_path; // the render written, or empty
    std::optional<Comparison> comparison;
    double seconds = 0;      // render and compare
    std::string config;      // the sidecar <reference>.test.yaml applied, or empty
};

struct RunInfo {
    std::vector<std::string> scene_sources;  // the folders or files given
    std::string references;
    std::string size;        // --size, or empty
    Tolerance tolerance;
    bool update = false;
    bool report_all = false; // --report-all: passing scenes with their image too
};

struct RunCounts {
    int passed = 0, failed = 0, missing = 0, errors = 0, written = 0;
};
RunCounts count(const std::vector<SceneResult>& results);
// 0 all same (or --update succeeded), 1 some differ, 2 errors or missing references.
int exit_code(const RunCounts& c);

// Failures first (errors, missing, size mismatches, differences), then the
// rest; by name within each group.
std::vector<SceneResult> failures_first(std::vector<SceneResult> results);

std::string run_json(const std::vector<SceneResult>& results, const RunInfo& info, const std::string& report_path);

// Writes the HTML page atomically. Throws mmr::Error.
void write_html_report(const std::string& path, const std::vector<SceneResult>& results, const RunInfo& info);

// Base64 of a file's bytes (for data: URIs); throws mmr::Error if unreadable.
std::string base64_file(const std::string& path);

}  // namespace mmr
