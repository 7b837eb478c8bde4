// mm links (docs/spec/mm-url.md): query parsing, the JSON and the compressed (numbered-key)
// forms, decoded over mm's defaults exactly as mm does; and the encoders.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>

#include "../model/js_number.h"
#include "mmr/core/error.h"
#include "mmr/core/json_depth.h"
#include "mmr/core/limits.h"
#include "mmr/scene/mm_params.h"

namespace mmr {

// ------------------------------------------------------------ defaults --------

const ParamsJson& mm_default_params() {
    static const ParamsJson d = [] {
        auto leaf = [](const char* name, const char* init) {
            ParamsJson l;
            l["name"] = name;
            l["matmul"] = false;
            l["h"] = 32;
            l["w"] = 32;
            l["init"] = init;
            l["url"] = "";
            l["min"] = -1;
            l["max"] = 1;
            l["dropout"] = 0;
            return l;
        };
        ParamsJson p;
        p["expr"] = "L @ R";
        p["name"] = "L @ R";
        p["epilog"] = "none";
        p["left"] = leaf("L", "row major");
        p["right"] = leaf("R", "col major");
        p["anim"] = {{"fuse", "none"}, {"speed", 20}, {"hide inputs", false}, {"alg", "none"}, {"spin", 0}};
        p["block"] = {{"i blocks", 1}, {"k blocks", 1}, {"j blocks", 1}};
        p["layout"] = {{"scheme", "blocks"},        {"gap", 4},
                       {"scatter", 0},              {"molecule", 1},
                       {"blast", 0},                {"polarity", "negative"},
                       {"left placement", "left"},  {"right placement", "top"},
                       {"result placement", "front"}};
        p["deco"] = {{"legends", 6},         {"shape", true},        {"spotlight", 2},
                     {"row guides", 0.6},    {"flow guides", 0.5},   {"lens size", 0.5},
                     {"magnification", 7},   {"interior spotlight", false}, {"axes", false}};
        p["viz"] = {{"sensitivity", "global"}, {"min size", 0.2},   {"min light", 0.4},
                    {"max light", 0.7},        {"elem scale", 1.25}, {"zero hue", 0.77},
                    {"hue gap", 0.74},         {"hue spread", 0.04}};
        p["diag"] = {{"url", ""}};
        p["cam"] = {{"x", -48}, {"y", 48}, {"z", 48}};
        return p;
    }();
    return d;
}

// ------------------------------------------------------------ numbers ---------

std::string js_number_text(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
    if (v == 0) return "0";
    std::string sign = v < 0 ? "-" : "";
    v = std::fabs(v);
    // Shortest digits that read back as the same double.
    char buf[40];
    int prec = 0;
    for (prec = 0; prec < 17; ++prec) {
        std::snprintf(buf, sizeof buf, "%.*e", prec, v);
        if (std::strtod(buf, nullptr) == v) break;
    }
    std::snprintf(buf, sizeof buf, "%.*e", prec, v);
    std::string s(buf);
    const size_t e = s.find('e');
    const int exp10 = std::atoi(s.c_str() + e + 1);
    std::string digits;
    for (size_t i = 0; i < e; ++i)
        if (s[i] != '.') digits += s[i];
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
    const int k = static_cast<int>(digits.size()), n = exp10 + 1;
    std::string out;
    if (k <= n && n <= 21) {
        out = digits + std::string(static_cast<size_t>(n - k), '0');
    } else if (0 < n && n <= 21) {
        out = digits.substr(0, static_cast<size_t>(n)) + "." + digits.substr(static_cast<size_t>(n));
    } else if (-6 < n && n <= 0) {
        out = "0." + std::string(static_cast<size_t>(-n), '0') + digits;
    } else {
        const std::string ex = (n - 1 >= 0 ? "+" : "-") + std::to_string(std::abs(n - 1));
        out = k == 1 ? digits + "e" + ex : digits.substr(0, 1) + "." + digits.substr(1) + "e" + ex;
    }
    return sign + out;
}

namespace {

// ------------------------------------------------------------ text ------------

std::string shorten(const std::string& s, size_t max = 60) {
    std::string out;
    for (size_t i = 0; i < s.size() && i < max; ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        out += c < 0x20 ? '?' : static_cast<char>(c);
    }
    return s.size() > max ? out + "..." : out;
}

int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Invalid UTF-8 -> U+FFFD (one per bad byte), as a browser's decoder does.
std::string utf8_clean(const std::string& s) {
    std::string out;
    size_t i = 0;
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    while (i < s.size()) {
        const unsigned char c = p[i];
        int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        bool ok = len > 0 && i + static_cast<size_t>(len) <= s.size();
        for (int k = 1; ok && k < len; ++k) ok = (p[i + static_cast<size_t>(k)] >> 6) == 2;
        if (ok && len > 1) {
            uint32_t cp = c & (0x7f >> len);
            for (int k = 1; k < len; ++k) cp = (cp << 6) | (p[i + static_cast<size_t>(k)] & 0x3f);
            ok = !(len == 2 && cp < 0x80) && !(len == 3 && cp < 0x800) && !(len == 4 && cp < 0x10000) &&
                 cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
        }
        if (!ok) {
            out += "\xEF\xBF\xBD";
            ++i;
            continue;
        }
        out.append(s, i, static_cast<size_t>(len));
        i += static_cast<size_t>(len);
    }
    return out;
}

// application/x-www-form-urlencoded: '+' is a space, %xx escapes.
std::string form_decode(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out += ' ';
        } else if (s[i] == '%' && i + 2 < s.size() && hexval(s[i + 1]) >= 0 &&
                   hexval(s[i + 2]) >= 0) {
            out += static_cast<char>(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return utf8_clean(out);
}

std::string form_encode(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '*' || c == '-' || c == '.' || c == '_') out += static_cast<char>(c);
        else if (c == ' ') out += '+';
        else out += {'%', hex[c >> 4], hex[c & 15]};
    }
    return out;
}

std::string uri_component_encode(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || std::strchr("-_.!~*'()", c)) out += static_cast<char>(c);
        else out += {'%', hex[c >> 4], hex[c & 15]};
    }
    return out;
}

