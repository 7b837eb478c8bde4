# Included from tests/CMakeLists.txt: when clang is installed, CTest builds the fuzz
# project (tests/fuzz/CMakeLists.txt) and runs each fuzzer for a bounded time from
# the seed corpus in tests/fuzz/corpus/<target>/: a smoke run of a few seconds each.
# MMR_FUZZ_SECONDS=0 turns it off. Long runs: scripts/fuzz.sh (10 minutes each).
set(MMR_FUZZ_SECONDS 5 CACHE STRING "Seconds each fuzzer runs under CTest (0: no fuzz tests)")
find_program(MMR_CLANGXX NAMES clang++ clang++-16 clang++-15 clang++-14)
find_program(MMR_CLANG NAMES clang clang-16 clang-15 clang-14)
if(MMR_CLANGXX AND MMR_CLANG AND MMR_FUZZ_SECONDS GREATER 0)
  set(fuzz_build ${CMAKE_BINARY_DIR}/fuzz)
  set(fuzz_targets npy npz safetensors csv mm_link expression scene)
  # where each fuzzer keeps the inputs it finds (made again if build/fuzz was removed)
  list(TRANSFORM fuzz_targets PREPEND corpus_ OUTPUT_VARIABLE fuzz_corpus_dirs)
  list(JOIN fuzz_corpus_dirs " " fuzz_corpus_dirs)
  math(EXPR fuzz_timeout "${MMR_FUZZ_SECONDS} * 3 + 60")
  add_test(NAME fuzz_build
           COMMAND ${CMAKE_COMMAND} -E env CXX=${MMR_CLANGXX} CC=${MMR_CLANG}
                   sh -c "${CMAKE_COMMAND} -S ${CMAKE_CURRENT_LIST_DIR} -B ${fuzz_build} -DCMAKE_CXX_COMPILER=${MMR_CLANGXX} -DCMAKE_C_COMPILER=${MMR_CLANG} -DCMAKE_BUILD_TYPE=Smoke >/dev/null && ${CMAKE_COMMAND} --build ${fuzz_build} -j2 && cd ${fuzz_build} && mkdir -p ${fuzz_corpus_dirs}")
  # COST: the longest test, started first so the rest of the suite runs beside it.
  set_tests_properties(fuzz_build PROPERTIES FIXTURES_SETUP mmr_fuzz TIMEOUT 1800 COST 10000)
  foreach(target ${fuzz_targets})
    add_test(NAME fuzz_${target}
             COMMAND ${fuzz_build}/fuzz_${target} -max_total_time=${MMR_FUZZ_SECONDS} -timeout=10
                     -rss_limit_mb=2048 -print_final_stats=1 ${fuzz_build}/corpus_${target}
                     ${CMAKE_CURRENT_LIST_DIR}/corpus/${target})
    set_tests_properties(fuzz_${target} PROPERTIES FIXTURES_REQUIRED mmr_fuzz
                         TIMEOUT ${fuzz_timeout})
  endforeach()
endif()
