#include "mmr/scene/expression.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <unordered_map>
#include <vector>

#include "mmr/core/error.h"
#include "mmr/core/limits.h"

namespace mmr {

ExprNode::~ExprNode() {
    // Children are detached onto a work list and freed one at a time, each with no
    // children left, so destruction never recurses.
    std::vector<std::unique_ptr<ExprNode>> todo;
    if (left) todo.push_back(std::move(left));
    if (right) todo.push_back(std::move(right));
    while (!todo.empty()) {
        std::unique_ptr<ExprNode> n = std::move(todo.back());
        todo.pop_back();
        if (n->left) todo.push_back(std::move(n->left));
        if (n->right) todo.push_back(std::move(n->right));
    }
}

std::string generated_name(const std::string& left, const std::string& right, int index) {
    const bool wrap = right.find_first_of(" \t\n\r") != std::string::npos;
    const std::size_t size = left.size() + 3 + right.size() + (wrap ? 2 : 0);
    if (size > limits::max_name_bytes) return "@" + std::to_string(index);
    return left + " @ " + (wrap ? "(" + right + ")" : right);
}

namespace {

bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return is_word(c) || (c && std::strchr(".-!#$%^&/[]", c)); }

struct Token {
    enum Kind { Name, At, Open, Close, Equals, End } kind;
    std::string text;
    int column;  // 1-based column in the original text
};

class Parser {
public:
    Parser(const std::string& text, const std::string& where, int offset)
        : where_(where), offset_(offset) {
        tokenize(text);
    }

    std::unique_ptr<ExprNode> parse_root() {
        if (tokens_.size() == 1) error(tokens_[0].column, "the expression is empty",
                                        "write a matmul such as 'A @ B'");
        auto node = parse_sequence();
        if (peek().kind != Token::End) {
            const Token& t = peek();
            error(t.column, "unexpected " + describe(t),
                  t.kind == Token::Close ? "remove it or add the matching '('"
                                         : "join operands with '@'");
        }
        if (!node->is_matmul())
            error(node->column, "the expression must contain at least one '@'",
                  "write a matmul such as '" + node->name + " @ B'");
        return node;
    }

private:
    std::string where_;
    int offset_;
    std::vector<Token> tokens_;
    size_t pos_ = 0;
    int matmuls_ = 0;  // '@' taken so far: the in-order index of the next matmul

    [[noreturn]] void error(int column, const std::string& what, const std::string& fix) {
        fail(where_ + ":" + std::to_string(column + offset_), what, fix);
    }

    static std::string describe(const Token& t) {
        switch (t.kind) {
            case Token::Name: return "name '" + t.text + "'";
            case Token::At: return "'@'";
            case Token::Open: return "'('";
            case Token::Close: return "')'";
            case Token::Equals: return "'='";
            default: return "end of expression";
        }
    }

