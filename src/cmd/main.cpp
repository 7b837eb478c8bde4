// mmr: matrix-multiplication visualisations from YAML scenes, headless.
#include <malloc.h>

#include <cstdio>
#include <iostream>

#include "commands.h"
#include "mmr/core/error.h"

int main(int argc, char** argv) {
    // glibc heap trimming halves llvmpipe throughput (notes/headless-gl.md).
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    mallopt(M_MMAP_THRESHOLD, 256 << 20);

    CLI::App app{"mmr - 3D matrix multiplication visualisations (PNG stills, MP4/GIF animations), headless"};
    app.set_version_flag("--version", "mmr " MMR_VERSION);
    app.require_subcommand(1);
    mmr::cmd::add_still(app);
    mmr::cmd::add_check(app);
    mmr::cmd::add_render(app);
    mmr::cmd::add_import(app);
    mmr::cmd::add_export(app);
    mmr::cmd::add_diff(app);
    mmr::cmd::add_test(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::RuntimeError& e) {  // a subcommand chose its exit code (diff, test)
        return e.get_exit_code();
    } catch (const CLI::ParseError& e) {
        std::cerr << "mmr: error: " << e.what() << "; see 'mmr --help'\n";
        return 2;
    } catch (const mmr::Error& e) {
        std::cerr << "mmr: error: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "mmr: internal error: " << e.what() << "\n";
        return 3;
    }
    return 0;
}
