// mmr expand: the ordinary scene a preset (attention:) stands for, as YAML.
#include <iostream>

#include "commands.h"
#include "mmr/scene/load_scene.h"
#include "mmr/scene/scene_parser.h"
#include "mmr/scene/scene_writer.h"

namespace mmr::cmd {

void add_expand(CLI::App& app) {
    auto scene = std::make_shared<std::string>();
    CLI::App* sub = app.add_subcommand("expand", "Print the ordinary scene a preset (attention:) stands for");
    sub->add_option("scene", *scene, "Scene file (YAML)")->required();
    describe(sub, "SCENE > EXPANDED.yaml", {"mmr expand scenes/attention/llama-gqa-decode.yaml > gqa.yaml"},
             "0 printed, 1 bad input or writing to standard output failed, 2 usage error, 3 internal error");
    sub->callback([scene] {
        const SceneSpec spec = load_scene(*scene);
        WriteOptions wo;
        if (spec.preset == "attention") {
            wo.comments.push_back("Expanded by 'mmr expand' from the attention preset in " + *scene + ".");
            wo.comments.push_back("Costs of the whole layer: 'mmr stats " + *scene + "' (this file draws a subset).");
        }
        const std::string text = write_scene(spec, wo);
        try {  // the expansion must read back (a failure is a bug in the writer)
            parse_scene(text, "<expand>");
        } catch (const Error& e) {
            throw std::runtime_error(std::string("the expanded scene does not parse: ") + e.what());
        }
        std::cout << text;
        finish_stdout();
    });
}

}  // namespace mmr::cmd
