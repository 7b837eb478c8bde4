#version 330 core
// Element sprite fragment, as mm's shader does it (docs/spec/mm-look.md §3.3): sample
// the ball sprite (mipmapped, trilinear: at the usual 3-10 px the mip blur
// darkens the rim, which is part of mm's look), alpha-test at 0.5, multiply
// by the vertex colour. No blending, no sRGB.
in vec3 v_rgb;
uniform sampler2D u_ball;
out vec4 o_color;

void main() {
    vec4 texel = texture(u_ball, gl_PointCoord);  // row 0 of the sprite = top
    if (texel.a < 0.5) discard;  // alpha test: no edge smoothing, as in mm
    o_color = vec4(texel.rgb * v_rgb, 1.0);  // may exceed 1: the framebuffer clamps
}
