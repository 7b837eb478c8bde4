#include "mmr/record/record.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "mmr/core/error.h"
#include "mmr/core/quote.h"

namespace mmr {
namespace {

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

}  // namespace

std::string record_text(const RenderRecord& r) {
    std::string s;
    s += "size=" + std::to_string(r.width) + "x" + std::to_string(r.height) + "\n";
    s += "seed=" + std::to_string(r.seed) + "\n";
    s += "scale=" + num(r.scale) + "\n";
    s += "supersample=" + std::to_string(r.supersample) + "\n";
    s += "theme=" + r.theme + "\n";
    s += "background=" + r.background + "\n";
    s += "aa=" + r.aa + "\n";
    s += "msaa=" + std::to_string(r.msaa) + "\n";
    s += "step=" + std::to_string(r.step) + "\n";
    s += std::string("fit=") + (r.fit ? "true" : "false") + "\n";
    s += "margin=" + num(r.margin) + "\n";
    s += "version=" + r.version + "\n";
    return s;
}

RenderRecord parse_record(const std::string& text, const std::string& where) {
    RenderRecord r;
    std::istringstream in(text);
    std::string line;
    auto bad = [&](const std::string& key, const std::string& value) {
        fail(where, "its " + std::string(kRecordKey) + " text has a malformed " + key + " '" + shown_value(value) + "'",
             "give the scene file with the options instead");
    };
    auto integer = [&](const std::string& key, const std::string& v, long long lo, long long hi) {
        char* end = nullptr;
        errno = 0;
        const long long x = std::strtoll(v.c_str(), &end, 10);
        if (v.empty() || *end || errno || x < lo || x > hi) bad(key, v);
        return x;
    };
    auto real = [&](const std::string& key, const std::string& v, double lo, double hi) {
        char* end = nullptr;
        const double x = std::strtod(v.c_str(), &end);
        if (v.empty() || *end || !std::isfinite(x) || x < lo || x > hi) bad(key, v);
        return x;
    };
    while (std::getline(in, line)) {
        const size_t eq = line.find('=');
        if (eq == std::string::npos) continue;
        const std::string k = line.substr(0, eq), v = line.substr(eq + 1);
        if (k == "size") {
            const size_t x = v.find('x');
            if (x == std::string::npos) bad(k, v);
            r.width = int(integer(k, v.substr(0, x), 16, 16384));
            r.height = int(integer(k, v.substr(x + 1), 16, 16384));
        } else if (k == "seed") {
            char* end = nullptr;
            errno = 0;
            r.seed = std::strtoull(v.c_str(), &end, 10);
            if (v.empty() || *end || errno || v[0] == '-') bad(k, v);
        } else if (k == "scale") {
            r.scale = real(k, v, 1e-6, 1e6);
        } else if (k == "supersample") {
            r.supersample = int(integer(k, v, 1, 64));
        } else if (k == "theme") {
            r.theme = v;
        } else if (k == "background") {
            r.background = v;
        } else if (k == "aa") {
            if (v != "smooth" && v != "msaa" && v != "none") bad(k, v);
            r.aa = v;
        } else if (k == "msaa") {
            r.msaa = int(integer(k, v, 0, 64));
        } else if (k == "step") {
            r.step = int(integer(k, v, 0, 1 << 30));
        } else if (k == "fit") {
            if (v != "true" && v != "false") bad(k, v);
            r.fit = v == "true";
        } else if (k == "margin") {
            r.margin = real(k, v, 0, 0.49);
        } else if (k == "version") {
            r.version = v;
        }
    }
    return r;
}

std::optional<RenderRecord> find_record(const std::vector<std::pair<std::string, std::string>>& texts,
                                        const std::string& where) {
    for (const auto& [k, v] : texts)
        if (k == kRecordKey) return parse_record(v, where);
    return std::nullopt;
}

}  // namespace mmr
