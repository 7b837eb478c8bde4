#include "mmr/scene/expression.h"

#include <cctype>
#include <cstring>
#include <vector>

#include "mmr/core/error.h"

namespace mmr {
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
        auto node = parse_sequence(/*inside_parens=*/false);
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

    void tokenize(const std::string& s) {
        for (size_t i = 0; i < s.size();) {
            char c = s[i];
            int col = static_cast<int>(i) + 1;
            if (std::isspace(static_cast<unsigned char>(c))) { ++i; continue; }
            if (is_word(c)) {
                // Names may continue across whitespace in mm (whitespace is deleted
                // first); we keep them apart so "a b" is an error, not "ab".
                size_t j = i;
                while (j < s.size() && is_name_char(s[j])) ++j;
                tokens_.push_back({Token::Name, s.substr(i, j - i), col});
                i = j;
                continue;
            }
            Token::Kind k;
            switch (c) {
                case '@': k = Token::At; break;
                case '(': k = Token::Open; break;
                case ')': k = Token::Close; break;
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

    const Token& peek(size_t ahead = 0) const {
        return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
    }
    Token take() { return tokens_[std::min(pos_++, tokens_.size() - 1)]; }

    // [name "="] operand ("@" operand)*   (at least one '@' unless inside parens)
    std::unique_ptr<ExprNode> parse_sequence(bool inside_parens) {
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
            auto rhs = parse_operand();
            auto m = std::make_unique<ExprNode>();
            m->column = at_col;
            m->left = std::move(node);
            m->right = std::move(rhs);
            m->name = default_name(*m);
            node = std::move(m);
        }
        if (!result_name.empty()) {
            if (!node->is_matmul())
                error(name_col, "'" + result_name + " =' names a single matrix, not a matmul",
                      "write '" + result_name + " = " + node->name + " @ B' or drop the name");
            node->name = result_name;
            node->explicit_name = true;
        }
        (void)inside_parens;
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
            auto inner = parse_sequence(true);
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

    static std::string default_name(const ExprNode& m) {
        const std::string& r = m.right->name;
        bool has_space = r.find_first_of(" \t") != std::string::npos;
        return m.left->name + " @ " + (has_space ? "(" + r + ")" : r);
    }
};

std::string gen(const ExprNode& n) {
    std::string L;
    if (n.left->is_matmul()) {
        L = gen(*n.left);
        if (n.left->explicit_name) L = "(" + L + ")";
    } else {
        L = n.left->name;
    }
    std::string R = n.right->is_matmul() ? "(" + gen(*n.right) + ")" : n.right->name;
    std::string expanded = L + " @ " + R;
    if (n.name == expanded || n.name == n.left->name + " @ " + n.right->name) return expanded;
    return n.name + " = " + expanded;
}

}  // namespace

std::unique_ptr<ExprNode> parse_expression(const std::string& text, const std::string& where,
                                           int column_offset) {
    Parser p(text, where, column_offset);
    return p.parse_root();
}

std::string expression_text(const ExprNode& root) { return gen(root); }

}  // namespace mmr