// Key -> value, keys in JavaScript object order (array-index keys ascending first,
// then the rest in insertion order); a repeated key keeps its place, last value wins.
struct Query {
    std::vector<std::pair<std::string, std::string>> entries;  // insertion order
    void set(const std::string& k, const std::string& v) {
        for (auto& e : entries)
            if (e.first == k) {
                e.second = v;
                return;
            }
        entries.emplace_back(k, v);
    }
    const std::string* get(const std::string& k) const {
        for (const auto& e : entries)
            if (e.first == k) return &e.second;
        return nullptr;
    }
};

Query parse_query(const std::string& q) {
    Query out;
    size_t pos = 0;
    while (pos <= q.size()) {
        size_t amp = q.find('&', pos);
        if (amp == std::string::npos) amp = q.size();
        const std::string piece = q.substr(pos, amp - pos);
        if (!piece.empty()) {
            const size_t eq = piece.find('=');
            out.set(form_decode(piece.substr(0, eq)),
                    eq == std::string::npos ? "" : form_decode(piece.substr(eq + 1)));
        }
        pos = amp + 1;
    }
    return out;
}

// The part of a link after '?' and before '#'; nullopt without a '?'.
std::optional<std::string> query_of(const std::string& link) {
    const size_t q = link.find('?');
    if (q == std::string::npos) return std::nullopt;
    std::string s = link.substr(q + 1);
    const size_t hash = s.find('#');
    if (hash != std::string::npos) s.resize(hash);
    return s;
}

bool is_array_index(const std::string& k, uint64_t& v) {
    if (k.empty() || k.size() > 10 || (k.size() > 1 && k[0] == '0')) return false;
    v = 0;
    for (char c : k) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    return v < 4294967295ull;
}

