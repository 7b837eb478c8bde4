// kv-cache and roofline chart data from the cost model (docs/flat.md#charts).
#include "mmr/flat/cost_charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "mmr/core/error.h"

namespace mmr::flat {

std::vector<Series> kv_cache_series(const std::vector<NamedCost>& scenes, const KvChartOptions& o) {
    std::vector<double> xs{o.context_lo};
    for (double v = std::pow(2, std::floor(std::log2(o.context_lo)) + 1); v < o.context_hi; v *= 2) xs.push_back(v);
    if (o.context_hi > o.context_lo) xs.push_back(o.context_hi);
    std::vector<Series> out;
    for (const NamedCost& s : scenes) {
        if (!s.cost.attention)
            fail(s.name, "is not an attention preset (no attention: key)", "the kv-cache chart needs attention scenes (docs/attention.md)");
        const AttentionCost& a = *s.cost.attention;
        Series se;
        se.label = s.name + " (" + a.spec.variant + ", " + std::to_string(a.kv_elements_per_token) + " elements/token)";
        for (double x : xs) se.points.push_back({x, a.kv_bytes_per_token * x * double(o.layers) * double(o.batch)});
        out.push_back(std::move(se));
    }
    return out;
}

std::vector<HorizontalLine> gpu_memory_lines(const std::vector<Gpu>& gpus) {
    std::vector<HorizontalLine> out;
    for (const Gpu& g : gpus)
        if (g.hbm_bytes > 0) {
            char buf[64];
            std::snprintf(buf, sizeof buf, " (%.0f GB)", g.hbm_bytes / 1e9);
            out.push_back({g.hbm_bytes, g.id + buf});
        }
    return out;
}

std::vector<Series> roofline_series(const std::vector<NamedCost>& scenes, const std::vector<Gpu>& gpus,
                                    const std::string& dtype, std::pair<double, double> ir) {
    std::vector<Series> out;
    const auto& pal = series_palette();
    for (size_t g = 0; g < gpus.size(); ++g) {
        const auto peak = gpus[g].peak_flops.count(dtype) ? gpus[g].peak_flops.at(dtype) : std::nullopt;
        if (!peak) fail("--dtype " + dtype, "has no peak on " + gpus[g].id, "choose another dtype or GPU");
        Series roof;
        roof.label = gpus[g].id + " (" + dtype + ")";
        roof.colour = Rgba{pal[(g + 3) % pal.size()].r, pal[(g + 3) % pal.size()].g, pal[(g + 3) % pal.size()].b, 255};
        const double bw = gpus[g].hbm_bytes_per_s, ridge = *peak / bw;
        roof.points.push_back({ir.first, std::min(*peak, ir.first * bw)});
        if (ridge > ir.first && ridge < ir.second) roof.points.push_back({ridge, *peak});
        roof.points.push_back({ir.second, std::min(*peak, ir.second * bw)});
        out.push_back(std::move(roof));
    }
    for (size_t s = 0; s < scenes.size(); ++s) {
        Series pts;
        pts.label = scenes[s].name + " ops on " + gpus[0].id;
        pts.colour = pal[s % 3];
        pts.line = false;
        pts.markers = true;
        const double peak = *gpus[0].peak_flops.at(dtype), bw = gpus[0].hbm_bytes_per_s;
        for (const OpCost& op : scenes[s].cost.ops) {
            if (op.flops <= 0 || op.bytes() <= 0) continue;
            const double i = op.intensity();
            pts.points.push_back({i, std::min(peak, i * bw)});
            pts.point_labels.push_back(op.name);
        }
        out.push_back(std::move(pts));
    }
    return out;
}

std::string series_csv(const std::vector<Series>& series) {
    std::string out = "series,x,y,label\n";
    auto quote = [](const std::string& s) {
        if (s.find_first_of(",\"\n") == std::string::npos) return s;
        std::string q = "\"";
        for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
        return q + "\"";
    };
    for (const Series& s : series)
        for (size_t i = 0; i < s.points.size(); ++i) {
            char buf[80];
            std::snprintf(buf, sizeof buf, ",%.17g,%.17g,", s.points[i].first, s.points[i].second);
            out += quote(s.label) + buf + (i < s.point_labels.size() ? quote(s.point_labels[i]) : "") + "\n";
        }
    return out;
}

double parse_token_count(const std::string& text, const std::string& where) {
    double mult = 1;
    std::string digits = text;
    if (!digits.empty() && (digits.back() == 'k' || digits.back() == 'K')) mult = 1024, digits.pop_back();
    else if (!digits.empty() && digits.back() == 'M') mult = 1048576, digits.pop_back();
    size_t used = 0;
    double v = 0;
    try {
        v = std::stod(digits, &used);
    } catch (...) {
        used = 0;
    }
    if (digits.empty() || used != digits.size() || !std::isfinite(v) || v < 1 || v * mult > 1e12)
        fail(where, "'" + text + "' is not a token count", "write e.g. 4096, 1k or 128k (k = 1024), from 1 to 1e12");
    return v * mult;
}

}  // namespace mmr::flat
