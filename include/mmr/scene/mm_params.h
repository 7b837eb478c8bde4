// mm's params object (docs/spec/mm-params.md) and links (docs/spec/mm-url.md) <-> SceneSpec.
//
//   link --decode_mm_link--> params --scene_from_params--> SceneSpec --write_scene--> YAML
//   SceneSpec --params_from_scene--> params --encode_mm_link_json--> link
//
// Decoding reproduces mm exactly (defaults, types by last key segment, key order);
// the conversion to a SceneSpec keeps only what has an effect in mm, so a link and
// its scene render the same picture.
#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "mmr/scene/scene_spec.h"

namespace mmr {

using ParamsJson = nlohmann::ordered_json;  // keeps mm's key order

// mm's default params object (docs/spec/mm-params.md §1-§4), in mm's key order.
const ParamsJson& mm_default_params();

// ---------------------------------------------------------------- links --------

// True for an argument that is meant as a link rather than a file: it starts with
// http:// or https://, or has a query whose keys are mm's (params=, config=, mm=,
// or numbered keys).
bool looks_like_mm_link(const std::string& text);

// Decodes a link (index.html?params=..., the compressed numbered-key form, or
// ref.html?mm=...) over mm's defaults, as mm does on page load (docs/spec/mm-url.md §1-§3):
// `expr` regenerated, `sync_expr` removed, `compress` set. Bad links (not an mm link,
// truncated, name table that does not match, JSON that does not parse or is not a
// params object, config links, which would need a download) throw mmr::Error naming
// `where` and the offending key.
ParamsJson decode_mm_link(const std::string& link, const std::string& where = "mm link");

// A bare params JSON text (e.g. a saved params file): applied over the defaults like
// the JSON form of a link.
ParamsJson params_from_json_text(const std::string& text, const std::string& where);

// Links to mm (https://bhosmer.github.io/mm/index.html?...).
std::string encode_mm_link_json(const ParamsJson& params);
std::string encode_mm_link_compressed(const ParamsJson& params);  // docs/spec/mm-url.md §3.1

// mm's regeneration of `expr` from a params tree (docs/spec/mm-values.md §1.4).
std::string mm_generate_expr(const ParamsJson& root);

// JavaScript's Number -> String for doubles (shortest round trip, "1e-7", "0.5").
std::string js_number_text(double v);

// ---------------------------------------------------------------- scenes -------

struct ImportOptions {
    // Where `url` data files are looked for (base name); files not found get a
    // gaussian stand-in (LeafSpec::fallback). Empty data_dirs: scene_dir, then ./data.
    std::string scene_dir = ".";
    std::vector<std::string> data_dirs;
    bool allow_any_path = false;  // --allow-any-path (DataPaths::allow_any_path)
};

// params -> SceneSpec: matrices and matmuls keyed by name, only what differs from
// the defaults (and from what a matmul inherits). Shapes are mm's (a right leaf is
// D x W); child orientations are the stored ones; leaf keys leaked into matmul nodes,
// embedded params copies beyond anim/block/layout/deco/viz, `folder`, `diag`,
// `compress` and mm's interactive deco keys are ignored. Throws mmr::Error naming
// `where` and the params path (e.g. "left.right.h") on values mm cannot show.
SceneSpec scene_from_params(const ParamsJson& params, const ImportOptions& opts,
                            const std::string& where);

// SceneSpec -> params (for `mmr export`). Local data files become mm `url` inits
// naming the file (mm can only fetch CSV over http); `seed`, `output` and `camera.fov`
// have no params equivalent and are dropped.
ParamsJson params_from_scene(const SceneSpec& spec);

}  // namespace mmr
