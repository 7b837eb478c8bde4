// EGL without any window system: a hardware device if one exists, else Mesa's
// surfaceless platform (llvmpipe). No config, no surface: the renderer draws
// into its own framebuffer objects.
#include <EGL/egl.h>
#include <EGL/eglext.h>

#include <cstdio>
#include <cstring>
#include <mutex>

#include "gl_context.h"
#include "mmr/core/error.h"

namespace mmr {
namespace {

std::string egl_error(const char* what) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%s failed (EGL error 0x%04X)", what, eglGetError());
    return buf;
}

bool has_word(const char* list, const char* word) {
    if (!list) return false;
    size_t n = std::strlen(word);
    for (const char* p = list; (p = std::strstr(p, word)); p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) return true;
    return false;
}

// eglGetPlatformDisplay returns the same display for the same arguments, and
// eglTerminate would destroy the contexts of every renderer on it, so displays
// are terminated only when their last context goes away.
std::mutex g_mutex;
struct DisplayUse { EGLDisplay dpy; int count; };
DisplayUse g_uses[4];

void retain(EGLDisplay dpy) {
    std::lock_guard<std::mutex> lock(g_mutex);
    for (auto& u : g_uses)
        if (u.dpy == dpy) { ++u.count; return; }
    for (auto& u : g_uses)
        if (u.count == 0) { u = {dpy, 1}; return; }
}

void release(EGLDisplay dpy) {
    std::lock_guard<std::mutex> lock(g_mutex);
    for (auto& u : g_uses)
        if (u.dpy == dpy && u.count > 0 && --u.count == 0) { eglTerminate(dpy); u.dpy = nullptr; }
}

class EglContext : public GlContext {
public:
    EglContext(EGLDisplay dpy, EGLContext ctx, std::string platform)
        : dpy_(dpy), ctx_(ctx), platform_(std::move(platform)) {}
    ~EglContext() override {
        forget_current();
        if (eglGetCurrentContext() == ctx_)
            eglMakeCurrent(dpy_, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
        eglDestroyContext(dpy_, ctx_);
        release(dpy_);
    }
    GlProc get_proc(const char* name) const override {
        return reinterpret_cast<GlProc>(eglGetProcAddress(name));
    }
    std::string platform() const override { return platform_; }

protected:
    void bind() override {
        if (!eglMakeCurrent(dpy_, EGL_NO_SURFACE, EGL_NO_SURFACE, ctx_))
            throw Error(egl_error("eglMakeCurrent"));
    }

private:
    EGLDisplay dpy_;
    EGLContext ctx_;
    std::string platform_;
};

// Initialises `dpy` and makes a configless core context current on it.
std::unique_ptr<GlContext> context_on(EGLDisplay dpy, const std::string& platform) {
    if (dpy == EGL_NO_DISPLAY) throw Error(egl_error("eglGetPlatformDisplay"));
    EGLint major = 0, minor = 0;
    if (!eglInitialize(dpy, &major, &minor)) throw Error(egl_error("eglInitialize"));
    retain(dpy);
    EGLContext context = EGL_NO_CONTEXT;
    try {
        const char* ext = eglQueryString(dpy, EGL_EXTENSIONS);
        if (!has_word(ext, "EGL_KHR_no_config_context") && !has_word(ext, "EGL_MESA_configless_context"))
            throw Error("EGL display lacks EGL_KHR_no_config_context");
        if (!has_word(ext, "EGL_KHR_surfaceless_context"))
            throw Error("EGL display lacks EGL_KHR_surfaceless_context");
        if (!eglBindAPI(EGL_OPENGL_API)) throw Error(egl_error("eglBindAPI(OpenGL)"));
        // 4.5 core is what Mesa llvmpipe offers (4.6 fails); the shaders need only 3.3.
        EGLContext ctx = EGL_NO_CONTEXT;
        for (EGLint minor_gl : {5, 3}) {
            EGLint major_gl = minor_gl == 5 ? 4 : 3;
            const EGLint attribs[] = {EGL_CONTEXT_MAJOR_VERSION, major_gl,
                                      EGL_CONTEXT_MINOR_VERSION, minor_gl,
                                      EGL_CONTEXT_OPENGL_PROFILE_MASK,
                                      EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT, EGL_NONE};
            ctx = eglCreateContext(dpy, EGL_NO_CONFIG_KHR, EGL_NO_CONTEXT, attribs);
            if (ctx != EGL_NO_CONTEXT) break;
        }
        if (ctx == EGL_NO_CONTEXT) throw Error(egl_error("eglCreateContext(GL 4.5/3.3 core)"));
        context = ctx;
    } catch (...) {
        release(dpy);
        throw;
    }
    auto result = std::make_unique<EglContext>(dpy, context, platform);  // owns the retain now
    result->make_current();  // on failure result's destructor releases the display
    return result;
}

// A device that is not Mesa's software device (a real GPU), or nullptr.
EGLDeviceEXT hardware_device() {
    const char* client = eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
    if (!has_word(client, "EGL_EXT_device_enumeration") || !has_word(client, "EGL_EXT_platform_device"))
        return nullptr;
    auto query_devices = reinterpret_cast<PFNEGLQUERYDEVICESEXTPROC>(eglGetProcAddress("eglQueryDevicesEXT"));
    auto query_string = reinterpret_cast<PFNEGLQUERYDEVICESTRINGEXTPROC>(
        eglGetProcAddress("eglQueryDeviceStringEXT"));
    if (!query_devices || !query_string) return nullptr;
    EGLDeviceEXT devices[16];
    EGLint n = 0;
    if (!query_devices(16, devices, &n)) return nullptr;
    for (EGLint i = 0; i < n; ++i)
        if (!has_word(query_string(devices[i], EGL_EXTENSIONS), "EGL_MESA_device_software"))
            return devices[i];
    return nullptr;
}

}  // namespace

std::unique_ptr<GlContext> create_egl_context() {
    if (EGLDeviceEXT dev = hardware_device()) {
        try {
            return context_on(eglGetPlatformDisplay(EGL_PLATFORM_DEVICE_EXT, dev, nullptr), "EGL device");
        } catch (const Error&) {
            // A GPU that cannot give us a context: fall through to software.
        }
    }
    const char* client = eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
    if (!client) throw Error("no EGL client extensions (libEGL missing or too old)");
    if (!has_word(client, "EGL_MESA_platform_surfaceless"))
        throw Error("EGL lacks EGL_MESA_platform_surfaceless");
    return context_on(eglGetPlatformDisplay(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, nullptr),
                      "EGL surfaceless");
}

}  // namespace mmr
