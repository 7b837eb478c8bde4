#include "mmr/compare/ci_report.h"

#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "mmr/core/atomic_write.h"
#include "mmr/core/error.h"
#include "mmr/core/interrupt.h"

namespace mmr {
namespace {

std::string xml(const std::string& s) {
    std::string o;
    for (unsigned char ch : s) {
        switch (ch) {
            case '&': o += "&amp;"; break;
            case '<': o += "&lt;"; break;
            case '>': o += "&gt;"; break;
            case '"': o += "&quot;"; break;
            case '\'': o += "&apos;"; break;
            default:
                if (ch < 0x20 && ch != '\n' && ch != '\t') o += ' ';  // not allowed in XML 1.0
                else o += char(ch);
        }
    }
    return o;
}

std::string seconds_text(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", s);
    return buf;
}

// Markdown table cell: no pipes or newlines.
std::string cell(const std::string& s) {
    std::string o;
    for (char c : s) {
        if (c == '|') o += "\\|";
        else if (c == '\n') o += ' ';
        else o += c;
    }
    return o;
}

std::string metric_line(const SceneResult& r) {
    if (r.comparison && (r.comparison->outcome == Outcome::Same || r.comparison->outcome == Outcome::Different))
        return std::string(metric_name(r.comparison->tolerance.metric)) + ": " + r.comparison->metric_text();
    return "";
}

std::string regions_text(const SceneResult& r, size_t most) {
    if (!r.comparison || r.comparison->regions.empty()) return "";
    std::string o;
    const auto& regs = r.comparison->regions;
    for (size_t i = 0; i < regs.size() && i < most; ++i) o += (o.empty() ? "" : "; ") + rect_text(regs[i]);
    if (regs.size() > most) o += "; +" + std::to_string(regs.size() - most) + " more";
    return o;
}

[[noreturn]] void bad_key(const std::string& path, const YAML::Node& n, const std::string& key, const std::string& what,
                          const std::string& fix) {
    const auto m = n.Mark();
    fail(path + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1), key + ": " + what, fix);
}

double number(const std::string& path, const YAML::Node& n, const std::string& key) {
    try {
        const double v = n.as<double>();
        if (std::isfinite(v)) return v;
    } catch (const YAML::Exception&) {
    }
    bad_key(path, n, key, "'" + (n.IsScalar() ? n.Scalar() : std::string("(not a number)")) + "' is not a number",
            "write a number, e.g. " + key + ": 0.01");
}

}  // namespace

SceneTestConfig load_scene_test_config(const std::string& path) {
    SceneTestConfig c;
    struct stat st;
    if (stat(path.c_str(), &st) != 0) return c;
    c.path = path;
    YAML::Node root;
    try {
        root = YAML::LoadFile(path);
    } catch (const YAML::Exception& e) {
        fail(path + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1),
             "is not valid YAML (" + e.msg + ")", "see docs/testing-in-ci.md for the sidecar's keys");
    }
    if (!root || root.IsNull()) return c;
    if (!root.IsMap()) fail(path, "must be a mapping of keys (metric, threshold, color_threshold, ignore)", "");
    for (auto it = root.begin(); it != root.end(); ++it) {
        const std::string key = it->first.as<std::string>();
        const YAML::Node v = it->second;
        if (key == "metric") {
            try {
                c.metric = parse_metric(v.as<std::string>(), path + ": metric");
            } catch (const YAML::Exception&) {
                bad_key(path, v, key, "is not a name", "write pixels, psnr, ssim or max");
            }
        } else if (key == "threshold") {
            c.threshold = number(path, v, key);
        } else if (key == "color_threshold") {
            c.color_threshold = number(path, v, key);
        } else if (key == "ignore") {
            if (!v.IsSequence()) bad_key(path, v, key, "is not a list of rectangles", "write - [x, y, width, height]");
            for (const auto& r : v) {
                if (!r.IsSequence() || r.size() != 4)
                    bad_key(path, r, key, "a rectangle is not [x, y, width, height]", "write e.g. - [0, 0, 200, 40]");
                Rect rect;
                int* f[4] = {&rect.x, &rect.y, &rect.w, &rect.h};
                size_t i = 0;
                for (const YAML::Node& e : r) {
                    const double d = number(path, e, key);
                    if (d != std::floor(d) || d < 0 || d > 1e6)
                        bad_key(path, e, key, "'" + e.Scalar() + "' is not a whole number of pixels from 0",
                                "write whole pixels, e.g. - [0, 0, 200, 40]");
                    *f[i++] = int(d);
                }
                if (rect.w == 0 || rect.h == 0)
                    bad_key(path, r, key, "an empty rectangle ignores nothing", "give a width and height of 1 or more");
                c.ignore.push_back(rect);
            }
        } else {
            bad_key(path, it->first, key, "unknown key", "use metric, threshold, color_threshold or ignore");
        }
    }
    return c;
}

