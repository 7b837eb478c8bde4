// libFuzzer target: .npz (zip) reader (src/model/data_npz.cpp) and the .npy inside.
#include <cstddef>
#include <cstdint>

#include "mmr/core/error.h"
#include "mmr/model/data.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    mmr::MemorySource src(data, size, "fuzz.npz");
    try {
        const std::vector<std::string> names = mmr::npz_names(src);
        for (size_t i = 0; i < names.size() && i < 4; ++i) {
            try {
                std::unique_ptr<mmr::ByteSource> m = mmr::npz_member(src, names[i]);
                const mmr::TensorInfo t = mmr::read_npy_header(*m);
                mmr::SliceSpec s;
                if (t.shape.size() > 2) s.index.assign(t.shape.size() - 2, 0);
                mmr::read_slice(*m, t, s, "fuzz.npz");
            } catch (const mmr::Error&) {
            }
        }
        mmr::npz_member(src, "no such array");
    } catch (const mmr::Error&) {
    }
    return 0;
}
