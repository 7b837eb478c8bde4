// The GL entry points the renderer uses, loaded through the context's
// GetProcAddress (no libGL link: docs/dev/headless-gl.md pitfall 5). Call as gl.Clear(...).
#pragma once
#include <GL/glcorearb.h>

#include "gl_context.h"

namespace mmr {

// X(name without the "gl" prefix, upper-case form used in the PFN type).
#define MMR_GL_FUNCTIONS(X)                                                      \
    X(GetString, GETSTRING) X(GetIntegerv, GETINTEGERV) X(GetFloatv, GETFLOATV)  \
    X(GetError, GETERROR) X(Enable, ENABLE) X(Disable, DISABLE)                  \
    X(Viewport, VIEWPORT) X(ClearColor, CLEARCOLOR) X(ClearDepth, CLEARDEPTH)    \
    X(Clear, CLEAR) X(LineWidth, LINEWIDTH) X(ColorMask, COLORMASK) X(DepthMask, DEPTHMASK)              \
    X(DepthFunc, DEPTHFUNC) X(BlendFuncSeparate, BLENDFUNCSEPARATE)              \
    X(Finish, FINISH) X(ReadPixels, READPIXELS) X(PixelStorei, PIXELSTOREI)      \
    X(ReadBuffer, READBUFFER) X(DrawBuffer, DRAWBUFFER)  \
    X(GenFramebuffers, GENFRAMEBUFFERS) X(DeleteFramebuffers, DELETEFRAMEBUFFERS) \
    X(BindFramebuffer, BINDFRAMEBUFFER)                                          \
    X(FramebufferRenderbuffer, FRAMEBUFFERRENDERBUFFER)                          \
    X(CheckFramebufferStatus, CHECKFRAMEBUFFERSTATUS)                            \
    X(BlitFramebuffer, BLITFRAMEBUFFER) X(GenRenderbuffers, GENRENDERBUFFERS)    \
    X(DeleteRenderbuffers, DELETERENDERBUFFERS)                                  \
    X(BindRenderbuffer, BINDRENDERBUFFER)                                        \
    X(RenderbufferStorage, RENDERBUFFERSTORAGE)                                  \
    X(RenderbufferStorageMultisample, RENDERBUFFERSTORAGEMULTISAMPLE)            \
    X(GenVertexArrays, GENVERTEXARRAYS) X(DeleteVertexArrays, DELETEVERTEXARRAYS) \
    X(BindVertexArray, BINDVERTEXARRAY) X(GenBuffers, GENBUFFERS)                \
    X(DeleteBuffers, DELETEBUFFERS) X(BindBuffer, BINDBUFFER)                    \
    X(BufferData, BUFFERDATA) X(BufferSubData, BUFFERSUBDATA) X(MultiDrawArrays, MULTIDRAWARRAYS) \
    X(EnableVertexAttribArray, ENABLEVERTEXATTRIBARRAY) \
    X(VertexAttribPointer, VERTEXATTRIBPOINTER) X(DrawArrays, DRAWARRAYS)        \
    X(CreateShader, CREATESHADER) X(ShaderSource, SHADERSOURCE)                  \
    X(CompileShader, COMPILESHADER) X(GetShaderiv, GETSHADERIV)                  \
    X(GetShaderInfoLog, GETSHADERINFOLOG) X(DeleteShader, DELETESHADER)          \
    X(CreateProgram, CREATEPROGRAM) X(AttachShader, ATTACHSHADER)                \
    X(LinkProgram, LINKPROGRAM) X(GetProgramiv, GETPROGRAMIV)                    \
    X(GetProgramInfoLog, GETPROGRAMINFOLOG) X(DeleteProgram, DELETEPROGRAM)      \
    X(UseProgram, USEPROGRAM) X(GetUniformLocation, GETUNIFORMLOCATION)          \
    X(UniformMatrix4fv, UNIFORMMATRIX4FV) X(Uniform1f, UNIFORM1F)                \
    X(Uniform1i, UNIFORM1I) X(Uniform3fv, UNIFORM3FV) X(Uniform2f, UNIFORM2F)    \
    X(GenTextures, GENTEXTURES) X(DeleteTextures, DELETETEXTURES)                \
    X(BindTexture, BINDTEXTURE) X(TexImage2D, TEXIMAGE2D)                        \
    X(TexParameteri, TEXPARAMETERI) X(ActiveTexture, ACTIVETEXTURE)               \
    X(GenerateMipmap, GENERATEMIPMAP) X(StencilFunc, STENCILFUNC)                \
    X(StencilOp, STENCILOP) X(StencilMask, STENCILMASK) X(ClearStencil, CLEARSTENCIL) \
    X(Scissor, SCISSOR)

struct GlFunctions {
#define MMR_GL_MEMBER(name, upper) PFNGL##upper##PROC name = nullptr;
    MMR_GL_FUNCTIONS(MMR_GL_MEMBER)
#undef MMR_GL_MEMBER

    // Loads every entry point; throws mmr::Error naming the first missing one.
    void load(const GlContext& ctx);
};

}  // namespace mmr
