#version 330 core
// Single-channel signed distance field, 0.5 (128/255) = glyph edge, inside
// above. With MSAA the coverage alpha (about one pixel wide ramp) becomes
// sample coverage (alpha-to-coverage), which smooths edges while staying
// opaque and depth-writing; without MSAA it is an alpha test at the edge.
in vec2 v_uv;
uniform sampler2D u_atlas;
uniform vec3 u_rgb;
uniform bool u_coverage;  // true when alpha-to-coverage is on
out vec4 o_color;

void main() {
    float d = texture(u_atlas, v_uv).r;
    float w = max(fwidth(d), 1e-4);
    float alpha = clamp((d - 0.5) / w + 0.5, 0.0, 1.0);
    if (u_coverage ? alpha <= 0.0 : d < 0.5) discard;
    o_color = vec4(u_rgb, alpha);
}
