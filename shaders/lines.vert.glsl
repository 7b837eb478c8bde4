#version 330 core
// Row guides and axes: 1 px, opaque, colours already display-encoded.
layout(location = 0) in vec3 a_pos;
layout(location = 1) in vec3 a_rgb;
uniform mat4 u_mvp;
out vec3 v_rgb;

void main() {
    gl_Position = u_mvp * vec4(a_pos, 1.0);
    v_rgb = a_rgb;
}
