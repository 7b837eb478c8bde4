#version 330 core
// Smooth antialiasing (RenderOptions::aa = Smooth) of row guides and axes.
// With multisampling, GL (llvmpipe, and mm's browser alike) rasterizes a 1-px
// line as the rectangle one pixel wide centred on the segment, from end to
// end, and a pixel's coverage is the share of its four samples inside. This
// shader emits that rectangle grown by the reach of the sample pattern (0.9 px
// across and past each end) and hands every pixel its offset across
// and its position along the segment, plus the offsets of the four standard
// sample positions in those terms; lines_aa.frag counts the covered samples,
// so a line gets the coverage 4x MSAA would give it without a multisampled
// framebuffer. Depth is the segment's own at the same position along it (NDC
// depth is affine in screen space), constant across it.
layout(lines) in;
layout(triangle_strip, max_vertices = 4) out;
in vec3 v_rgb[];
uniform vec2 u_viewport;  // framebuffer size in pixels
noperspective out vec3 g_rgb;
noperspective out vec2 g_pos;  // (across, along) in pixels from the segment's start
flat out float g_len;          // segment length in pixels
flat out vec4 g_sample_across;  // per sample: offset added to g_pos.x
flat out vec4 g_sample_along;   // per sample: offset added to g_pos.y

// A pixel centre farther than 0.5 + 0.395 px (the farthest sample's offset)
// from the rectangle has no sample inside it.
uniform float u_reach;  // how far the quad reaches past the line: 0.9 px, more with --scale
// The standard 4x sample positions (llvmpipe's, and those of D3D and so of
// browsers), relative to the pixel centre, GL window coordinates (y up).
const vec2 kSamples[4] = vec2[4](vec2(-0.125, -0.375), vec2(0.375, -0.125), vec2(-0.375, 0.125),
                                 vec2(0.125, 0.375));

void main() {
    vec4 a = gl_in[0].gl_Position, b = gl_in[1].gl_Position;
    vec3 ca = v_rgb[0], cb = v_rgb[1];
    // Clip to the near plane (z >= -w) before dividing by w.
    float da = a.z + a.w, db = b.z + b.w;
    if (da < 0.0 && db < 0.0) return;
    if (da < 0.0) {
        float t = da / (da - db);
        a = mix(a, b, t);
        ca = mix(ca, cb, t);
    } else if (db < 0.0) {
        float t = db / (db - da);
        b = mix(b, a, t);
        cb = mix(cb, ca, t);
    }
    vec3 na = a.xyz / a.w, nb = b.xyz / b.w;
    vec2 sa = (na.xy * 0.5 + 0.5) * u_viewport, sb = (nb.xy * 0.5 + 0.5) * u_viewport;
    vec2 d = sb - sa;
    float len = length(d);
    if (!(len > 0.0)) return;  // covers no sample
    vec2 along = d / len, across = vec2(-along.y, along.x);
    float dz = (nb.z - na.z) / len;  // NDC depth per pixel along
    vec3 dc = (cb - ca) / len;
    vec4 sample_across, sample_along;
    for (int k = 0; k < 4; ++k) {
        sample_across[k] = dot(kSamples[k], across);
        sample_along[k] = dot(kSamples[k], along);
    }
    for (int i = 0; i < 4; ++i) {
        float u = i < 2 ? -u_reach : len + u_reach;
        float v = (i % 2 == 0) ? -u_reach : u_reach;
        vec2 s = sa + along * u + across * v;
        gl_Position = vec4(s / u_viewport * 2.0 - 1.0, na.z + dz * u, 1.0);
        g_rgb = ca + dc * u;
        g_pos = vec2(v, u);
        g_len = len;
        g_sample_across = sample_across;
        g_sample_along = sample_along;
        EmitVertex();
    }
    EndPrimitive();
}
