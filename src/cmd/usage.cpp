// Command-line usage errors in mmr's own words: CLI11's parse errors become one
// line naming the option and what is wrong (with a did-you-mean for misspelt
// options and values), followed by the subcommand's usage line. main.cpp prints
// them; each subcommand's --help ends with examples and its exit codes.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <set>
#include <string>

#include "commands.h"
#include "mmr/scene/scene_parser.h"  // closest_match

namespace mmr::cmd {
namespace {

std::map<const CLI::App*, std::string>& usages() {
    static std::map<const CLI::App*, std::string> u;
    return u;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

bool is_number(const std::string& s) {
    if (s.empty()) return false;
    char* end = nullptr;
    std::strtod(s.c_str(), &end);
    return end && *end == '\0';
}

bool looks_like_option(const std::string& arg) {
    return arg.size() > 1 && arg[0] == '-' && !is_number(arg);
}

// "smooth, msaa or none"-style list of a CLI11 set "{msaa,smooth,none}".
std::vector<std::string> split_set(const std::string& set) {
    std::vector<std::string> items;
    std::string body = set;
    if (!body.empty() && body.front() == '{') body.erase(0, 1);
    if (!body.empty() && body.back() == '}') body.pop_back();
    size_t start = 0;
    while (start <= body.size()) {
        size_t comma = body.find(',', start);
        if (comma == std::string::npos) comma = body.size();
        items.push_back(body.substr(start, comma - start));
        start = comma + 1;
    }
    return items;
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
    return out;
}

// "-o/--output" for an option, "SCENE" for a positional.
std::string display_name(const CLI::Option* opt) {
    if (opt->get_positional()) {
        std::string n = opt->get_name(true);
        std::transform(n.begin(), n.end(), n.begin(), ::toupper);
        return n;
    }
    std::vector<std::string> names;
    for (const auto& s : opt->get_snames()) names.push_back("-" + s);
    for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
    return join(names, "/");
}

const CLI::Option* find_option(const CLI::App* sub, const std::string& name) {
    for (const CLI::Option* opt : sub->get_options())
        if (!opt->get_positional() && opt->check_name(name)) return opt;
    return nullptr;
}

std::string unknown_option(const CLI::App* sub, const std::string& arg) {
    const std::string name = arg.substr(0, arg.find('='));
    std::string msg = "unknown option '" + name + "'";
    const bool is_long = starts_with(name, "--");
    std::vector<std::string> candidates;
    for (const CLI::Option* opt : sub->get_options())
        for (const auto& n : is_long ? opt->get_lnames() : opt->get_snames()) candidates.push_back(n);
    const std::string bare = name.substr(is_long ? 2 : 1);
    const std::string guess = closest_match(bare, candidates);
    if (!guess.empty()) return msg + "; did you mean '" + std::string(is_long ? "--" : "-") + guess + "'?";
    // An option of mmr itself, or of another command.
    const CLI::App* top = sub->get_parent();
    if (top && top->get_option_no_throw(name))
        return msg + "; it goes before the command: mmr " + name;
    if (top)
        for (const CLI::App* other : top->get_subcommands({}))
            if (other != sub && find_option(other, name))
                return msg + "; it is an option of 'mmr " + other->get_name() + "'";
    return msg;
}

std::string lower_first(std::string s) {
    if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
    return s;
}

}  // namespace

void describe(CLI::App* sub, const std::string& usage, const std::vector<std::string>& examples,
              const std::string& exit_codes) {
    usages()[sub] = usage;
    std::string footer = examples.size() == 1 ? "Example:\n" : "Examples:\n";
    for (const auto& e : examples) footer += "  " + e + "\n";
    footer += "Exit codes: " + exit_codes;
    sub->footer(footer);
}

std::string usage_line(const CLI::App* sub) {
    const std::string name = "mmr " + sub->get_name();
    auto it = usages().find(sub);
    const std::string usage = it == usages().end() ? "[options]" : it->second;
    return "usage: " + name + " " + usage + "; see '" + name + " --help'";
}

std::string parse_error_message(const CLI::App& app, const CLI::App* sub, const CLI::ParseError& e,
                                const std::vector<std::string>& args) {
    // Arguments nobody took come first: a misspelt option also makes a required
    // option look missing (`--sizes 10x10` for `-o`), and the misspelling is the news.
    const std::vector<std::string> rest = app.remaining(true);
    const std::multiset<std::string> left(rest.begin(), rest.end());
    for (const std::string& a : args)
        if (left.count(a) && looks_like_option(a)) return unknown_option(sub, a);
    for (const std::string& a : args)
        if (left.count(a)) return "unexpected argument '" + a + "'";

    const std::string what = e.what();
    if (dynamic_cast<const CLI::RequiredError*>(&e)) {
        for (const CLI::Option* opt : sub->get_options())
            if (opt->get_required() && opt->count() == 0)
                return opt->get_positional() ? "missing " + display_name(opt)
                                             : "missing required option " + display_name(opt);
    }
    if (dynamic_cast<const CLI::ConversionError*>(&e)) {
        // "Could not convert: --fps = abc"
        const std::string prefix = "Could not convert: ";
        const size_t eq = what.find(" = ");
        if (starts_with(what, prefix) && eq != std::string::npos) {
            const std::string name = what.substr(prefix.size(), eq - prefix.size());
            const std::string value = what.substr(eq + 3);
            const CLI::Option* opt = find_option(sub, name);
            const std::string type = opt ? opt->get_type_name() : "";
            if (opt && type.empty())  // flags have no type
                return name + "=" + value + ": a flag takes no value; write just " + name;
            const std::string expected = type == "INT" || type == "UINT" ? "not a whole number"
                                         : type == "FLOAT"              ? "not a number"
                                                                         : "not a valid value";
            return name + " " + value + ": " + expected;
        }
    }
    if (dynamic_cast<const CLI::ValidationError*>(&e)) {
        // "--aa: smoth not in {msaa,smooth,none}", "--crf: Value 60 not in range 0 to 51"
        const size_t colon = what.find(": ");
        if (colon != std::string::npos) {
            const std::string name = what.substr(0, colon), detail = what.substr(colon + 2);
            // mmr's own validators (--seed): "value V: what is wrong".
            if (starts_with(detail, "value ")) return name + " " + detail.substr(6);
            const size_t in_set = detail.find(" not in {");
            const size_t in_range = detail.find(" not in range ");
            if (in_set != std::string::npos) {
                const std::string value = detail.substr(0, in_set);
                const std::vector<std::string> allowed = split_set(detail.substr(in_set + 8));
                const std::string guess = closest_match(value, allowed);
                return name + " " + value + ": unknown value; " +
                       (guess.empty() ? "" : "did you mean '" + guess + "'? ") +
                       "choose one of: " + join(allowed, ", ");
            }
            if (starts_with(detail, "Value ") && in_range != std::string::npos)
                return name + " " + detail.substr(6, in_range - 6) + ": out of range; use " +
                       detail.substr(in_range + 14);
        }
    }
    if (dynamic_cast<const CLI::ArgumentMismatch*>(&e)) {
        // "--output: 1 required TEXT missing"
        const size_t colon = what.find(": ");
        if (colon != std::string::npos && what.find(" required ") != std::string::npos &&
            what.size() >= 8 && what.compare(what.size() - 8, 8, " missing") == 0)
            return what.substr(0, colon) + " needs a value";
    }
    return lower_first(what);
}

}  // namespace mmr::cmd