bool is_property_key(const std::string& k) { return detail::js_string_to_number(k).has_value(); }

// ------------------------------------------------------------ flat paths ------

struct Flat {
    std::vector<std::pair<std::string, ParamsJson>> items;
    std::map<std::string, size_t> index;
    void set(const std::string& path, ParamsJson v) {
        auto it = index.find(path);
        if (it != index.end()) {
            items[it->second].second = std::move(v);
            return;
        }
        index[path] = items.size();
        items.emplace_back(path, std::move(v));
    }
};

void flatten(const ParamsJson& obj, const std::string& prefix, Flat& out) {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
        const std::string path = prefix.empty() ? it.key() : prefix + "." + it.key();
        if (it->is_object()) flatten(*it, path, out);
        else out.set(path, *it);
    }
}

std::string last_segment(const std::string& path) {
    const size_t dot = path.find_last_of('.');
    return dot == std::string::npos ? path : path.substr(dot + 1);
}

ParamsJson unflatten(const Flat& flat, const std::string& where) {
    ParamsJson root = ParamsJson::object();
    for (const auto& [path, value] : flat.items) {
        ParamsJson* cur = &root;
        size_t pos = 0;
        for (;;) {
            const size_t dot = path.find('.', pos);
            const std::string seg = path.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
            if (dot == std::string::npos) {
                (*cur)[seg] = value;
                break;
            }
            ParamsJson& next = (*cur)[seg];
            if (next.is_null()) next = ParamsJson::object();
            if (!next.is_object())
                fail(where, "key conflict: '" + shorten(path.substr(0, dot)) + "' is a value, but '" +
                                shorten(path) + "' uses it as a group",
                     "the link's name table does not match its keys; copy the link again");
            cur = &next;
            pos = dot + 1;
        }
    }
    return root;
}

// docs/spec/mm-url.md §3.2
ParamsJson decode_compressed(const Query& q, const std::string& where) {
    // 1. property keys vs the name table
    std::map<std::string, std::string> names;  // number text -> name
    std::vector<std::pair<std::string, std::string>> props;
    std::vector<std::pair<std::string, std::string>> table;
    for (const auto& [k, v] : q.entries) {
        if (is_property_key(k)) props.emplace_back(k, v);
        else table.emplace_back(k, v);
    }
    for (const auto& [k, v] : table) {
        auto prev = names.find(v);
        if (prev != names.end() && is_property_key(v))
            fail(where,
                 "the name table does not match the keys: it gives number " + shorten(v) + " to both '" +
                     shorten(prev->second) + "' and '" + shorten(k) + "'",
                 "the link looks damaged; copy the whole link again");
        names[v] = k;
    }
    if (props.empty()) {
        std::string keys;
        for (const auto& e : table) keys += (keys.empty() ? "" : ", ") + shorten(e.first, 20);
        fail(where, "not an mm link: its query has no mm keys" + (keys.empty() ? "" : " (it has: " + keys + ")"),
             "give a link to bhosmer.github.io/mm/ with ?params=... or numbered keys (0=...&1=...)");
    }
    // JavaScript object order: array-index keys ascending, then the others.
    std::stable_sort(props.begin(), props.end(), [](const auto& a, const auto& b) {
        uint64_t x = 0, y = 0;
        const bool ia = is_array_index(a.first, x), ib = is_array_index(b.first, y);
        if (ia != ib) return ia;
        return ia && x < y;
    });
    // 2. resolve paths (a missing name means a truncated link or a mismatched table)
    std::set<std::string> used;
    auto name_of = [&](const std::string& num, const std::string& key) {
        auto it = names.find(num);
        if (it == names.end())
            fail(where,
                 "key '" + shorten(key) + "' is incomplete: it refers to name number " + shorten(num) +
                     ", which is not in the link's name table",
                 "the link looks truncated (or its key table does not match); copy the whole link again");
        used.insert(num);
        return it->second;
    };
    // 3. type table from the defaults (last path segment -> type)
    Flat flat;
    flatten(mm_default_params(), "", flat);
    std::map<std::string, ParamsJson::value_t> types;
    for (const auto& [path, v] : flat.items) types[last_segment(path)] = v.type();
    // 4. coerce and store
    for (const auto& [key, text] : props) {
        const size_t dot = key.find('.');
        std::string path = dot == std::string::npos
                                     ? name_of(key, key)
                                     : name_of(key.substr(0, dot), key) + "." + name_of(key.substr(dot + 1), key);
        if (std::count(path.begin(), path.end(), '.') > 400)
            fail(where, "key '" + shorten(key) + "' nests more than 400 levels deep", "give a link made by mm");
        ParamsJson v;
        auto t = types.find(last_segment(path));
        if (t == types.end() || t->second == ParamsJson::value_t::string) {
            v = text;
        } else if (t->second == ParamsJson::value_t::boolean) {
            v = text == "true";
        } else {
            auto n = detail::js_string_to_number(text);
            if (!n) v = std::nan("");
            else if (*n == std::floor(*n) && std::fabs(*n) < 9e15) v = static_cast<int64_t>(*n);
            else v = *n;
        }
        flat.set(path, std::move(v));
    }
    // the name table must match the keys: every numbered entry is used
    for (const auto& [k, v] : table) {
        if (used.count(v) || !is_property_key(v)) continue;  // non-numeric: not a table entry
        fail(where,
             "the name table does not match the keys: '" + shorten(k) + "=" + shorten(v) +
                 "' is not used by any numbered key",
             "the link looks damaged; copy the whole link again");
    }
    // 5./6. unflatten (defaults included) and 7. compress
    ParamsJson p = unflatten(flat, where);
    p["compress"] = true;
    return p;
}

