// What `mmr test` writes for CI systems (docs/testing-in-ci.md): JUnit XML (one
// testcase per scene; Jenkins, GitLab, GitHub actions that read JUnit), a Markdown
// table for GitHub's step summary, and the per-scene sidecar that sets a scene's
// tolerance and the regions to ignore.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "mmr/compare/report.h"

namespace mmr {

// <reference folder>/<scene>.test.yaml, e.g.
//   metric: ssim            # pixels | psnr | ssim | max
//   threshold: 0.995
//   color_threshold: 0.1
//   ignore:                 # rectangles [x, y, width, height] not compared
//     - [0, 0, 200, 40]
struct SceneTestConfig {
    std::string path;  // empty: no sidecar
    std::optional<Metric> metric;
    std::optional<double> threshold, color_threshold;
    std::vector<Rect> ignore;
};
// Reads the sidecar if it exists (else an empty config). Throws mmr::Error naming
// the file, line and key.
SceneTestConfig load_scene_test_config(const std::string& path);
// `base` with the sidecar's metric, threshold and colour threshold; validated.
Tolerance apply_config(const Tolerance& base, const SceneTestConfig& c);

// JUnit XML: <testsuites><testsuite name="mmr test" tests= failures= errors= skipped=
// time=><testcase classname="mmr.test" name=SCENE time=><failure message type>...
// A failure's message holds the metric; the images are named in <system-out> as
// [[ATTACHMENT|path]] lines (the Jenkins attachments convention).
std::string junit_xml(const std::vector<SceneResult>& results, const RunInfo& info);
// Markdown for $GITHUB_STEP_SUMMARY: a headline, then a table
// | scene | result | metric | changed regions |, failures first.
std::string summary_markdown(const std::vector<SceneResult>& results, const RunInfo& info);
// Writes `text` to a temporary name beside `path`, then renames it. Throws
// mmr::Error naming `option` and the path.
void write_text_file(const std::string& path, const std::string& text, const std::string& option);

}  // namespace mmr
