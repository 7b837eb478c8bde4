#include "gl_program.h"

#include <string>

#include "mmr/core/error.h"
#include "shader_source.h"

namespace mmr {
namespace {

// GL info logs are multi-line; errors are one line.
std::string one_line(std::string log) {
    while (!log.empty() && (log.back() == '\n' || log.back() == ' ' || log.back() == '\0')) log.pop_back();
    for (char& c : log)
        if (c == '\n') c = ' ';
    return log;
}

GLuint compile(const GlFunctions& gl, GLenum stage, const char* name) {
    const char* text = shader_source(name);
    if (!text) throw Error(std::string("shader ") + name + ": not embedded in this build");
    GLuint shader = gl.CreateShader(stage);
    gl.ShaderSource(shader, 1, &text, nullptr);
    gl.CompileShader(shader);
    GLint ok = 0, len = 0;
    gl.GetShaderiv(shader, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        gl.GetShaderiv(shader, GL_INFO_LOG_LENGTH, &len);
        std::string log(size_t(len > 0 ? len : 1), '\0');
        gl.GetShaderInfoLog(shader, len, nullptr, &log[0]);
        gl.DeleteShader(shader);
        throw Error(std::string("shader ") + name + ": compile failed: " + one_line(log));
    }
    return shader;
}

}  // namespace

GLuint build_program(const GlFunctions& gl, const char* vert_name, const char* frag_name,
                     const char* geom_name) {
    GLuint vs = compile(gl, GL_VERTEX_SHADER, vert_name);
    GLuint gs = 0, fs = 0;
    try {
        if (geom_name) gs = compile(gl, GL_GEOMETRY_SHADER, geom_name);
        fs = compile(gl, GL_FRAGMENT_SHADER, frag_name);
    } catch (...) {
        gl.DeleteShader(vs);
        if (gs) gl.DeleteShader(gs);
        throw;
    }
    GLuint prog = gl.CreateProgram();
    gl.AttachShader(prog, vs);
    if (gs) gl.AttachShader(prog, gs);
    gl.AttachShader(prog, fs);
    gl.LinkProgram(prog);
    gl.DeleteShader(vs);  // flagged; freed with the program
    if (gs) gl.DeleteShader(gs);
    gl.DeleteShader(fs);
    GLint ok = 0, len = 0;
    gl.GetProgramiv(prog, GL_LINK_STATUS, &ok);
    if (!ok) {
        gl.GetProgramiv(prog, GL_INFO_LOG_LENGTH, &len);
        std::string log(size_t(len > 0 ? len : 1), '\0');
        gl.GetProgramInfoLog(prog, len, nullptr, &log[0]);
        gl.DeleteProgram(prog);
        throw Error(std::string("shaders ") + vert_name + (geom_name ? std::string(" + ") + geom_name : "") + " + " +
                    frag_name + ": link failed: " + one_line(log));
    }
    return prog;
}

}  // namespace mmr
