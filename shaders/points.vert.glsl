#version 330 core
// Element sprites (docs/spec/mm-look.md §3.2): diameter in pixels = size / view depth.
layout(location = 0) in vec3 a_pos;
layout(location = 1) in float a_size;
layout(location = 2) in vec3 a_rgb;
uniform mat4 u_view;
uniform mat4 u_proj;
uniform float u_max_point;  // implementation limit (255 on llvmpipe)
uniform float u_min_point;  // 1 pixel, times --scale
out vec3 v_rgb;

void main() {
    // A hidden element's slot (mmr/draw/sprite_slots.h): outside the clip volume,
    // so the point is clipped and makes no fragment.
    if (a_size < 0.0) {
        gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
        gl_PointSize = 1.0;
        v_rgb = vec3(0.0);
        return;
    }
    vec4 view = u_view * vec4(a_pos, 1.0);
    gl_Position = u_proj * view;
    // Behind the camera the size goes negative; those points are clipped anyway.
    gl_PointSize = clamp(a_size / -view.z, u_min_point, u_max_point);
    v_rgb = a_rgb;
}