void check_params_object(const ParamsJson& j, const std::string& where) {
    if (!j.is_object())
        fail(where, std::string("the JSON is a ") + j.type_name() + ", not an mm params object",
             "give a params object such as {\"expr\": \"A @ B\", \"left\": {...}, \"right\": {...}}");
    static const char* known[] = {"expr", "name", "epilog", "left", "right", "anim", "block",
                                  "layout", "deco", "viz", "cam", "diag", "folder", "compress", "sync_expr"};
    bool any = false;
    for (auto it = j.begin(); it != j.end(); ++it)
        for (const char* k : known) any = any || it.key() == k;
    if (!any) {
        std::string keys;
        int n = 0;
        for (auto it = j.begin(); it != j.end() && n < 6; ++it, ++n) keys += (n ? ", " : "") + shorten(it.key(), 20);
        fail(where, "the JSON is not an mm params object (none of its keys is mm's" +
                        (keys.empty() ? std::string(")") : ": " + keys + ")"),
             "give mm's params object, with keys such as expr, left, right, anim, layout");
    }
    for (const char* k : {"left", "right", "anim", "block", "layout", "deco", "viz", "cam"}) {
        auto it = j.find(k);
        if (it != j.end() && !it->is_object())
            fail(where, std::string("'") + k + "' must be a JSON object, not " + it->type_name(),
                 "give mm's params object");
    }
}

ParamsJson apply_json_form(const ParamsJson& parsed, const std::string& where) {
    check_params_object(parsed, where);
    ParamsJson p = mm_default_params();
    for (auto it = parsed.begin(); it != parsed.end(); ++it) p[it.key()] = it.value();
    p["compress"] = false;
    return p;
}

