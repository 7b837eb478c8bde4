// libFuzzer target: .npy header and data reader (src/model/data_npy.cpp, data_slice.cpp).
#include <cstddef>
#include <cstdint>

#include "mmr/core/error.h"
#include "mmr/model/data.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    mmr::MemorySource src(data, size, "fuzz.npy");
    try {
        const mmr::TensorInfo t = mmr::read_npy_header(src);
        mmr::SliceSpec s;
        if (t.shape.size() > 2) s.index.assign(t.shape.size() - 2, 0);
        s.transpose = size % 2 == 1;
        mmr::read_slice(src, t, s, "fuzz.npy");
        s.index.assign(s.index.size(), -1);
        mmr::read_slice(src, t, s, "fuzz.npy");
    } catch (const mmr::Error&) {
        // a one-line error is the expected outcome for bad input
    }
    return 0;
}
