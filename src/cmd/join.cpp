// mmr join: the parts written by `mmr render -o FOLDER --shard I/N` -> one MP4,
// remuxed without re-encoding (mmr/shard/part.h), byte-identical to a single render.
#include <cstdio>

#include "commands.h"
#include "mmr/core/interrupt.h"
#include "mmr/shard/part.h"

namespace mmr::cmd {
namespace {

struct JoinArgs {
    std::vector<std::string> inputs;
    std::string output;
    bool quiet = false;
};

void run_join(const JoinArgs& a) {
    interrupt::install(a.output + " was not written");
    const shard::JoinStats st = shard::join_parts(a.inputs, a.output);
    if (!a.quiet)
        std::fprintf(stderr, "mmr join: wrote %s: %lld frames from %d parts\n", a.output.c_str(),
                     (long long)st.frames, st.parts);
}

}  // namespace

void add_join(CLI::App& app) {
    auto a = std::make_shared<JoinArgs>();
    CLI::App* sub = app.add_subcommand("join", "Join the parts of a sharded MP4 render into one MP4, without re-encoding");
    sub->add_option("parts", a->inputs, "Folders of parts (*.mmrpart) or part files")->required();
    sub->add_option("-o,--output", a->output, "The MP4 to write (to a temporary name, then renamed)")->required();
    sub->add_flag("-q,--quiet", a->quiet, "Print nothing but errors");
    describe(sub, "PARTS... -o OUT.mp4",
             {"mmr render long.yaml -o parts/ --shard 0/2 && mmr render long.yaml -o parts/ --shard 1/2",
              "mmr join parts/ -o long.mp4"},
             std::string("0 written, 1 cannot write, 2 usage error, or parts missing, repeated, of different renders, "
                         "truncated or damaged (named; nothing is written), 3 internal error, ") +
                 kInterruptedCodes);
    sub->callback([a] { run_join(*a); });
}

}  // namespace mmr::cmd
