#version 330 core
// A shaded ball standing in for mm's ball.png (mm-look.md §3.3): grey shade
// times the vertex colour, no blending, no sRGB. The sprite's opaque disc is
// 54/64 of its width; the highlight sits a little left of and above centre.
in vec3 v_rgb;
out vec4 o_color;

// Tuned so that over the disc the mean shade is ~0.56, the peak ~250/255 and
// the rim away from the light ~0 (the figures measured on ball.png).
const vec3 kLight = normalize(vec3(-0.19, 0.45, 0.874));  // upper-left-front
const vec3 kHalf = normalize(kLight + vec3(0.0, 0.0, 1.0));
const float kDiffuse = 0.87, kDiffusePow = 0.8;
const float kSpecular = 0.11, kShininess = 20.0;
const float kDisc = 54.0 / 64.0;

void main() {
    // gl_PointCoord has y down; flip so +y is up on screen.
    vec2 p = (gl_PointCoord * 2.0 - 1.0) * vec2(1.0, -1.0) / kDisc;
    float r2 = dot(p, p);
    if (r2 > 1.0) discard;  // alpha test: no edge smoothing, as in mm
    vec3 n = vec3(p, sqrt(1.0 - r2));
    float shade = kDiffuse * pow(max(dot(n, kLight), 0.0), kDiffusePow) +
                  kSpecular * pow(max(dot(n, kHalf), 0.0), kShininess);
    o_color = vec4(shade * v_rgb, 1.0);  // may exceed 1: the framebuffer clamps
}
