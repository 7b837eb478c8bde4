// libFuzzer target: mm link / params JSON decoding and the conversion to a scene
// (src/scene/mm_params*.cpp, scene_writer.cpp), then the scene parser on the result.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "mmr/core/error.h"
#include "mmr/model/build_model.h"
#include "mmr/scene/mm_params.h"
#include "mmr/scene/scene_parser.h"
#include "mmr/scene/scene_writer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        mmr::ParamsJson p = !text.empty() && text[0] == '{'
                                ? mmr::params_from_json_text(text, "fuzz.json")
                                : mmr::decode_mm_link(text, "fuzz link");
        mmr::ImportOptions io;
        io.scene_dir = "/nonexistent";
        io.data_dirs = {"/nonexistent"};
        const mmr::SceneSpec s = mmr::scene_from_params(p, io, "fuzz link");
        // From here on nothing may fail: the written scene must read back, build and
        // export, and write the same text again.
        try {
            const std::string yaml = mmr::write_scene(s);
            mmr::SceneSpec back = mmr::parse_scene(yaml, "fuzz.yaml");
            back.data_dirs = io.data_dirs;
            mmr::build_structure(back);
            if (mmr::write_scene(back) != yaml) __builtin_trap();
            const mmr::ParamsJson e = mmr::params_from_scene(back);
            (void)mmr::encode_mm_link_compressed(e);
            (void)mmr::encode_mm_link_json(e);
        } catch (const mmr::Error& err) {
            std::fprintf(stderr, "scene from a valid link does not read back: %s\n", err.what());
            __builtin_trap();
        }
    } catch (const mmr::Error&) {
    }
    return 0;
}