ParamsJson parse_json(const std::string& text, const std::string& where, const std::string& what) {
    if (json_depth(text) > 400)
        fail(where, what + " nests more than 400 levels deep", "give mm's params object");
    ParamsJson j = ParamsJson::parse(text, nullptr, false);
    if (j.is_discarded()) {
        // Find where it breaks, for the message.
        std::string detail;
        try {
            ParamsJson ignored = ParamsJson::parse(text);
            (void)ignored;
        } catch (const nlohmann::json::parse_error& e) {
            detail = " (at byte " + std::to_string(e.byte) + ")";
        } catch (const nlohmann::json::out_of_range& e) {
            // 406: a number beyond double range (1e400); nlohmann gives no position.
            const std::string msg = e.what();
            const size_t q = msg.find('\'');
            const std::string number = q == std::string::npos ? "" : msg.substr(q + 1, msg.rfind('\'') - q - 1);
            const size_t at = number.empty() ? std::string::npos : text.find(number);
            fail(where, what + " holds the number " + shorten(number, 40) + ", beyond the range of a double" +
                            (at == std::string::npos ? "" : " (at byte " + std::to_string(at + 1) + ")"),
                 "use a number of at most 1.8e308 in magnitude");
        } catch (const nlohmann::json::exception& e) {
            detail = " (" + shorten(e.what(), 80) + ")";
        }
        fail(where, what + " is not valid JSON" + detail,
             "copy the whole link again (a cut-off link has unbalanced braces)");
    }
    return j;
}

std::string generate(const ParamsJson& node, const std::string& path, const std::string& where);

// Refuses trees deeper than any picture could show (and than recursion allows).
void check_depth(const ParamsJson& root, const std::string& where) {
    std::vector<std::pair<const ParamsJson*, int>> stack{{&root, 0}};
    while (!stack.empty()) {
        auto [n, d] = stack.back();
        stack.pop_back();
        if (d > limits::max_link_depth)
            fail(where, "the expression tree is more than " + std::to_string(limits::max_link_depth) + " matmuls deep",
                 "use a smaller expression");
        for (const char* side : {"left", "right"}) {
            auto it = n->find(side);
            if (it != n->end() && it->is_object()) stack.emplace_back(&*it, d + 1);
        }
    }
}

void normalize(ParamsJson& p, const std::string& where) {
    p.erase("sync_expr");
    if (!p["left"].is_object() || !p["right"].is_object())
        fail(where, "the params tree has no 'left' and 'right' operands", "give a complete link");
    check_depth(p, where);
    p["expr"] = generate(p, "", where);
}

ParamsJson decode_query(const std::string& query, const std::string& where, int depth) {
    const Query q = parse_query(query);
    if (q.entries.empty()) return mm_default_params();
    if (q.entries.size() == 1 && q.entries[0].first == "params")
        return apply_json_form(parse_json(q.entries[0].second, where, "the params= value"), where);
    if (q.entries.size() == 1 && q.entries[0].first == "config")
        fail(where, "this is a config link: its scene is a JSON file at '" + shorten(q.entries[0].second, 80) + "'",
             "mmr never downloads; save that file and import it ('mmr import params.json')");
    if (const std::string* inner = q.get("mm"); inner && depth == 0 && !q.get("0")) {
        // ref.html?mm=<inner query>&doc=...
        const size_t qm = inner->find('?');
        return decode_query(qm == std::string::npos ? *inner : inner->substr(qm + 1), where, 1);
    }
    return decode_compressed(q, where);
}

}  // namespace

// ------------------------------------------------------------ public ----------

bool looks_like_mm_link(const std::string& text) {
    if (text.rfind("http://", 0) == 0 || text.rfind("https://", 0) == 0) return true;
    auto q = query_of(text);
    if (!q) return false;
    const Query parsed = parse_query(*q);
    for (const auto& [k, v] : parsed.entries)
        if (k == "params" || k == "config" || k == "mm" || is_property_key(k)) return true;
    return false;
}

ParamsJson decode_mm_link(const std::string& link, const std::string& where) {
    auto q = query_of(link);
    ParamsJson p;
    if (!q) {
        // No state: mm shows its default scene, but only a link to mm means that.
        if (link.find("/mm") == std::string::npos)
            fail(where, "not an mm link: '" + shorten(link) + "' has no query (?params=... or ?0=...)",
                 "copy a link from mm's page (bhosmer.github.io/mm/...)");
        p = mm_default_params();
    } else {
        p = decode_query(*q, where, 0);
    }
    normalize(p, where);
    return p;
}

