#version 330 core
// Single-channel signed distance field, 0.5 (128/255) = glyph edge, inside
// above. The coverage alpha is a ramp about one pixel wide across the edge.
//   u_mode 0 (no antialiasing): an alpha test at the edge.
//   u_mode 1 (MSAA): alpha-to-coverage, which smooths edges while staying
//            opaque and depth-writing.
//   u_mode 2 (smooth): the share of the four standard sample positions inside
//            the glyph (the distance extrapolated there along its screen
//            gradient), i.e. the coverage 4x MSAA gives a glyph outline,
//            blended over what is there.
in vec2 v_uv;
uniform sampler2D u_atlas;
uniform vec3 u_rgb;
uniform int u_mode;
out vec4 o_color;

// The standard 4x sample positions relative to the pixel centre (y up).
const vec4 kSampleX = vec4(-0.125, 0.375, -0.375, 0.125);
const vec4 kSampleY = vec4(-0.375, -0.125, 0.125, 0.375);

void main() {
    float d = texture(u_atlas, v_uv).r;
    float alpha;
    if (u_mode >= 2) {
        vec4 ds = d + dFdx(d) * kSampleX + dFdy(d) * kSampleY;
        alpha = dot(vec4(greaterThanEqual(ds, vec4(0.5))), vec4(0.25));
        if (alpha <= 0.0) discard;
    } else {
        float w = max(fwidth(d), 1e-4);
        alpha = clamp((d - 0.5) / w + 0.5, 0.0, 1.0);
        if (u_mode == 1 ? alpha <= 0.0 : d < 0.5) discard;
    }
    // Alpha-tested text (mode 0) is opaque where drawn (matters only for
    // frames with an alpha channel: opaque frames do not write alpha).
    o_color = vec4(u_rgb, u_mode == 0 ? 1.0 : alpha);
}
