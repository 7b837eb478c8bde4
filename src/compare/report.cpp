#include "mmr/compare/report.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "mmr/core/atomic_write.h"
#include "mmr/core/error.h"
#include "mmr/core/interrupt.h"

namespace mmr {
namespace {

std::string html(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

int group(SceneStatus s) {
    switch (s) {
        case SceneStatus::Error: return 0;
        case SceneStatus::Missing: return 1;
        case SceneStatus::SizeMismatch: return 2;
        case SceneStatus::Different: return 3;
        default: return 4;
    }
}

const char* badge(SceneStatus s) {
    switch (s) {
        case SceneStatus::Error: return "ERROR";
        case SceneStatus::Missing: return "MISSING";
        case SceneStatus::SizeMismatch: return "SIZE";
        case SceneStatus::Different: return "FAIL";
        case SceneStatus::Same: return "PASS";
        case SceneStatus::Created: return "CREATED";
        case SceneStatus::Updated: return "UPDATED";
        case SceneStatus::Unchanged: return "UNCHANGED";
    }
    return "?";
}

std::string percent(double fraction) { return format_number(100 * fraction, 3) + " %"; }

bool readable(const std::string& path) { return !path.empty() && access(path.c_str(), R_OK) == 0; }

std::string figure(const std::string& role, const std::string& name, const std::string& path) {
    std::string out = "<figure class=\"" + role + "\">";
    if (readable(path))
        out += "<img class=\"" + role + "\" alt=\"" + role + " of " + html(name) +
               "\" src=\"data:image/png;base64," + base64_file(path) + "\">";
    else
        out += "<div class=\"noimage\">no image</div>";
    return out + "<figcaption><b>" + role + "</b> " + html(path) + "</figcaption></figure>";
}

}  // namespace

const char* status_name(SceneStatus s) {
    switch (s) {
        case SceneStatus::Error: return "error";
        case SceneStatus::Missing: return "missing";
        case SceneStatus::SizeMismatch: return "size-mismatch";
        case SceneStatus::Different: return "different";
        case SceneStatus::Same: return "same";
        case SceneStatus::Created: return "created";
        case SceneStatus::Updated: return "updated";
        case SceneStatus::Unchanged: return "unchanged";
    }
    return "?";
}

bool is_failure(SceneStatus s) { return group(s) < 4; }

RunCounts count(const std::vector<SceneResult>& results) {
    RunCounts c;
    for (const auto& r : results) switch (r.status) {
            case SceneStatus::Error: ++c.errors; break;
            case SceneStatus::Missing: ++c.missing; break;
            case SceneStatus::SizeMismatch:
            case SceneStatus::Different: ++c.failed; break;
            case SceneStatus::Same: ++c.passed; break;
            case SceneStatus::Created:
            case SceneStatus::Updated: ++c.written; ++c.passed; break;
            case SceneStatus::Unchanged: ++c.passed; break;
        }
    return c;
}

int exit_code(const RunCounts& c) {
    if (c.errors || c.missing) return 2;
    return c.failed ? 1 : 0;
}

std::vector<SceneResult> failures_first(std::vector<SceneResult> results) {
    std::stable_sort(results.begin(), results.end(), [](const SceneResult& a, const SceneResult& b) {
        int ga = group(a.status), gb = group(b.status);
        return ga != gb ? ga < gb : a.name < b.name;
    });
    return results;
}

std::string base64_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(path, std::string("cannot read (") + std::strerror(errno) + ")", "check the file");
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < data.size(); i += 3) {
        unsigned v = unsigned((unsigned char)data[i]) << 16 | unsigned((unsigned char)data[i + 1]) << 8 |
                     (unsigned char)data[i + 2];
        out += tbl[v >> 18], out += tbl[(v >> 12) & 63], out += tbl[(v >> 6) & 63], out += tbl[v & 63];
    }
    if (i < data.size()) {
        unsigned v = unsigned((unsigned char)data[i]) << 16;
        if (i + 1 < data.size()) v |= unsigned((unsigned char)data[i + 1]) << 8;
        out += tbl[v >> 18], out += tbl[(v >> 12) & 63];
        out += i + 1 < data.size() ? tbl[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::string run_json(const std::vector<SceneResult>& results, const RunInfo& info, const std::string& report_path) {
    RunCounts c = count(results);
    const int code = exit_code(c);
    std::ostringstream j;
    j << "{\"result\": " << json_string(code == 0 ? "passed" : code == 1 ? "failed" : "error")
      << ", \"exit_code\": " << code << ", \"update\": " << (info.update ? "true" : "false")
      << ", \"scenes_total\": " << results.size() << ", \"passed\": " << c.passed << ", \"failed\": " << c.failed
      << ", \"missing\": " << c.missing << ", \"errors\": " << c.errors << ", \"written\": " << c.written
      << ", \"references\": " << json_string(info.references)
      << ", \"metric\": " << json_string(metric_name(info.tolerance.metric))
      << ", \"threshold\": " << json_number(info.tolerance.limit())
      << ", \"color_threshold\": " << json_number(info.tolerance.diff.color_threshold)
      << ", \"report\": " << (report_path.empty() ? "null" : json_string(report_path)) << ", \"scenes\": [";
    bool first = true;
    for (const auto& r : failures_first(results)) {
        j << (first ? "" : ", ") << "{\"name\": " << json_string(r.name) << ", \"scene\": " << json_string(r.scene_path)
          << ", \"status\": " << json_string(status_name(r.status))
          << ", \"actual\": " << (r.actual_path.empty() ? "null" : json_string(r.actual_path))
          << ", \"message\": " << json_string(r.message);
        if (r.comparison) j << ", \"comparison\": " << r.comparison->json(r.comparison->passed() ? 0 : 1);
        j << "}";
        first = false;
    }
    j << "]}";
    return j.str();
}

void write_html_report(const std::string& path, const std::vector<SceneResult>& results, const RunInfo& info) {
    const RunCounts c = count(results);
    const Tolerance& tol = info.tolerance;
    std::string sources;
    for (const auto& s : info.scene_sources) sources += (sources.empty() ? "" : ", ") + s;
    std::string headline = std::to_string(c.failed) + " failed, " + std::to_string(c.passed) + " passed";
    if (c.missing) headline += ", " + std::to_string(c.missing) + " missing";
    if (c.errors) headline += ", " + std::to_string(c.errors) + (c.errors == 1 ? " error" : " errors");
    std::string threshold = tol.metric == Metric::Pixels ? percent(tol.limit()) : format_number(tol.limit(), 6);
    if (tol.metric == Metric::Psnr) threshold += " dB";

    std::ostringstream o;
    o << "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>mmr test: " << html(headline) << "</title>\n<style>\n"
      << "body{font:14px/1.45 system-ui,'DejaVu Sans',sans-serif;margin:20px 28px;background:#f6f6f6;color:#222}\n"
      << "h1{font-size:22px;margin:0 0 6px}h2{font-size:17px;margin:0 0 6px}\n"
      << "p.info{color:#555;margin:0 0 12px}\n"
      << "table{border-collapse:collapse;background:#fff;margin:8px 0 14px}\n"
      << "th,td{border:1px solid #ddd;padding:3px 9px;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
      << ".badge{display:inline-block;min-width:64px;text-align:center;padding:1px 6px;border-radius:4px;color:#fff;font-weight:bold;font-size:12px}\n"
      << ".error .badge,.b-error{background:#6a1b9a}.missing .badge,.b-missing{background:#e65100}\n"
      << ".size-mismatch .badge,.different .badge,.b-fail{background:#c62828}\n"
      << ".same .badge,.unchanged .badge{background:#2e7d32}.created .badge,.updated .badge{background:#1565c0}\n"
      << "section{background:#fff;border:1px solid #ddd;border-left:6px solid #2e7d32;padding:10px 14px;margin:0 0 14px}\n"
      << "section.line{padding:3px 14px;margin:0 0 4px}\n"
      << "section.error,section.missing,section.size-mismatch,section.different{border-left-color:#c62828}\n"
      << "p.message{font-family:'DejaVu Sans Mono',monospace;font-size:12px;color:#333;word-break:break-all;margin:4px 0 8px}\n"
      << ".images{display:flex;gap:12px;align-items:flex-start}\n"
      << "figure{margin:0;flex:1 1 0;min-width:0;max-width:33%}\n"
      << "figure img{display:block;width:100%;height:auto;border:1px solid #bbb;background:#000;cursor:zoom-in}\n"
      << "figure img.zoom{position:fixed;inset:0;margin:auto;width:auto;max-width:98vw;max-height:98vh;z-index:9;cursor:zoom-out;box-shadow:0 0 0 100vmax rgba(0,0,0,.8)}\n"
      << "figcaption{font-size:12px;color:#555;word-break:break-all}.noimage{padding:40px;text-align:center;color:#999;border:1px dashed #bbb}\n"
      << ".legend span{display:inline-block;width:11px;height:11px;vertical-align:middle;margin:0 3px 0 10px;border:1px solid #999}\n"
      << "p.broken{color:#c62828;font-weight:bold}\n"
      << "</style>\n</head>\n<body>\n";
    o << "<h1>mmr test: " << html(headline) << "</h1>\n";
    o << "<p class=\"info\">scenes: " << html(sources) << " &middot; references: " << html(info.references);
    if (!info.size.empty()) o << " &middot; size: " << html(info.size);
    o << " &middot; metric <b>" << metric_name(tol.metric) << "</b>, threshold " << html(threshold)
      << " &middot; colour threshold " << format_number(tol.diff.color_threshold, 4)
      << (tol.diff.include_aa ? ", anti-aliased pixels counted" : ", anti-aliased pixels ignored")
      << " &middot; mmr " MMR_VERSION "</p>\n";

    const std::vector<SceneResult> sorted = failures_first(results);
    o << "<table class=\"summary\"><thead><tr><th>status</th><th>scene</th><th>differing pixels</th>"
         "<th>max</th><th>mean</th><th>PSNR dB</th><th>SSIM</th></tr></thead><tbody>\n";
    for (const auto& r : sorted) {
        o << "<tr class=\"" << status_name(r.status) << "\"><td><span class=\"badge\">" << badge(r.status)
          << "</span></td><td><a href=\"#scene-" << html(r.name) << "\">" << html(r.name) << "</a></td>";
        const bool numbers = r.comparison && (r.comparison->outcome == Outcome::Same ||
                                              r.comparison->outcome == Outcome::Different);
        if (numbers) {
            const DiffResult& d = r.comparison->result;
            o << "<td class=\"num\">" << d.differing << " (" << percent(d.fraction()) << ")</td><td class=\"num\">"
              << d.max_channel_diff << "</td><td class=\"num\">" << format_number(d.mean_channel_diff, 3)
              << "</td><td class=\"num\">" << format_number(d.psnr, 4) << "</td><td class=\"num\">"
              << format_number(d.ssim, 6) << "</td>";
        } else {
            o << "<td colspan=\"5\">" << html(status_name(r.status)) << "</td>";
        }
        o << "</tr>\n";
    }
    o << "</tbody></table>\n";
    o << "<p class=\"legend\">Diff images, over a faded copy of the reference:"
         "<span style=\"background:#f00\"></span>differs (counted)"
         "<span style=\"background:#ff0\"></span>anti-aliasing (ignored)"
         "<span style=\"background:#4080ff\"></span>changed, under the colour threshold; a red frame surrounds "
         "a few differing pixels. Click an image to enlarge it.</p>\n";

    for (const auto& r : sorted) {
        const char* st = status_name(r.status);
        if (!is_failure(r.status) && !info.report_all) {  // one line: no image (--report-all shows them)
            o << "<section class=\"scene " << st << " line\" id=\"scene-" << html(r.name) << "\" data-status=\"" << st
              << "\"><span class=\"badge\">" << badge(r.status) << "</span> <b>" << html(r.name)
              << "</b> <small>" << html(r.message) << "</small></section>\n";
            continue;
        }
        o << "<section class=\"scene " << st << "\" id=\"scene-" << html(r.name) << "\" data-status=\"" << st
          << "\">\n<h2><span class=\"badge\">" << badge(r.status) << "</span> " << html(r.name) << " <small>"
          << html(r.scene_path) << "</small></h2>\n<p class=\"message\">" << html(r.message) << "</p>\n";
        const Comparison* cmp = r.comparison ? &*r.comparison : nullptr;
        if (r.status == SceneStatus::Different || r.status == SceneStatus::SizeMismatch) {
            o << "<div class=\"images\">" << figure("reference", r.name, cmp->reference)
              << figure("actual", r.name, cmp->actual);
            if (!cmp->diff_image.empty()) o << figure("diff", r.name, cmp->diff_image);
            o << "</div>\n";
        } else if (!r.actual_path.empty() && readable(r.actual_path) &&
                   (info.report_all || is_failure(r.status))) {
            const bool open = r.status == SceneStatus::Missing;
            o << "<details" << (open ? " open" : "") << "><summary>image</summary><div class=\"images\">"
              << figure("actual", r.name, r.actual_path) << "</div></details>\n";
        }
        o << "</section>\n";
    }
    // Once loaded, each image is marked with its decoded size (or as broken),
    // which a reader sees and tests can check in the DOM.
    o << "<script>\nwindow.addEventListener('load', function () {\n"
         "  document.querySelectorAll('figure img').forEach(function (img) {\n"
         "    img.addEventListener('click', function () { img.classList.toggle('zoom'); });\n"
         "    if (img.naturalWidth > 0) { img.dataset.loaded = img.naturalWidth + 'x' + img.naturalHeight; }\n"
         "    else { img.dataset.loaded = 'broken';\n"
         "      img.insertAdjacentHTML('afterend', '<p class=\"broken\">this image could not be shown</p>'); }\n"
         "  });\n  document.body.dataset.ready = 'yes';\n});\n</script>\n</body>\n</html>\n";

    const std::string text = o.str();
    write_file_atomically(path, text, "--report " + path);
}

}  // namespace mmr
