#version 330 core
// Coverage of a flow vane at the four standard sample positions, from the
// pixel's distances to its edges (flow_aa.geom.glsl), as 4x MSAA computes it.
// u_full_only (the renderer's stencil pass): keep only fully covered pixels.
in vec4 g_rgba;
noperspective in vec3 g_dist;
flat in vec4 g_sample[3];
uniform bool u_full_only;
out vec4 o_color;

void main() {
    vec4 inside = vec4(greaterThanEqual(g_dist.x + g_sample[0], vec4(0.0))) *
                  vec4(greaterThanEqual(g_dist.y + g_sample[1], vec4(0.0))) *
                  vec4(greaterThanEqual(g_dist.z + g_sample[2], vec4(0.0)));
    float coverage = dot(inside, vec4(0.25));
    if (u_full_only ? coverage < 1.0 : coverage <= 0.0) discard;
    vec4 rgba = clamp(g_rgba, 0.0, 1.0);
    o_color = vec4(rgba.rgb, rgba.a * coverage);
}
