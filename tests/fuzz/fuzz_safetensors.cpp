// libFuzzer target: safetensors reader (src/model/data_safetensors.cpp).
#include <cstddef>
#include <cstdint>

#include "mmr/core/error.h"
#include "mmr/model/data.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    mmr::MemorySource src(data, size, "fuzz.safetensors");
    try {
        const std::vector<std::string> names = mmr::safetensors_names(src);
        for (size_t i = 0; i < names.size() && i < 4; ++i) {
            try {
                const mmr::TensorInfo t = mmr::safetensors_tensor(src, names[i]);
                mmr::SliceSpec s;
                if (t.shape.size() > 2) s.index.assign(t.shape.size() - 2, 0);
                s.transpose = i % 2 == 1;
                mmr::read_slice(src, t, s, "fuzz.safetensors");
            } catch (const mmr::Error&) {
            }
        }
        mmr::safetensors_tensor(src, "no such tensor");
    } catch (const mmr::Error&) {
    }
    return 0;
}