Tolerance apply_config(const Tolerance& base, const SceneTestConfig& c) {
    Tolerance t = base;
    if (c.metric) {
        if (*c.metric != t.metric) t.threshold.reset();  // the command line's threshold was for another metric
        t.metric = *c.metric;
    }
    if (c.threshold) t.threshold = *c.threshold;
    if (c.color_threshold) t.diff.color_threshold = *c.color_threshold;
    try {
        validate(t);
    } catch (const Error& e) {
        fail(c.path, e.what(), "");
    }
    return t;
}

std::string junit_xml(const std::vector<SceneResult>& results, const RunInfo& info) {
    const RunCounts c = count(results);
    int failures = 0, errors = 0;
    double total = 0;
    for (const auto& r : results) {
        if (r.status == SceneStatus::Error) ++errors;
        else if (is_failure(r.status)) ++failures;
        total += r.seconds;
    }
    (void)c;
    std::string sources;
    for (const auto& s : info.scene_sources) sources += (sources.empty() ? "" : " ") + s;
    std::ostringstream o;
    o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    o << "<testsuites name=\"mmr test\" tests=\"" << results.size() << "\" failures=\"" << failures
      << "\" errors=\"" << errors << "\" time=\"" << seconds_text(total) << "\">\n";
    o << "  <testsuite name=\"mmr test " << xml(sources) << "\" tests=\"" << results.size() << "\" failures=\""
      << failures << "\" errors=\"" << errors << "\" skipped=\"0\" time=\"" << seconds_text(total) << "\">\n";
    o << "    <properties>\n"
      << "      <property name=\"references\" value=\"" << xml(info.references) << "\"/>\n"
      << "      <property name=\"metric\" value=\"" << metric_name(info.tolerance.metric) << "\"/>\n"
      << "      <property name=\"mmr\" value=\"" MMR_VERSION "\"/>\n"
      << "    </properties>\n";
    for (const auto& r : results) {
        o << "    <testcase classname=\"mmr.test\" name=\"" << xml(r.name) << "\" time=\"" << seconds_text(r.seconds)
          << "\"";
        std::string attachments;
        const Comparison* cmp = r.comparison ? &*r.comparison : nullptr;
        if (!r.actual_path.empty()) attachments += "[[ATTACHMENT|" + r.actual_path + "]]\n";
        if (cmp && is_failure(r.status)) {
            if (!cmp->diff_image.empty()) attachments += "[[ATTACHMENT|" + cmp->diff_image + "]]\n";
            if (r.status != SceneStatus::Missing) attachments += "[[ATTACHMENT|" + cmp->reference + "]]\n";
        }
        if (!is_failure(r.status) && attachments.empty()) {
            o << "/>\n";
            continue;
        }
        o << ">\n";
        if (r.status == SceneStatus::Error) {
            o << "      <error message=\"" << xml(r.message) << "\" type=\"error\">" << xml(r.message) << "</error>\n";
        } else if (is_failure(r.status)) {
            std::string message = metric_line(r);
            if (message.empty()) message = r.message;
            std::string body = r.message;
            const std::string regions = regions_text(r, 20);
            if (!regions.empty()) body += "\nchanged regions (x,y WxH): " + regions;
            if (!r.config.empty()) body += "\ntolerance from " + r.config;
            o << "      <failure message=\"" << xml(message) << "\" type=\"" << status_name(r.status) << "\">"
              << xml(body) << "</failure>\n";
        }
        if (!attachments.empty()) o << "      <system-out>" << xml(attachments) << "</system-out>\n";
        o << "    </testcase>\n";
    }
    o << "  </testsuite>\n</testsuites>\n";
    return o.str();
}

std::string summary_markdown(const std::vector<SceneResult>& results, const RunInfo& info) {
    const RunCounts c = count(results);
    std::ostringstream o;
    o << "### mmr test: " << (c.failed + c.missing + c.errors ? "❌ " : "✅ ") << c.passed << " passed, " << c.failed
      << " failed";
    if (c.missing) o << ", " << c.missing << " missing";
    if (c.errors) o << ", " << c.errors << (c.errors == 1 ? " error" : " errors");
    o << "\n\n";
    o << "| scene | result | metric | changed regions (x,y WxH) |\n| --- | --- | --- | --- |\n";
    for (const auto& r : failures_first(results)) {
        std::string metric = metric_line(r);
        if (metric.empty() && is_failure(r.status)) metric = r.message;
        o << "| " << cell(r.name) << " | " << (is_failure(r.status) ? "**" : "") << status_name(r.status)
          << (is_failure(r.status) ? "**" : "") << " | " << cell(metric) << " | " << cell(regions_text(r, 5)) << " |\n";
    }
    o << "\nreferences: `" << cell(info.references) << "`, metric " << metric_name(info.tolerance.metric)
      << " (scenes with a `.test.yaml` sidecar use their own), mmr " MMR_VERSION "\n";
    return o.str();
}

void write_text_file(const std::string& path, const std::string& text, const std::string& option) {
    write_file_atomically(path, text, option + " " + path);
}

}  // namespace mmr
