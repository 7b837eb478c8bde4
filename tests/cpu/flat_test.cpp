// Flat views: colormaps, ticks, heatmap layout and what the back ends draw.
#include <doctest/doctest.h>

#include <cmath>

#include "mmr/core/error.h"
#include "mmr/flat/colormap.h"
#include "mmr/flat/figure.h"
#include "mmr/flat/heatmap.h"

using namespace mmr;
using namespace mmr::flat;

namespace {

flat::Rgba pixel(const RasterImage& img, double x, double y) {
    const uint8_t* p = &img.rgba[(size_t(int(y)) * img.width + int(x)) * 4];
    return flat::Rgba{p[0], p[1], p[2], p[3]};
}

std::string error_of(const std::vector<Panel>& panels, const HeatmapOptions& o) {
    try {
        heatmap_figure(panels, o);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("flat: colormaps hit their published end stops and midpoints") {
    const Colormap v{ColormapKind::viridis};
    CHECK(v.map(0, 0, 1) == flat::Rgba{0x44, 0x01, 0x54, 255});
    CHECK(v.map(1, 0, 1) == flat::Rgba{0xfd, 0xe7, 0x25, 255});
    CHECK(v.map(-5, 0, 1) == v.map(0, 0, 1));  // clamped
    const Colormap rdbu{ColormapKind::rdbu};
    CHECK(rdbu.map(0, -1, 1) == flat::Rgba{0xf7, 0xf7, 0xf7, 255});  // white centre at zero
    CHECK(rdbu.map(-1, -1, 1) == flat::Rgba{0x67, 0x00, 0x1f, 255});  // red low
    CHECK(rdbu.map(1, -1, 1) == flat::Rgba{0x05, 0x30, 0x61, 255});   // blue high
    const Colormap gray{ColormapKind::gray};
    CHECK(gray.map(0.5, 0, 1) == flat::Rgba{128, 128, 128, 255});
    // mm: zeros are not drawn (the background shows), signs have different hues.
    const Colormap mm{ColormapKind::mm};
    CHECK(mm.map(0, -1, 1, flat::Rgba{1, 2, 3, 255}) == flat::Rgba{1, 2, 3, 255});
    CHECK(!(mm.map(0.5, -1, 1) == mm.map(-0.5, -1, 1)));
    CHECK(colormap_by_name("rdbu", "--colormap").kind == ColormapKind::rdbu);
    CHECK_THROWS_WITH_AS(colormap_by_name("jet", "--colormap"),
                         "--colormap: unknown colormap 'jet'; use one of viridis, magma, RdBu, gray, mm", Error);
}

TEST_CASE("flat: nice ticks and their labels") {
    CHECK(nice_ticks(0, 1, 5) == std::vector<double>{0, 0.2, 0.4, 0.6000000000000001, 0.8, 1});
    const auto t = nice_ticks(-0.37, 0.37, 5);
    REQUIRE(t.size() == 3);  // step 0.2: the first 1-2-5 step at least (0.74 / 5)
    CHECK(t.front() == doctest::Approx(-0.2));
    CHECK(t[1] == 0);
    CHECK(t.back() == doctest::Approx(0.2));
    CHECK(tick_label(0.25) == "0.25");
    CHECK(tick_label(1500) == "1.5e+03");
    CHECK(nice_ticks(1, 1, 5).empty());
}

TEST_CASE("flat: WCAG contrast") {
    CHECK(contrast_ratio({0, 0, 0, 255}, {255, 255, 255, 255}) == doctest::Approx(21));
    CHECK(contrast_ratio({255, 255, 255, 255}, {255, 255, 255, 255}) == doctest::Approx(1));
    // The light theme's text and faint text are readable on white.
    const Theme light = theme_by_name("light", "t");
    CHECK(contrast_ratio(light.text, light.background) >= 4.5);
    CHECK(contrast_ratio(light.faint, light.background) >= 4.5);
    const Theme dark = theme_by_name("dark", "t");
    CHECK(contrast_ratio(dark.text, dark.background) >= 4.5);
    CHECK(contrast_ratio(dark.faint, dark.background) >= 4.5);
}

TEST_CASE("flat: heatmap cells show the colormap of their values") {
    Matrix m(4, 6);
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 6; ++j) m.at(i, j) = float(i * 6 + j);  // 0..23
    HeatmapOptions o;
    o.width = 640;
    HeatmapInfo info;
    const Figure fig = heatmap_figure({Panel{"", m}}, o, &info);
    CHECK(info.colormap == std::string("viridis"));  // no negatives
    CHECK(info.lo == 0);
    CHECK(info.hi == 23);
    CHECK(info.factor == 1);
    const RasterImage img = rasterize(fig);
    CHECK(img.width == 640);
    const auto& b = info.panels.at(0);
    const Colormap v{ColormapKind::viridis};
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 6; ++j) {
            const flat::Rgba got = pixel(img, b.x + (j + 0.5) * b.w / 6, b.y + (i + 0.5) * b.h / 4);
            CHECK(got == v.map(m.at(i, j), 0, 23));
        }
    // The colour bar's ticks cover the range at nice values.
    CHECK(info.ticks == nice_ticks(0, 23, 5));
}

TEST_CASE("flat: signed data is drawn diverging and symmetric; explicit limits win") {
    Matrix m(2, 2);
    m.at(0, 0) = -0.5f;
    m.at(0, 1) = 2.0f;
    m.at(1, 0) = 0;
    m.at(1, 1) = 1;
    HeatmapInfo info;
    heatmap_figure({Panel{"", m}}, HeatmapOptions{}, &info);
    CHECK(info.colormap == std::string("RdBu"));
    CHECK(info.lo == -2);
    CHECK(info.hi == 2);
    HeatmapOptions o;
    o.limits = std::make_pair(-1.0, 3.0);
    heatmap_figure({Panel{"", m}}, o, &info);
    CHECK(info.lo == -1);
    CHECK(info.hi == 3);
    o.limits = std::make_pair(1.0, 1.0);
    CHECK(error_of({Panel{"", m}}, o) == "--limits: min 1 is not below max 1; write MIN:MAX with MIN < MAX, e.g. --limits -1:1");
}

TEST_CASE("flat: the causal triangle is masked and hatched, not drawn as values") {
    Matrix m(8, 8, 0.5f);
    HeatmapOptions o;
    o.width = 600;
    o.causal = true;
    o.colormap = Colormap{ColormapKind::gray};
    o.limits = std::make_pair(0.0, 1.0);
    HeatmapInfo info;
    const Figure fig = heatmap_figure({Panel{"", m}}, o, &info);
    const RasterImage img = rasterize(fig);
    const auto& b = info.panels.at(0);
    const double c = b.w / 8;
    const Theme th = theme_by_name("light", "t");
    // Below and on the diagonal: the value's grey. Above: the masked colour or a hatch line.
    CHECK(pixel(img, b.x + 0.5 * c, b.y + 7.5 * c) == (flat::Rgba{128, 128, 128, 255}));
    CHECK(pixel(img, b.x + 3.5 * c, b.y + 3.5 * c) == (flat::Rgba{128, 128, 128, 255}));
    int masked = 0, hatch = 0;
    for (double y = b.y + 0.2 * c; y < b.y + 0.8 * c; y += 1) {  // row 0, columns 5..7
        for (double x = b.x + 5.2 * c; x < b.x + 7.8 * c; x += 1) {
            const flat::Rgba p = pixel(img, x, y);
            if (p == th.masked) ++masked;
            else if (p.r < th.masked.r) ++hatch;
            CHECK(!(p == flat::Rgba{128, 128, 128, 255}));
        }
    }
    CHECK(masked > 0);
    CHECK(hatch > 0);
    // Decode shape (2 new queries x 8 keys): the causal boundary shifts to the end.
    Matrix d(2, 8, 0.5f);
    const RasterImage di = rasterize(heatmap_figure({Panel{"", d}}, o, &info));
    const auto& db = info.panels.at(0);
    const double dc = db.w / 8;
    CHECK(pixel(di, db.x + 6.5 * dc, db.y + 0.5 * dc) == (flat::Rgba{128, 128, 128, 255}));  // query 0 sees key 6
    CHECK(!(pixel(di, db.x + 7.5 * dc, db.y + 0.2 * dc) == (flat::Rgba{128, 128, 128, 255})));  // not key 7
}

TEST_CASE("flat: large matrices are aggregated, and the figure says so") {
    Matrix m(1000, 1000);
    for (int i = 0; i < 1000; ++i)
        for (int j = 0; j < 1000; ++j) m.at(i, j) = float((i / 4 + j / 4) % 2);
    HeatmapOptions o;
    o.width = 400;
    HeatmapInfo info;
    Figure fig = heatmap_figure({Panel{"", m}}, o, &info);
    CHECK(info.factor > 1);
    CHECK(info.panels[0].w >= 1000.0 / info.factor - 1);
    bool said = false;
    for (const FigText& t : fig.texts) said = said || t.text.find("each cell: mean of") != std::string::npos;
    CHECK(said);
    o.max_cells = 250;  // 4x4 blocks: each is one value, the mean is exact
    o.aggregate = Aggregate::max;
    fig = heatmap_figure({Panel{"", m}}, o, &info);
    CHECK(info.factor == 4);
    REQUIRE(fig.cells.at(0).cols == 250);
}

TEST_CASE("flat: grids lay out one panel per head with titles and a shared scale") {
    std::vector<Panel> heads;
    for (int h = 0; h < 5; ++h) {
        Matrix m(3, 3, float(h));
        heads.push_back(Panel{"head " + std::to_string(h), m});
    }
    HeatmapInfo info;
    const Figure fig = heatmap_figure(heads, HeatmapOptions{}, &info);
    CHECK(info.grid_cols == 3);
    CHECK(info.grid_rows == 2);
    CHECK(info.panels.size() == 5);
    CHECK(info.lo == 0);
    CHECK(info.hi == 4);
    int titles = 0;
    for (const FigText& t : fig.texts) titles += t.text.rfind("head ", 0) == 0;
    CHECK(titles == 5);
    // Panels on one row share their top; the second row is below the first.
    CHECK(info.panels[0].y == info.panels[2].y);
    CHECK(info.panels[3].y > info.panels[0].y + info.panels[0].h);
    HeatmapOptions per;
    per.shared_scale = false;
    per.columns = 5;
    heatmap_figure(heads, per, &info);
    CHECK(info.grid_cols == 5);
    CHECK(info.panel_limits[1] != info.panel_limits[3]);
}

TEST_CASE("flat: the SVG keeps labels as text and escapes them") {
    Matrix m(2, 2, 1.0f);
    HeatmapOptions o;
    o.title = "a < b & \"c\"";
    o.row_labels = o.col_labels = {"The", "cat"};
    const std::string svg = svg_document(heatmap_figure({Panel{"", m}}, o), {{"command", "mmr heatmap x"}});
    CHECK(svg.find("<text") != std::string::npos);
    CHECK(svg.find(">cat</text>") != std::string::npos);
    CHECK(svg.find("a &lt; b &amp; &quot;c&quot;") != std::string::npos);
    CHECK(svg.find("data:image/png;base64,") != std::string::npos);
    CHECK(svg.find("mmr heatmap x") != std::string::npos);
    o.row_labels = {"one"};
    CHECK(error_of({Panel{"", m}}, o) == "--tokens: 1 tokens for 2 rows; give one token per row (one per line)");
}

#include "mmr/flat/chart.h"
#include "mmr/flat/cost_charts.h"

TEST_CASE("flat: chart axes map data to pixels, linear and log") {
    Series s;
    s.label = "line";
    s.points = {{1024, 1e6}, {2048, 2e6}, {131072, 1.28e8}};
    ChartOptions o;
    o.log_x = o.log_y = true;
    o.x_format = TickFormat::tokens;
    ChartInfo info;
    const Figure fig = chart_figure({s}, o, &info);
    CHECK(info.x_range.first == 1024);  // token axes end on powers of two
    CHECK(info.x_range.second == 131072);
    CHECK(info.y_range.first == 1e6);   // number axes on whole decades
    CHECK(info.y_range.second == 1e9);
    // Equal ratios, equal distances.
    CHECK(info.px(2048) - info.px(1024) == doctest::Approx(info.px(4096) - info.px(2048)));
    CHECK(info.py(1e6) > info.py(1e7));  // y grows upwards
    CHECK(info.px(info.x_range.first) == doctest::Approx(info.x0));
    CHECK(info.px(info.x_range.second) == doctest::Approx(info.x1));
    // Token ticks are powers of two.
    for (double t : info.x_ticks) CHECK(std::log2(t) == doctest::Approx(std::round(std::log2(t))));
    ChartOptions lin;
    chart_figure({s}, lin, &info);
    CHECK(info.y_range.first == 0);  // linear values from zero
    CHECK(info.py(0) == doctest::Approx(info.y1));
    // The line is drawn between the points where they land.
    bool found = false;
    const Figure f2 = chart_figure({s}, o, &info);
    for (const FigLine& l : f2.lines)
        found = found || (std::fabs(l.x0 - info.px(1024)) < 1e-9 && std::fabs(l.y1 - info.py(2e6)) < 1e-9);
    CHECK(found);
    (void)fig;
}

TEST_CASE("flat: tick formats and token counts") {
    CHECK(format_tick(131072, TickFormat::tokens) == "128k");
    CHECK(format_tick(1048576, TickFormat::tokens) == "1M");
    CHECK(format_tick(80 * 1073741824.0, TickFormat::bytes) == "80 GiB");
    CHECK(format_tick(1.5e12, TickFormat::si) == "1.5 T");
    CHECK(parse_token_count("128k", "x") == 131072);
    CHECK(parse_token_count("4096", "x") == 4096);
    CHECK_THROWS_WITH_AS(parse_token_count("12q", "--context"),
                         "--context: '12q' is not a token count; write e.g. 4096, 1k or 128k (k = 1024), from 1 to 1e12", Error);
}

TEST_CASE("flat: kv-cache series are the cost model's bytes per token times the context") {
    AttentionSpec a;
    a.variant = "gqa";
    a.d_model = 4096;
    a.heads = 32;
    a.kv_heads = 8;
    a.head_dim = 128;
    a.phase = "decode";
    a.context = {100};
    a.seq = {1};
    NamedCost nc{"gqa", cost_of_attention(a)};
    KvChartOptions k;
    k.context_lo = 1024;
    k.context_hi = 8192;
    k.layers = 80;
    const auto series = kv_cache_series({nc}, k);
    REQUIRE(series.size() == 1);
    REQUIRE(series[0].points.size() == 4);  // 1k 2k 4k 8k
    // GQA: 2 * n_kv * d_h elements per token, bf16 = 2 bytes: 4096 bytes per token per layer.
    CHECK(series[0].points[3].first == 8192);
    CHECK(series[0].points[3].second == doctest::Approx(4096.0 * 8192 * 80));
    CHECK(series_csv(series).find("\"gqa (gqa, 2048 elements/token)\",8192,2684354560,") != std::string::npos);
}

#include "mmr/flat/flat_view.h"
#include "mmr/layout/layout.h"
#include "mmr/model/build_model.h"
#include "mmr/scene/scene_parser.h"
#include "mmr/timeline/animation.h"

namespace {
const FlatPanel& panel_of(const FlatArrangement& a, const std::string& name) {
    for (const FlatPanel& p : a.panels)
        if (p.node->name == name) return p;
    throw std::runtime_error("no panel " + name);
}
}  // namespace

TEST_CASE("flat view: a matmul is arranged left operand | result, right operand above") {
    Model m = build_model(parse_scene("expr: C = A @ B\nmatrices:\n  A: {shape: [4, 3]}\n  B: {shape: [3, 5]}\n", "s.yaml"));
    const FlatArrangement a = flat_arrangement(m, 2);
    REQUIRE(a.panels.size() == 3);
    const FlatPanel &A = panel_of(a, "A"), &B = panel_of(a, "B"), &C = panel_of(a, "C");
    CHECK(C.x == 3 + 2);  // right of A and the gap
    CHECK(C.y == 3 + 2);  // below B and the gap
    CHECK(A.x == 0);
    CHECK(A.y == C.y);    // rows line up with the result's
    CHECK(B.x == C.x);    // columns line up with the result's
    CHECK(B.y == 0);
    CHECK(a.width == 3 + 2 + 5);
    CHECK(a.height == 3 + 2 + 4);
    // A compound left operand keeps its own arrangement to the left.
    Model c = build_model(parse_scene("expr: D = (C = A @ B) @ E\nmatrices:\n  A: {shape: [4, 3]}\n  B: {shape: [3, 5]}\n  E: {shape: [5, 2]}\n", "s.yaml"));
    const FlatArrangement ca = flat_arrangement(c, 2);
    const FlatPanel &cC = panel_of(ca, "C"), &cD = panel_of(ca, "D"), &cE = panel_of(ca, "E"), &cB = panel_of(ca, "B");
    CHECK(cC.x + cC.cols + 2 == cD.x);  // C (the left operand of D) ends a gap before D
    CHECK(cC.y == cD.y);
    CHECK(cE.x == cD.x);
    CHECK(cE.y + cE.rows + 2 == cD.y);
    CHECK(cB.y + cB.rows + 2 == cC.y);  // C's own right operand above C
}

TEST_CASE("flat view: each cell has the 3D element's colour; an animation step shows only what is computed") {
    const SceneSpec spec = parse_scene(
        "expr: C = A @ B\nmatrices:\n  A: {shape: [3, 2], init: row major}\n  B: {shape: [2, 3], init: col major}\n"
        "anim: {alg: dotprod (row major)}\n",
        "s.yaml");
    Model m = build_model(spec);
    const FlatArrangement a = flat_arrangement(m, 2);
    const flat::Rgba bg{0, 0, 0, 255};
    const Figure still = flat_frame(m, a, nullptr, 400, 300, bg);
    REQUIRE(still.cells.size() == 3);
    // The finished scene: every non-zero element coloured.
    const FigCells& c_final = still.cells[0];  // pre-order: the root's result first
    CHECK(c_final.rows == 3);
    int coloured = 0;
    for (const flat::Rgba& p : c_final.px) coloured += !(p == bg);
    const Matrix& C = m.root->result;
    int nonzero = 0;
    for (float v : C.v) nonzero += v != 0;
    CHECK(coloured == nonzero);
    const Layout layout = compute_layout(m);
    Animation anim(m, layout);
    REQUIRE(anim.animated());
    anim.seek(1);  // dotprod, step 1: the first element of the result
    const Figure f1 = flat_frame(m, a, &anim, 400, 300, bg);
    int shown = 0;
    for (const flat::Rgba& p : f1.cells[0].px) shown += !(p == bg);
    CHECK(shown <= 1);
    anim.seek(anim.period());
    const Figure fl = flat_frame(m, a, &anim, 400, 300, bg);
    int last = 0;
    for (const flat::Rgba& p : fl.cells[0].px) last += !(p == bg);
    CHECK(last > shown);
}

TEST_CASE("flat view: no two panels overlap, even with compound operands on both sides") {
    Model m = build_model(parse_scene(
        "expr: out = (attn = (Q = X @ wQ) @ (K_t = wK_t @ X_t)) @ (V = X @ wV) @ wO\n"
        "matrices:\n  X: {shape: [8, 12]}\n  wQ: {shape: [12, 4]}\n  wK_t: {shape: [4, 12]}\n  X_t: {shape: [12, 8]}\n"
        "  wV: {shape: [12, 4]}\n  wO: {shape: [4, 12]}\n",
        "s.yaml"));
    const FlatArrangement a = flat_arrangement(m, 2);
    for (size_t i = 0; i < a.panels.size(); ++i)
        for (size_t j = i + 1; j < a.panels.size(); ++j) {
            const FlatPanel &p = a.panels[i], &q = a.panels[j];
            const bool apart = p.x + p.cols <= q.x || q.x + q.cols <= p.x || p.y + p.rows <= q.y || q.y + q.rows <= p.y;
            CHECK_MESSAGE(apart, p.node->name << " overlaps " << q.node->name);
        }
    for (const FlatPanel& p : a.panels) {
        CHECK(p.x >= 0);
        CHECK(p.y >= 0);
        CHECK(p.x + p.cols <= a.width);
        CHECK(p.y + p.rows <= a.height);
    }
}
