// A current OpenGL context, created by one of the headless platforms.
// Internal to src/gl: the renderer only needs "make current" and a proc loader,
// so EGL and OSMesa headers never meet (docs/dev/headless-gl.md pitfall 5).
#pragma once
#include <memory>
#include <string>

namespace mmr {

using GlProc = void (*)();

class GlContext {
public:
    virtual ~GlContext();
    // EGL and OSMesa share libglapi's per-thread dispatch, and neither knows
    // when the other took over, so "current" is tracked here per thread and a
    // renderer calls this before every frame (cheap when already current).
    void make_current();
    virtual GlProc get_proc(const char* name) const = 0;
    virtual std::string platform() const = 0;  // e.g. "EGL surfaceless"

protected:
    virtual void bind() = 0;  // platform make-current; throws mmr::Error
    // Derived destructors call this before releasing their context: whatever
    // the platform then unbinds, the next make_current() of any context rebinds.
    static void forget_current();
};

// Each throws mmr::Error with a short reason (no "where:" prefix) on failure.
std::unique_ptr<GlContext> create_egl_context();
std::unique_ptr<GlContext> create_osmesa_context();

}  // namespace mmr
