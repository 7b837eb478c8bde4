#version 330 core
// Smooth antialiasing of flow-guide vanes: each soft edge of the triangle is
// pushed one pixel outwards in screen space; every vertex carries its signed
// pixel distances to the three original edges (inside > 0), and each edge its
// distance offsets of the four standard sample positions, from which
// flow_aa.frag counts covered samples as 4x MSAA would. Colour and depth of
// the moved vertices are those of the triangle's own plane at that point
// (perspective-correct), so the interior is drawn exactly as without
// antialiasing. Edges shared with another vane stay hard (no seam).
layout(triangles) in;
layout(triangle_strip, max_vertices = 3) out;
in vec4 v_rgba[];
in float v_soft[];
uniform vec2 u_viewport;  // framebuffer size in pixels
out vec4 g_rgba;
noperspective out vec3 g_dist;
flat out vec4 g_sample[3];  // per edge: distance offsets of the four samples

const float kFar = 1e4;     // "distance" of a hard edge: always fully covered
const float kMaxMiter = 4.0;  // pixels a vertex may move at a sharp corner
// The standard 4x sample positions relative to the pixel centre (y up).
const vec4 kSampleX = vec4(-0.125, 0.375, -0.375, 0.125);
const vec4 kSampleY = vec4(-0.375, -0.125, 0.125, 0.375);

void main() {
    vec4 c[3] = vec4[3](gl_in[0].gl_Position, gl_in[1].gl_Position, gl_in[2].gl_Position);
    bool expand = c[0].w > 1e-6 && c[1].w > 1e-6 && c[2].w > 1e-6;
    vec2 p[3];
    float z[3];
    vec2 n[3];   // inward unit normal of edge i (the edge opposite vertex i)
    float h[3];  // distance of vertex i from edge i
    float e[3];  // outward offset of edge i in pixels
    if (expand) {
        for (int i = 0; i < 3; ++i) {
            p[i] = (c[i].xy / c[i].w * 0.5 + 0.5) * u_viewport;
            z[i] = c[i].z / c[i].w;
        }
        for (int i = 0; i < 3; ++i) {
            vec2 j = p[(i + 1) % 3], k = p[(i + 2) % 3];
            vec2 nn = vec2(j.y - k.y, k.x - j.x);
            float l = length(nn);
            n[i] = l > 0.0 ? nn / l : vec2(0.0);
            h[i] = dot(p[i] - j, n[i]);
            if (h[i] < 0.0) { n[i] = -n[i]; h[i] = -h[i]; }
            e[i] = v_soft[i] > 0.5 ? 1.0 : 0.0;
            if (h[i] < 1e-4) expand = false;  // degenerate (edge-on) triangle
        }
    }
    vec4 sample_off[3] = vec4[3](vec4(0.0), vec4(0.0), vec4(0.0));
    for (int i = 0; i < 3 && expand; ++i) sample_off[i] = kSampleX * n[i].x + kSampleY * n[i].y;
    vec4 pos[3];
    vec4 rgba[3];
    vec3 dist[3];
    for (int v = 0; v < 3 && expand; ++v) {
        int a = (v + 1) % 3, b = (v + 2) % 3;  // the two edges meeting at vertex v
        float det = n[a].x * n[b].y - n[a].y * n[b].x;
        vec2 off = vec2(e[b] * n[a].y - e[a] * n[b].y, e[a] * n[b].x - e[b] * n[a].x) / det;
        float ol = length(off);
        if (ol > kMaxMiter) off *= kMaxMiter / ol;
        vec2 q = p[v] + off;
        vec3 s;  // screen-space barycentric coordinates of q
        for (int i = 0; i < 3; ++i) {
            float di = dot(q - p[(i + 1) % 3], n[i]);
            s[i] = di / h[i];
            dist[v][i] = e[i] > 0.0 ? di : kFar;
        }
        float inv_w = s[0] / c[0].w + s[1] / c[1].w + s[2] / c[2].w;
        if (!(inv_w > 0.0)) {  // moved past the horizon
            expand = false;
            break;
        }
        float w = 1.0 / inv_w;
        vec3 l = vec3(s[0] / c[0].w, s[1] / c[1].w, s[2] / c[2].w) * w;  // perspective-correct weights
        rgba[v] = l[0] * v_rgba[0] + l[1] * v_rgba[1] + l[2] * v_rgba[2];
        float zq = s[0] * z[0] + s[1] * z[1] + s[2] * z[2];
        pos[v] = vec4((q / u_viewport * 2.0 - 1.0) * w, zq * w, w);
    }
    for (int v = 0; v < 3; ++v) {
        if (expand) {
            gl_Position = pos[v];
            g_rgba = rgba[v];
            g_dist = dist[v];
            g_sample = sample_off;
        } else {  // behind the eye or degenerate: as without antialiasing
            gl_Position = c[v];
            g_rgba = v_rgba[v];
            g_dist = vec3(kFar);
            g_sample = vec4[3](vec4(0.0), vec4(0.0), vec4(0.0));
        }
        EmitVertex();
    }
    EndPrimitive();
}
