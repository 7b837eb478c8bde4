#version 330 core
// Coverage of a 1-px line (the rectangle of lines_aa.geom.glsl) at the four
// standard sample positions, as 4x MSAA computes it, blended over what is
// there.
noperspective in vec3 g_rgb;
noperspective in vec2 g_pos;
flat in float g_len;
flat in vec4 g_sample_across;
flat in vec4 g_sample_along;
uniform float u_half_width;  // 0.5 px: a 1-pixel line; times --scale
out vec4 o_color;

void main() {
    vec4 v = g_pos.x + g_sample_across;  // per sample: offset across the line
    vec4 u = g_pos.y + g_sample_along;   // per sample: position along it
    vec4 inside = vec4(lessThan(abs(v), vec4(u_half_width))) * vec4(greaterThanEqual(u, vec4(0.0))) *
                  vec4(lessThan(u, vec4(g_len)));
    float coverage = dot(inside, vec4(0.25));
    if (coverage <= 0.0) discard;
    o_color = vec4(g_rgb, coverage);
}