ParamsJson params_from_json_text(const std::string& text, const std::string& where) {
    ParamsJson p = apply_json_form(parse_json(text, where, "the file"), where);
    normalize(p, where);
    return p;
}

std::string encode_mm_link_json(const ParamsJson& params) {
    ParamsJson p = params;
    p["compress"] = false;
    return "https://bhosmer.github.io/mm/index.html?params=" + uri_component_encode(p.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::string encode_mm_link_compressed(const ParamsJson& params) {
    ParamsJson p = params;
    p["compress"] = true;  // as mm, which writes this form when compress is set
    Flat flat;
    flatten(p, "", flat);
    std::vector<std::string> names;
    std::map<std::string, size_t> number;
    auto num = [&](const std::string& n) {
        auto it = number.find(n);
        if (it != number.end()) return it->second;
        number[n] = names.size();
        names.push_back(n);
        return names.size() - 1;
    };
    std::string out;
    auto add = [&](const std::string& k, const std::string& v) {
        out += (out.empty() ? "" : "&") + form_encode(k) + "=" + form_encode(v);
    };
    for (const auto& [path, v] : flat.items) {
        const size_t dot = path.find_last_of('.');
        std::string key;
        if (dot == std::string::npos) {
            key = std::to_string(num(path));
        } else {
            const size_t a = num(path.substr(0, dot));
            key = std::to_string(a) + "." + std::to_string(num(path.substr(dot + 1)));
        }
        std::string text;
        if (v.is_string()) text = v.get<std::string>();
        else if (v.is_boolean()) text = v.get<bool>() ? "true" : "false";
        else if (v.is_number()) text = js_number_text(v.get<double>());
        else text = v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        add(key, text);
    }
    for (size_t i = 0; i < names.size(); ++i) add(names[i], std::to_string(i));
    return "https://bhosmer.github.io/mm/index.html?" + out;
}

namespace {

std::string generate(const ParamsJson& node, const std::string& path, const std::string& where) {
    auto name_of = [](const ParamsJson& n) {
        auto it = n.find("name");
        return it != n.end() && it->is_string() ? it->get<std::string>() : std::string("undefined");
    };
    auto is_mm = [](const ParamsJson& n) {
        auto it = n.find("matmul");
        return n.is_object() && it != n.end() && it->is_boolean() && it->get<bool>();
    };
    auto child = [&](const char* side) -> const ParamsJson& {
        auto it = node.find(side);
        if (it == node.end() || !it->is_object())
            fail(where, "matmul '" + (path.empty() ? std::string("(root)") : path) + "' has no '" + side +
                            "' operand",
                 "give a complete link");
        return *it;
    };
    const ParamsJson& left = child("left");
    const ParamsJson& right = child("right");
    const std::string pre = path.empty() ? "" : path + ".";
    std::string L = name_of(left);
    if (is_mm(left)) {
        L = generate(left, pre + "left", where);
        // named subexpressions ("<word chars><space>=") are parenthesised
        size_t i = 0;
        while (i < L.size() && (std::isalnum(static_cast<unsigned char>(L[i])) || L[i] == '_')) ++i;
        if (i > 0 && i + 1 < L.size() && std::isspace(static_cast<unsigned char>(L[i])) && L[i + 1] == '=')
            L = "(" + L + ")";
    }
    const std::string R = is_mm(right) ? "(" + generate(right, pre + "right", where) + ")" : name_of(right);
    const std::string expanded = L + " @ " + R;
    const std::string name = name_of(node);
    if (name == expanded || name == name_of(left) + " @ " + name_of(right)) return expanded;
    return name + " = " + expanded;
}

}  // namespace

std::string mm_generate_expr(const ParamsJson& root) { return generate(root, "", "params"); }

}  // namespace mmr
