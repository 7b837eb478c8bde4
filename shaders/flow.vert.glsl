#version 330 core
// Flow-guide arrow vanes: translucent triangles with per-vertex alpha.
layout(location = 0) in vec3 a_pos;
layout(location = 1) in vec4 a_rgba;
uniform mat4 u_mvp;
out vec4 v_rgba;

void main() {
    gl_Position = u_mvp * vec4(a_pos, 1.0);
    v_rgba = a_rgba;
}
