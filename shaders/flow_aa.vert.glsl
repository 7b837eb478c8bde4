#version 330 core
// Flow-guide vanes for smooth antialiasing: flow.vert.glsl plus a per-vertex
// flag saying whether the triangle edge opposite this vertex gets a soft edge
// (0 where two vanes share the edge, so no seam shows between them).
layout(location = 0) in vec3 a_pos;
layout(location = 1) in vec4 a_rgba;
layout(location = 2) in float a_soft;
uniform mat4 u_mvp;
out vec4 v_rgba;
out float v_soft;

void main() {
    gl_Position = u_mvp * vec4(a_pos, 1.0);
    v_rgba = a_rgba;
    v_soft = a_soft;
}
