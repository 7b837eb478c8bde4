// libFuzzer target: CSV reader with mm's roll-over (src/model/csv.cpp).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include <filesystem>

#include "mmr/core/error.h"
#include "mmr/model/values.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::string path =
        (std::filesystem::temp_directory_path() / ("mmr-fuzz-csv-" + std::to_string(getpid()) + ".csv")).string();
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return 0;
    std::fwrite(data, 1, size, f);
    std::fclose(f);
    try {
        const mmr::CsvData d = mmr::load_csv(path, "fuzz");
        volatile double sum = 0;
        for (int i = -3; i < 5; ++i)
            for (int j = -3; j < 5; ++j) sum = sum + d.at(i, j);
    } catch (const mmr::Error&) {
    }
    return 0;
}
