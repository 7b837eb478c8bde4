// mm's expression grammar (docs/spec/mm-values.md §1):
//   expr    := [ name "=" ] operand ( "@" operand )+
//   operand := name | "(" expr ")" | "(" operand ")"
// '@' is left-associative; whitespace is ignored.
//
// Input size is bounded (include/mmr/core/limits.h): the text's length, the number
// of '@', the parenthesis depth and the length of every name are checked while
// tokenising, before any tree is built. The parser recurses only at '(' (so at most
// limits::max_nesting_depth levels); every other walk over a tree, including the
// destructor, is iterative, as a left chain is as deep as it is long.
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

    ExprNode() = default;
    ExprNode(const ExprNode&) = delete;
    ExprNode& operator=(const ExprNode&) = delete;
    ~ExprNode();  // iterative: a 4096-long chain must not recurse 4096 deep
};

// Parses `text`. Errors throw mmr::Error "<where>:<col>: <what>; <fix>", where
// `where` is e.g. "scene.yaml:3" and col the 1-based column in `text` plus
// `column_offset` (the column where the expression text starts in the file).
std::unique_ptr<ExprNode> parse_expression(const std::string& text, const std::string& where,
                                           int column_offset = 0);

// The name the parser gives an unnamed matmul: mm's `left @ right`, the right name
// in parentheses if it contains whitespace (docs/spec/mm-values.md §1.2); but "@N"
// if that would be longer than limits::max_name_bytes, N being the matmul's 1-based
// position among the expression's '@' counted from the left (in-order position).
std::string generated_name(const std::string& left, const std::string& right, int index);

// Regenerates the expression text from a tree (mm's canonical form,
// docs/spec/mm-values.md §1.4, without mm's mistakes): a matmul is written with
// "name =" exactly when its name is not the generated one; a named left operand and
// every right operand that is a matmul are parenthesised. For every tree whose
// names are valid (leaf and explicit names are name tokens within the limits,
// other matmuls carry their generated name) the text parses back to the same tree.
std::string expression_text(const ExprNode& root);

// Structural equality: same shape, names and explicit_name flags (not columns).
bool same_expression(const ExprNode& a, const ExprNode& b);

}  // namespace mmr
