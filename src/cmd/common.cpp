#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include "commands.h"
#include "mmr/core/error.h"
#include "mmr/core/limits.h"
#include "mmr/core/quote.h"
#include "mmr/scene/load_scene.h"
#include "mmr/theme/theme.h"
#include "mmr/encode/png.h"
#include "mmr/render/still.h"

namespace mmr::cmd {

void add_scene_options(CLI::App* sub, SceneArgs& a) {
    sub->add_option("--data-dir", a.data_dirs,
                    "Folder where url data files are looked up by base name (repeatable; default: the "
                    "scene's folder, then ./data)")
        ->allow_extra_args(false);  // one value each time
    sub->add_flag("--allow-any-path", a.allow_any_path, "Read data files (file:, url) from anywhere; by default only from the scene's folder and the data folders");
    sub->add_option("--size", a.size, "Image size WIDTHxHEIGHT (default: the scene's output, 1280x720)");
    // A usage error (exit 2) when not a whole number in 0..2^64-1: never clamped.
    sub->add_option("--seed", a.seed, "Seed for random inits, 0 to 2^64-1 (overrides the scene's)")
        ->type_name("UINT")
        ->check(CLI::Validator(
            [](std::string& v) -> std::string {
                if (v.find_first_not_of("-+0123456789") != std::string::npos || v.empty() ||
                    v.find_first_of("0123456789") == std::string::npos)
                    return "value " + shown_value(v) + ": not a whole number";
                if (v[0] == '-' || v[0] == '+' || v.find_first_of("+-", 1) != std::string::npos || v.size() > 20 ||
                    (v.size() == 20 && v > "18446744073709551615"))
                    return "value " + shown_value(v) + ": out of range; use 0 to 18446744073709551615";
                return "";
            },
            "UINT"));
    sub->add_option("--backend", a.backend, "Rendering backend: auto, egl or osmesa");
    sub->add_option("--aa", a.aa,
                    "Antialiasing of lines, text and flow guides: smooth (default: coverage of 4 samples "
                    "computed in the shaders, looks like a browser's MSAA at the cost of none), msaa "
                    "(real 4x multisampling, about 3x slower) or none")
        ->check(CLI::IsMember({"msaa", "smooth", "none"}));
    sub->add_option("--msaa", a.msaa, "Alias: --msaa 2|4 = --aa msaa with that many samples, --msaa 0 = --aa none")
        ->check(CLI::IsMember({0, 2, 4}));
    sub->add_option("--background", a.background,
                    "Page colour: #rrggbb, #rrggbbaa, a CSS name (white, ...) or transparent (RGBA PNG); "
                    "default the scene's output.background, else the theme's");
    sub->add_option("--theme", a.theme,
                    "dark (default: mm's look) or light (legends, guides, arrows and shading for a white page)");
    sub->add_option("--scale", a.scale,
                    "Multiply line widths and the smallest sprite size (1 pixel) by S, e.g. 2 for a 3840x2160 "
                    "render that looks like the 1920x1080 one enlarged (default 1)");
    sub->add_flag("--fit", a.fit,
                  "Move the camera along its direction so that everything drawn fits in the frame with a margin");
    sub->add_option("--margin", a.margin,
                    "With --fit (implied): the margin on each side, a fraction of the frame from 0 to 0.45 "
                    "(default 0.05)");
    sub->add_option("--max-elements", a.max_elements,
                    "Refuse scenes that draw more matrix elements than this (default 2e7)");
    sub->add_option("--max-multiply-adds", a.max_multiply_adds,
                    "Refuse scenes whose matmuls need more multiply-adds than this (default 4e9)");
}

SceneSpec load_scene_args(const std::string& scene, const SceneArgs& a, std::optional<RenderRecord>* record) {
    SceneSpec spec = load_scene(scene, LoadOptions{a.data_dirs, a.allow_any_path});  // a file or an mm link
    // A PNG written by mmr also says how it was rendered (mmr/record/record.h):
    // those settings apply unless an option overrides them.
    if (!is_link_argument(scene) && scene.size() > 4 && scene.compare(scene.size() - 4, 4, ".png") == 0) {
        if (auto rec = find_record(read_png_texts(scene), scene)) {
            spec.output.width = rec->width;
            spec.output.height = rec->height;
            spec.seed = rec->seed;
            std::string guess;
            if (auto t = parse_theme(rec->theme, &guess)) spec.output.theme = *t;
            else fail(scene, "its " + std::string(kRecordKey) + " text names an unknown theme '" + shown_value(rec->theme) + "'", "give the scene file instead");
            if (auto c = parse_color(rec->background)) {
                spec.output.background[0] = c->r, spec.output.background[1] = c->g, spec.output.background[2] = c->b;
                spec.output.background_alpha = c->a;
                spec.output.background_set = true;
            } else {
                fail(scene, "its " + std::string(kRecordKey) + " text has a malformed background '" + shown_value(rec->background) + "'", "give the scene file instead");
            }
            spec.camera.fit = rec->fit;
            spec.camera.margin = rec->margin;
            if (record) *record = rec;
        }
    }
    if (!a.seed.empty()) spec.seed = parse_seed(a.seed);
    if (!a.size.empty()) {
        parse_size(a.size, spec.output.width, spec.output.height);
        spec.output.size_option = "--size " + a.size;
    }
    apply_look_args(spec, a);
    if (!a.max_elements.empty()) spec.max_elements = parse_limit(a.max_elements, "--max-elements");
    if (!a.max_multiply_adds.empty())
        spec.max_multiply_adds = parse_limit(a.max_multiply_adds, "--max-multiply-adds");
    return spec;
}

std::vector<std::pair<std::string, std::string>> still_texts(const SceneSpec& spec, const RenderOptions& render,
                                                             int step, int supersample) {
    return still_png_texts(spec, render, step, supersample);
}

float parse_scale(const std::string& text) {
    char* end = nullptr;
    errno = 0;
    const double s = text.empty() ? 0 : std::strtod(text.c_str(), &end);
    if (text.empty() || *end || errno || !std::isfinite(s) || !(s > 0) || s > 16)
        fail("--scale " + shown_value(text), "the scale must be a number above 0 and at most 16",
             "write e.g. '--scale 2' for lines twice as wide (a 4K picture that looks like the 1080p one)");
    return float(s);
}

void apply_look_args(SceneSpec& spec, const SceneArgs& a) {
    if (!a.theme.empty()) {
        std::string guess;
        const auto t = parse_theme(a.theme, &guess);
        if (!t)
            fail("--theme " + shown_value(a.theme), "unknown theme",
                 (guess.empty() ? "" : "did you mean '" + guess + "'? ") +
                     "choose dark (mm's look) or light (for a white page); see docs/look.md");
        spec.output.theme = *t;
    }
    if (a.fit) spec.camera.fit = true;
    if (!a.margin.empty()) {
        char* end = nullptr;
        const double m = std::strtod(a.margin.c_str(), &end);
        if (*end || !std::isfinite(m) || m < 0 || m > 0.45)
            fail("--margin " + shown_value(a.margin), "the margin is a fraction of the frame from 0 to 0.45",
                 "write e.g. '--margin 0.05' (5 % on each side)");
        spec.camera.fit = true;
        spec.camera.margin = m;
    }
    if (!a.background.empty()) {
        std::string guess;
        const auto c = parse_color(a.background, &guess);
        if (!c)
            fail("--background " + shown_value(a.background), "not a colour",
                 (guess.empty() ? "" : "did you mean '" + guess + "'? ") +
                     "write #rrggbb, #rrggbbaa, a CSS name such as white or grey, or transparent (docs/look.md)");
        spec.output.background[0] = c->r, spec.output.background[1] = c->g, spec.output.background[2] = c->b;
        spec.output.background_alpha = c->a;
        spec.output.background_set = true;
    }
}

namespace {

// A whole decimal number of digits only, or nullopt if it is not or overflows
// (then `overflow` is set).
std::optional<unsigned long long> parse_unsigned(const std::string& text, bool* overflow = nullptr) {
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    errno = 0;
    char* end = nullptr;
    const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
    if (errno == ERANGE || *end != 0) {
        if (overflow) *overflow = true;
        return std::nullopt;
    }
    return v;
}

}  // namespace

uint64_t parse_seed(const std::string& text) {
    const auto v = parse_unsigned(text);
    if (!v)
        fail("--seed " + shown_value(text), "the seed must be a whole number from 0 to 2^64-1 (18446744073709551615)",
             "write e.g. '--seed 1'");
    return *v;
}

double parse_limit(const std::string& text, const char* option) {
    errno = 0;
    char* end = nullptr;
    const double v = text.empty() ? 0 : std::strtod(text.c_str(), &end);
    if (text.empty() || *end != 0 || errno == ERANGE || !std::isfinite(v) || !(v >= 1))
        fail(std::string(option) + " " + shown_value(text), "expected a positive number",
             std::string("write e.g. '") + option + " 1e8'");
    return v;
}

void parse_size(const std::string& text, int& width, int& height) {
    const size_t x = text.find_first_of("xX");
    bool overflow = false;  // digits beyond 2^64: too large, not malformed
    const auto w = x == std::string::npos ? std::nullopt : parse_unsigned(text.substr(0, x), &overflow);
    const auto h = x == std::string::npos ? std::nullopt : parse_unsigned(text.substr(x + 1), &overflow);
    if ((!w || !h) && !overflow)
        fail("--size " + shown_value(text), "expected WIDTHxHEIGHT", "write e.g. '--size 1920x1080'");
    const unsigned long long top = limits::max_render_side;
    if (!overflow && *w >= 16 && *h >= 16 && (*w > top || *h > top)) {
        // Too large but well-formed: say why 16384 and offer the same shape that fits.
        const double f = double(top) / double(std::max(*w, *h));
        const unsigned long long fw = std::max(16ull, (unsigned long long)(double(*w) * f) / 2 * 2),
                                 fh = std::max(16ull, (unsigned long long)(double(*h) * f) / 2 * 2);
        fail("--size " + shown_value(text),
             "over " + std::to_string(top) + " pixels a side, the largest image mmr renders (the OpenGL maximum of llvmpipe)",
             "use e.g. --size " + std::to_string(fw) + "x" + std::to_string(fh) + " (the same shape), or --size 3840x2160");
    }
    if (overflow || *w < 16 || *h < 16 || *w > top || *h > top)
        fail("--size " + shown_value(text), "width and height must be from 16 to 16384 pixels",
             "write e.g. '--size 1920x1080'");
    width = static_cast<int>(*w);
    height = static_cast<int>(*h);
}

void check_output_path(const std::string& path, const std::vector<std::string>& extensions) {
    std::string ext;
    size_t dot = path.find_last_of('.');
    size_t slash = path.find_last_of('/');
    if (dot != std::string::npos && (slash == std::string::npos || dot > slash))
        ext = path.substr(dot);
    std::string lower = ext;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    if (std::find(extensions.begin(), extensions.end(), lower) == extensions.end()) {
        std::string list;
        for (const auto& e : extensions) list += (list.empty() ? "" : ", ") + e;
        fail("-o " + path,
             ext.empty() ? "the output has no file extension" : "cannot write '" + ext + "' files",
             "use one of: " + list);
    }
    std::string dir = slash == std::string::npos ? "." : path.substr(0, std::max<size_t>(slash, 1));
    struct stat st;
    if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        fail("-o " + path, "the folder '" + dir + "' does not exist", "create it first");
    if (access(dir.c_str(), W_OK) != 0)
        fail("-o " + path, "the folder '" + dir + "' is not writable (" + std::strerror(errno) + ")",
             "choose another output path");
}

namespace {
std::string g_command_line;
}

flat::Rgba parse_figure_background(const std::string& text) {
    std::string guess;
    const std::optional<Rgba> c = parse_color(text, &guess);
    if (!c)
        fail("--background " + text, "is not a colour",
             guess.empty() ? "write '#rrggbb', '#rrggbbaa', a colour name or transparent" : "did you mean '" + guess + "'?");
    auto byte = [](float v) { return uint8_t(std::lround(std::clamp(v, 0.0f, 1.0f) * 255)); };
    return flat::Rgba{byte(c->r), byte(c->g), byte(c->b), byte(c->a)};
}

void set_command_line(int argc, char** argv) {
    // Without the output path: the same command writing elsewhere makes the same file.
    g_command_line = "mmr";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "-o" || a == "--output") {
            ++i;
            continue;
        }
        if (a.rfind("--output=", 0) == 0 || (a.size() > 2 && a.rfind("-o", 0) == 0)) continue;
        const bool plain = !a.empty() && a.find_first_not_of(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%") == std::string::npos;
        if (plain) {
            g_command_line += " " + a;
        } else {
            std::string q = "'";
            for (char c : a) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
            g_command_line += " " + q + "'";
        }
    }
}

const std::string& command_line() { return g_command_line; }

}  // namespace mmr::cmd