    // The limits (include/mmr/core/limits.h) are checked here, in text order, so
    // the first problem in the text is the one reported and nothing is built (or
    // recursed into) for an input over a limit.
    void tokenize(const std::string& s) {
        int depth = 0, ats = 0;
        size_t solid = 0;  // bytes other than whitespace so far
        for (size_t i = 0; i < s.size();) {
            char c = s[i];
            // Whitespace is not limited, so clamp the column far below INT_MAX.
            int col = static_cast<int>(std::min<size_t>(i + 1, size_t(1) << 30));
            if (std::isspace(static_cast<unsigned char>(c))) { ++i; continue; }
            if (++solid > limits::max_expression_bytes)
                error(col,
                      "the expression has " + std::to_string(solid_bytes(s)) + " bytes besides whitespace",
                      "at most " + std::to_string(limits::max_expression_bytes) +
                          " are allowed: use shorter names or split the scene into several");
            if (is_word(c)) {
                // Names may continue across whitespace in mm (whitespace is deleted
                // first); we keep them apart so "a b" is an error, not "ab".
                size_t j = i;
                while (j < s.size() && is_name_char(s[j])) ++j;
                if (j - i > limits::max_name_bytes)
                    error(col, "the name '" + s.substr(i, 32) + "...' is " + std::to_string(j - i) +
                                   " bytes long",
                          "at most " + std::to_string(limits::max_name_bytes) +
                              " are allowed: use a shorter name");
                if ((solid += j - i - 1) > limits::max_expression_bytes)  // column of the first byte over
                    error(col + static_cast<int>(limits::max_expression_bytes - (solid - (j - i))),
                          "the expression has " + std::to_string(solid_bytes(s)) + " bytes besides whitespace",
                          "at most " + std::to_string(limits::max_expression_bytes) +
                              " are allowed: use shorter names or split the scene into several");
                tokens_.push_back({Token::Name, s.substr(i, j - i), col});
                i = j;
                continue;
            }
            Token::Kind k;
            switch (c) {
                case '@':
                    k = Token::At;
                    if (++ats > limits::max_matmuls)
                        error(col,
                              "the expression has " + std::to_string(std::count(s.begin(), s.end(), '@')) +
                                  " matmuls ('@')",
                              "at most " + std::to_string(limits::max_matmuls) +
                                  " are allowed: split the scene into several");
                    break;
                case '(':
                    k = Token::Open;
                    if (++depth > limits::max_nesting_depth)
                        error(col, "the expression nests parentheses " + std::to_string(max_depth(s)) + " deep",
                              "at most " + std::to_string(limits::max_nesting_depth) +
                                  " are allowed: drop redundant parentheses, or multiply left to "
                                  "right ('A @ B @ C' needs none)");
                    break;
                case ')':
                    k = Token::Close;
                    depth = std::max(depth - 1, 0);  // a stray ')' is reported by the parser
                    break;
                case '=': k = Token::Equals; break;
                default:
                    error(col, std::string("unexpected character '") + c + "'",
                          "expressions use names, '@', '(', ')' and 'name ='");
            }
            tokens_.push_back({k, std::string(1, c), col});
            ++i;
        }
        int end_col = static_cast<int>(s.size()) + 1;
        tokens_.push_back({Token::End, "", end_col});
    }

    static size_t solid_bytes(const std::string& s) {
        return static_cast<size_t>(std::count_if(
            s.begin(), s.end(), [](char c) { return !std::isspace(static_cast<unsigned char>(c)); }));
    }

    // The deepest parenthesis nesting anywhere in `s` (for the error message only).
    static long max_depth(const std::string& s) {
        long d = 0, m = 0;
        for (char c : s) {
            if (c == '(') m = std::max(m, ++d);
            else if (c == ')' && d > 0) --d;
        }
        return m;
    }

    const Token& peek(size_t ahead = 0) const {
        return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
    }
    Token take() { return tokens_[std::min(pos_++, tokens_.size() - 1)]; }

    // [name "="] operand ("@" operand)*   (at least one '@' unless inside parens)
    // A chain is a loop; only '(' recurses (parse_operand), at most
    // limits::max_nesting_depth levels, as tokenize checked.
    std::unique_ptr<ExprNode> parse_sequence() {
        std::string result_name;
        int name_col = 0;
        if (peek().kind == Token::Name && peek(1).kind == Token::Equals) {
            result_name = peek().text;
            name_col = peek().column;
            pos_ += 2;
        }
        auto node = parse_operand();
        while (peek().kind == Token::At) {
            int at_col = take().column;
            const int index = ++matmuls_;
            auto rhs = parse_operand();
            auto m = std::make_unique<ExprNode>();
            m->column = at_col;
            m->left = std::move(node);
            m->right = std::move(rhs);
            m->name = generated_name(m->left->name, m->right->name, index);
            node = std::move(m);
        }
        if (!result_name.empty()) {
            if (!node->is_matmul())
                error(name_col, "'" + result_name + " =' names a single matrix, not a matmul",
                      "write '" + result_name + " = " + node->name + " @ B' or drop the name");
            node->name = result_name;
            node->explicit_name = true;
        }
        return node;
    }

