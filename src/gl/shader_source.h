// Shader texts from shaders/*.glsl, embedded at build time by
// cmake/embed_shaders.cmake (generated/shaders_embedded.cpp).
#pragma once

namespace mmr {
// The file's text, e.g. shader_source("points.vert.glsl"); nullptr if unknown.
const char* shader_source(const char* name);
}  // namespace mmr
