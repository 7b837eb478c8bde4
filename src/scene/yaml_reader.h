// Small helpers over yaml-cpp that turn every problem into a one-line error
// naming file:line:column and the key.
#pragma once
#include <yaml-cpp/yaml.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "mmr/scene/scene_spec.h"

namespace mmr {

// Key spelling: mm's names ("min size", "left placement") and snake_case
// ("min_size") are both accepted; keys are compared in snake_case.
std::string normalize_key(const std::string& key);

// Column (1-based) of the first tab in the leading whitespace of line `line`
// (1-based) of `text`, or 0 if that line is not indented with a tab. yaml-cpp
// rejects such lines with messages like "illegal map value"; mmr says why.
int indentation_tab_column(const std::string& text, int line);

class MapReader {
public:
    // `context` names the map in messages, e.g. "deco" or "matrices.A".
    MapReader(const YAML::Node& node, const std::string& file, const std::string& context);

    bool has(const std::string& key) const;
    YAML::Node get(const std::string& key) const;  // null node if absent
    SourceLoc loc(const std::string& key) const;   // location of the key's value
    SourceLoc loc() const { return where(node_); }

    std::optional<double> number(const std::string& key, double lo, double hi);
    std::optional<int> integer(const std::string& key, int lo, int hi);
    std::optional<bool> boolean(const std::string& key);
    std::optional<std::string> string(const std::string& key);
    std::optional<std::string> choice(const std::string& key, const std::vector<std::string>& allowed);

    // Errors on any key not in `allowed` (with a did-you-mean hint) and on
    // keys given twice in two spellings.
    void finish(const std::vector<std::string>& allowed) const;

    SourceLoc where(const YAML::Node& n) const;
    [[noreturn]] void fail_at(const YAML::Node& n, const std::string& what,
                              const std::string& fix) const;
    const std::string& context() const { return context_; }
    std::string key_path(const std::string& key) const;
    const std::string& file() const { return file_; }

private:
    YAML::Node node_;
    std::string file_, context_;
    std::vector<std::pair<std::string, YAML::Node>> entries_;  // normalized key -> value
    std::vector<std::pair<std::string, YAML::Node>> key_nodes_;
};

}  // namespace mmr
