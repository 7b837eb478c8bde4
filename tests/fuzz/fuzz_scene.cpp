// libFuzzer target: a scene file end to end on the CPU — YAML parsing and key
// validation (src/scene/scene_parser.cpp, yaml_reader.cpp), the model with its values
// (src/model/), and the 3D layout (src/layout/) — on small scenes. Scenes that read
// files or run JavaScript are parsed but not built (the readers and the evaluator
// have fuzzers and tests of their own; a fork per input would crawl).
#include <cstddef>
#include <cstdint>
#include <string>

#include "mmr/core/error.h"
#include "mmr/layout/layout.h"
#include "mmr/model/build_model.h"
#include "mmr/scene/scene_parser.h"

namespace {

bool reads_files_or_runs_js(const mmr::LeafSpec& m) {
    return !m.file.empty() || !m.url.empty() || !m.js.empty() || m.init == "expr" || m.init == "csv" ||
           m.init == "url";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        mmr::SceneSpec s = mmr::parse_scene(text, "fuzz.yaml");
        for (const auto& [name, m] : s.matrices)
            if (reads_files_or_runs_js(m)) return 0;
        for (const auto& [name, uses] : s.matrix_uses)
            for (const auto& m : uses)
                if (reads_files_or_runs_js(m)) return 0;
        s.data_dirs = {"/nonexistent"};
        s.max_elements = 20000;  // small scenes: many inputs a second
        s.max_multiply_adds = 2e6;
        const mmr::Model model = mmr::build_model(s);
        (void)mmr::compute_layout(model);
    } catch (const mmr::Error&) {
    }
    return 0;
}