    std::unique_ptr<ExprNode> parse_operand() {
        Token t = take();
        if (t.kind == Token::Name) {
            if (peek().kind == Token::Equals)
                error(peek().column, "'" + t.text + " =' can only start the expression or a parenthesised group",
                      "wrap it in parentheses: '(" + t.text + " = ...)'");
            auto leaf = std::make_unique<ExprNode>();
            leaf->name = t.text;
            leaf->column = t.column;
            return leaf;
        }
        if (t.kind == Token::Open) {
            auto inner = parse_sequence();
            Token close = take();
            if (close.kind != Token::Close)
                error(close.column, "expected ')' to close the '(' at column " +
                                        std::to_string(t.column + offset_) + " but found " +
                                        describe(close),
                      "add the missing ')'");
            return inner;
        }
        error(t.column, "expected a name or '(' but found " + describe(t),
              t.kind == Token::End ? "complete the expression" : "put an operand there");
    }
};

// Whether each matmul must be written "name = ...": its name is not the one the
// parser would generate from its operands' names and its in-order position (the
// position of its '@' in the text, which writing preserves). Iterative in-order walk.
std::unordered_map<const ExprNode*, bool> named_matmuls(const ExprNode& root) {
    std::unordered_map<const ExprNode*, bool> named;
    std::vector<const ExprNode*> stack;
    const ExprNode* n = &root;
    int index = 0;
    while (n || !stack.empty()) {
        while (n && n->is_matmul()) {
            stack.push_back(n);
            n = n->left.get();
        }
        // n is a leaf (or null): nothing to record
        if (stack.empty()) break;
        const ExprNode* m = stack.back();
        stack.pop_back();
        ++index;
        named[m] = m->name != generated_name(m->left->name, m->right->name, index);
        n = m->right.get();
    }
    return named;
}

}  // namespace

std::unique_ptr<ExprNode> parse_expression(const std::string& text, const std::string& where,
                                           int column_offset) {
    Parser p(text, where, column_offset);
    return p.parse_root();
}

std::string expression_text(const ExprNode& root) {
    const auto named = named_matmuls(root);
    // A work list of pieces to write, last first: a node (with whether to wrap it
    // in parentheses) or a literal.
    struct Item {
        const ExprNode* node;
        bool wrap;
        const char* text;
    };
    std::vector<Item> todo{{&root, false, nullptr}};
    std::string out;
    while (!todo.empty()) {
        const Item it = todo.back();
        todo.pop_back();
        if (!it.node) {
            out += it.text;
            continue;
        }
        const ExprNode& n = *it.node;
        if (!n.is_matmul()) {
            out += n.name;
            continue;
        }
        const bool is_named = named.at(&n);
        if (it.wrap) out += '(';
        if (is_named) out += n.name + " = ";
        if (it.wrap) todo.push_back({nullptr, false, ")"});
        todo.push_back({n.right.get(), n.right->is_matmul(), nullptr});
        todo.push_back({nullptr, false, " @ "});
        todo.push_back({n.left.get(), n.left->is_matmul() && named.at(n.left.get()), nullptr});
    }
    return out;
}

bool same_expression(const ExprNode& a, const ExprNode& b) {
    std::vector<std::pair<const ExprNode*, const ExprNode*>> todo{{&a, &b}};
    while (!todo.empty()) {
        auto [x, y] = todo.back();
        todo.pop_back();
        if (x->name != y->name || x->explicit_name != y->explicit_name ||
            x->is_matmul() != y->is_matmul() || (x->right == nullptr) != (y->right == nullptr))
            return false;
        if (x->is_matmul()) {
            todo.emplace_back(x->left.get(), y->left.get());
            todo.emplace_back(x->right.get(), y->right.get());
        }
    }
    return true;
}

}  // namespace mmr
