// Limits on what an input may ask for, in one place. Each is checked before the
// work it bounds, and going over one is a one-line mmr::Error that names the
// limit and what to do instead. A plain list: add new limits here.
#pragma once
#include <cstddef>

namespace mmr::limits {

// Bytes of an expression text (`expr`), whitespace not counted. Bounds the tokens
// kept while parsing (whitespace makes none); not counting it means the canonical
// text mmr writes back (spaces around '@' and '=') is never over the limit when the
// text it came from was not. A 4096-matmul chain with 250-byte names fits.
constexpr std::size_t max_expression_bytes = std::size_t(1) << 20;  // 1 MiB

// Matmuls ('@') in one expression. Every later stage walks the tree (layout, draw
// list, values, check's listing); a left chain is as deep as it is long, and the
// stages outside the parser recurse over it, so this also bounds recursion depth
// there. 4096 parses, builds and checks in well under a second.
constexpr int max_matmuls = 4096;

// Nesting depth of parentheses in an expression. The parser recurses once per
// level, so it is checked while tokenising, before any recursion.
constexpr int max_nesting_depth = 256;

// Bytes of a matrix or result name written in an expression. A generated result
// name (mm's "A @ B" form) that would be longer is replaced by "@N" (the N-th '@'
// of the expression, counted from the left), so names stay short and their total
// size grows linearly with the expression (docs/scene-format.md, `expr`).
constexpr std::size_t max_name_bytes = 256;

// Depth of an mm link's tree, in matmuls from the root to the deepest leaf. Reading
// and writing links recurses over the tree (and its JSON), so links deeper than
// this are refused both ways: by the link decoder and by `mmr export`.
constexpr int max_link_depth = 200;

// Frames one `mmr render` writes (after --cycles/--duration, before --frames):
// 1e6 frames is 9 hours at 30 fps. `mmr render --max-frames N` raises it.
constexpr double max_frames = 1e6;

// Frame rate of `mmr render --fps` (frames per second).
constexpr double min_fps = 0.01;
constexpr double max_fps = 1000;

// Matrix elements a scene draws (inputs plus results), checked before any value
// is computed (`--max-elements N` raises it). The largest shipped scenes (scenes/,
// scenes/article/: the FFN ones) draw 1.1 M; a 10000x10000 square matmul 300 M.
constexpr double max_elements = 2e7;

// Multiply-adds of all matmuls together (sum of H*D*W), checked before values are
// computed (`--max-multiply-adds N` raises it). The largest shipped scenes need
// 1.4e8; 4e9 takes a few seconds. A 10000x10000 square matmul is 1e12.
constexpr double max_multiply_adds = 4e9;

// Rows or columns of one matrix (scene `shape`, `h`, `w`; mm links' h and w).
constexpr double max_matrix_side = 1e6;

// Camera position and target coordinates, in either direction (scenes span
// hundreds of units; floats lose all precision far beyond this).
constexpr double max_camera_coordinate = 1e6;

// Characters of a value from the input echoed into an error message; longer
// values are cut, with "…" and their full length (mmr::shown_value).
constexpr std::size_t max_shown_value_chars = 60;

// Bytes of a scene text (YAML scene, params JSON, a PNG's `mmr:scene`), checked before reading.
constexpr unsigned long long max_scene_bytes = 16ull << 20;  // 16 MiB

// Bytes of a CSV data file (read whole and parsed: about 5x its size in memory).
constexpr unsigned long long max_csv_bytes = 1ull << 30;  // 1 GiB

// Bytes of an .npy/.npz/.safetensors file (only headers and the slice shown are read).
constexpr unsigned long long max_data_file_bytes = 64ull << 30;  // 64 GiB

// Declared (uncompressed) bytes of an .npz member, inflated into memory (256 M float32).
constexpr unsigned long long max_npz_member_bytes = 1ull << 30;  // 1 GiB

// Bytes of a PNG file read for comparison (diff/test/--reference) or for its scene.
constexpr unsigned long long max_png_file_bytes = 2ull << 30;  // 2 GiB

// Width and height of an image that is compared (decoded): mmr's own --size limit.
constexpr unsigned max_compare_side = 16384;
// Pixels a side of a render (--size, and --size times --supersample).
constexpr int max_render_side = 16384;

// Pixels of an image that is compared (~30 bytes a pixel to decode and diff: 2 GiB).
constexpr unsigned long long max_compare_pixels = 8192ull * 8192;

}  // namespace mmr::limits
