#include "yaml_reader.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <unordered_set>

#include "mmr/core/error.h"
#include "mmr/core/quote.h"
#include "mmr/scene/scene_parser.h"

namespace mmr {

std::string normalize_key(const std::string& key) {
    std::string k = key;
    for (char& c : k)
        if (c == ' ' || c == '-') c = '_';
    return k;
}

int indentation_tab_column(const std::string& text, int line) {
    if (line < 1) return 0;
    size_t start = 0;
    for (int i = 1; i < line; ++i) {
        start = text.find('\n', start);
        if (start == std::string::npos) return 0;
        ++start;
    }
    for (size_t i = start; i < text.size() && (text[i] == ' ' || text[i] == '\t'); ++i)
        if (text[i] == '\t') return static_cast<int>(i - start) + 1;
    return 0;
}

std::string SourceLoc::str() const {
    if (line <= 0) return file;
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

MapReader::MapReader(const YAML::Node& node, const std::string& file, const std::string& context)
    : node_(node), file_(file), context_(context) {
    if (!node.IsMap())
        fail_at(node, (context.empty() ? std::string("the scene") : "'" + context + "'") +
                          " must be a mapping of keys to values",
                "write 'key: value' lines");
    std::unordered_set<std::string> seen;  // normalized keys: linear in the number of keys
    for (auto it = node.begin(); it != node.end(); ++it) {
        if (it->first.IsNull())
            fail_at(it->first,
                    "a key of " + (context.empty() ? std::string("the scene") : "'" + context + "'") +
                        " is YAML's null (null, ~ or nothing before the ':')",
                    context == "matrices" || context == "matmuls"
                        ? "to name a matrix or result 'null', quote it: '\"null\": ...'"
                        : "write a key name");
        if (!it->first.IsScalar())
            fail_at(it->first,
                    "a key of " + (context.empty() ? std::string("the scene") : "'" + context + "'") +
                        " is a " + (it->first.IsSequence() ? "list" : "mapping") + ", not a name",
                    "write 'name: value'");
        std::string key = it->first.Scalar();
        std::string norm = normalize_key(key);
        if (!seen.insert(norm).second)
            fail_at(it->first, "key '" + key_path(shown_value(key)) + "' is given twice",
                    "keep one of them");
        entries_.emplace_back(norm, it->second);
        key_nodes_.emplace_back(norm, it->first);
    }
}

std::string MapReader::key_path(const std::string& key) const {
    return context_.empty() ? key : context_ + "." + key;
}

SourceLoc MapReader::where(const YAML::Node& n) const {
    SourceLoc l;
    l.file = file_;
    if (n.IsDefined() && n.Mark().line >= 0) {
        l.line = n.Mark().line + 1;
        l.column = n.Mark().column + 1;
    }
    return l;
}

void MapReader::fail_at(const YAML::Node& n, const std::string& what, const std::string& fix) const {
    fail(where(n).str(), what, fix);
}

bool MapReader::has(const std::string& key) const {
    for (const auto& e : entries_)
        if (e.first == key) return true;
    return false;
}

YAML::Node MapReader::get(const std::string& key) const {
    for (const auto& e : entries_)
        if (e.first == key) return e.second;
    return YAML::Node(YAML::NodeType::Undefined);  // tests false: "absent"
}

SourceLoc MapReader::loc(const std::string& key) const {
    for (const auto& e : entries_)
        if (e.first == key) return where(e.second);
    return where(node_);
}

std::optional<double> MapReader::number(const std::string& key, double lo, double hi) {
    YAML::Node n = get(key);
    if (!n) return std::nullopt;
    double v;
    try {
        if (!n.IsScalar()) throw YAML::Exception(n.Mark(), "");
        v = n.as<double>();
    } catch (const YAML::Exception&) {
        // A number beyond double range (1e400) is out of range, not "not a number".
        const std::string text = n.IsScalar() ? n.Scalar() : "";
        char* end = nullptr;
        errno = 0;
        const double d = text.empty() ? 0 : std::strtod(text.c_str(), &end);
        if (!text.empty() && end && *end == 0 && errno == ERANGE && std::isinf(d))
            v = d;
        else
            fail_at(n, "'" + key_path(key) + "' must be a number", "write e.g. '" + key + ": 1'");
    }
    if (!std::isfinite(v) || v < lo || v > hi) {
        std::ostringstream r;
        if (std::isinf(lo) && std::isinf(hi))
            r << "use a finite number";
        else
            r << "use a value from " << lo << " to " << hi;
        fail_at(n, "'" + key_path(key) + "' is " + shown_value(n.Scalar()) + ", out of range", r.str());
    }
    return v;
}

std::optional<int> MapReader::integer(const std::string& key, int lo, int hi) {
    YAML::Node n = get(key);
    if (!n) return std::nullopt;
    auto v = number(key, lo, hi);
    if (*v != std::floor(*v))
        fail_at(n, "'" + key_path(key) + "' must be a whole number, not " + shown_value(n.Scalar()),
                "write e.g. '" + key + ": " + std::to_string(static_cast<long>(*v)) + "'");
    return static_cast<int>(*v);
}

std::optional<bool> MapReader::boolean(const std::string& key) {
    YAML::Node n = get(key);
    if (!n) return std::nullopt;
    try {
        if (!n.IsScalar()) throw YAML::Exception(n.Mark(), "");
        return n.as<bool>();
    } catch (const YAML::Exception&) {
        fail_at(n, "'" + key_path(key) + "' must be true or false", "write '" + key + ": true'");
    }
}

std::optional<std::string> MapReader::string(const std::string& key) {
    YAML::Node n = get(key);
    if (!n) return std::nullopt;
    if (!n.IsScalar())
        fail_at(n, "'" + key_path(key) + "' must be a single value, not a list or mapping",
                "write '" + key + ": text'");
    return n.Scalar();
}

// The page of the user's reference that explains the values of a choice key.
static std::string doc_page(const std::string& key) {
    static const std::pair<const char*, const char*> kPages[] = {
        {"scheme", "docs/layout.md"},          {"polarity", "docs/layout.md"},
        {"left_placement", "docs/layout.md"},  {"right_placement", "docs/layout.md"},
        {"result_placement", "docs/layout.md"}, {"sensitivity", "docs/look.md"},
        {"alg", "docs/animation.md"},          {"fuse", "docs/animation.md"},
        {"init", "docs/values.md"},            {"fallback", "docs/values.md"},
        {"epilog", "docs/values.md"},          {"format", "docs/values.md"},
        {"theme", "docs/look.md"},
    };
    for (const auto& [k, page] : kPages)
        if (key == k) return page;
    return "";
}

std::optional<std::string> MapReader::choice(const std::string& key,
                                             const std::vector<std::string>& allowed) {
    auto v = string(key);
    if (!v) return v;
    for (const auto& a : allowed)
        if (*v == a) return v;
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    std::string guess = closest_match(*v, allowed);
    const std::string doc = doc_page(key);
    fail_at(get(key), "unknown " + key + " '" + shown_value(*v) + "' in '" + key_path(key) + "'",
            (guess.empty() ? "" : "did you mean '" + guess + "'? ") + "choose one of: " + list +
                (doc.empty() ? "" : " (what each does: " + doc + ")"));
}

void MapReader::finish(const std::vector<std::string>& allowed) const {
    for (const auto& kn : key_nodes_) {
        bool ok = false;
        for (const auto& a : allowed) ok = ok || a == kn.first;
        if (ok) continue;
        std::string raw = kn.second.Scalar();
        std::string guess = closest_match(kn.first, allowed);
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        fail_at(kn.second, "unknown key '" + key_path(shown_value(raw)) + "'",
                guess.empty() ? "valid keys here: " + list : "did you mean '" + guess + "'?");
    }
}

}  // namespace mmr
