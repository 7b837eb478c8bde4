// mm's expression grammar (docs/spec/mm-values.md §1):
//   expr    := [ name "=" ] operand ( "@" operand )+
//   operand := name | "(" expr ")" | "(" operand ")"
// '@' is left-associative; whitespace is ignored.
#pragma once
#include <memory>
#include <string>

namespace mmr {

struct ExprNode {
    std::string name;             // leaf name, or result name (explicit or generated)
    bool explicit_name = false;   // "name = ..." was written
    int column = 0;               // 1-based column in the original text
    std::unique_ptr<ExprNode> left, right;  // both set for a matmul
    bool is_matmul() const { return left != nullptr; }
};

// Parses `text`. Errors throw mmr::Error "<where>:<col>: <what>; <fix>", where
// `where` is e.g. "scene.yaml:3" and col the 1-based column in `text` plus
// `column_offset` (the column where the expression text starts in the file).
std::unique_ptr<ExprNode> parse_expression(const std::string& text, const std::string& where,
                                           int column_offset = 0);

// Regenerates mm's canonical expression text from a tree (docs/spec/mm-values.md §1.4).
std::string expression_text(const ExprNode& root);

}  // namespace mmr
