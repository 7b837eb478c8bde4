// OSMesa fallback, loaded at run time with dlopen: linking libOSMesa next to
// libEGL/libGL breaks GL dispatch (docs/dev/headless-gl.md pitfall 5), and a machine without
// libosmesa6 must still start. GL/osmesa.h stays in this file only.
#include <GL/osmesa.h>
#include <dlfcn.h>

#include <cstdlib>
#include <vector>

#include <mutex>
#include <string>

#include "gl_context.h"
#include "mmr/core/error.h"

namespace mmr {
namespace {

// Entry points taken from the library; decltype keeps the signatures exact
// without linking libOSMesa.
struct OSMesaApi {
    decltype(&OSMesaCreateContextAttribs) create = nullptr;
    decltype(&OSMesaDestroyContext) destroy = nullptr;
    decltype(&OSMesaMakeCurrent) make_current = nullptr;
    decltype(&OSMesaGetProcAddress) get_proc = nullptr;
};

// Loads libOSMesa once per process and never unloads it (Mesa and LLVM do
// not survive dlclose well). Throws mmr::Error with dlerror's text.
const OSMesaApi& api() {
    static std::once_flag once;
    static OSMesaApi table;
    static std::string failure;
    std::call_once(once, [] {
        void* lib = nullptr;
        // MMR_OSMESA_LIBRARY names the library for unusual installs (and lets
        // tests simulate a machine without OSMesa).
        const char* forced = std::getenv("MMR_OSMESA_LIBRARY");
        std::vector<const char*> names = {"libOSMesa.so.8", "libOSMesa.so.6", "libOSMesa.so"};
        if (forced && *forced) names = {forced};
        for (const char* name : names)
            if ((lib = dlopen(name, RTLD_NOW | RTLD_LOCAL))) break;
        if (!lib) {
            const char* err = dlerror();
            failure = std::string("cannot load ") + names.front() + " (" + (err ? err : "?") + ")";
            return;
        }
        table.create = reinterpret_cast<decltype(table.create)>(dlsym(lib, "OSMesaCreateContextAttribs"));
        table.destroy = reinterpret_cast<decltype(table.destroy)>(dlsym(lib, "OSMesaDestroyContext"));
        table.make_current = reinterpret_cast<decltype(table.make_current)>(dlsym(lib, "OSMesaMakeCurrent"));
        table.get_proc = reinterpret_cast<decltype(table.get_proc)>(dlsym(lib, "OSMesaGetProcAddress"));
        if (!table.create || !table.destroy || !table.make_current || !table.get_proc)
            failure = "libOSMesa lacks OSMesaCreateContextAttribs (too old)";
    });
    if (!failure.empty()) throw Error(failure);
    return table;
}

class OSMesaGlContext : public GlContext {
public:
    explicit OSMesaGlContext(OSMesaContext ctx) : ctx_(ctx) {}
    ~OSMesaGlContext() override {
        forget_current();
        api().destroy(ctx_);  // Mesa unbinds a current context it destroys
    }
    GlProc get_proc(const char* name) const override {
        return reinterpret_cast<GlProc>(api().get_proc(name));
    }
    std::string platform() const override { return "OSMesa"; }

protected:
    void bind() override {
        // OSMesa needs a client colour buffer to bind; we never draw into it
        // (frames go to our own FBOs), so one pixel is enough.
        if (!api().make_current(ctx_, pixel_, GL_UNSIGNED_BYTE, 1, 1))
            throw Error("OSMesaMakeCurrent failed");
    }

private:
    OSMesaContext ctx_;
    unsigned char pixel_[4] = {0, 0, 0, 0};
};

}  // namespace

std::unique_ptr<GlContext> create_osmesa_context() {
    const OSMesaApi& a = api();
    OSMesaContext ctx = nullptr;
    // 4.5 core is what llvmpipe offers through OSMesa (4.6 fails); 3.3 suffices.
    for (int minor : {5, 3}) {
        const int attribs[] = {OSMESA_FORMAT, OSMESA_RGBA,
                               OSMESA_DEPTH_BITS, 0,  // depth lives in our FBOs
                               OSMESA_PROFILE, OSMESA_CORE_PROFILE,
                               OSMESA_CONTEXT_MAJOR_VERSION, minor == 5 ? 4 : 3,
                               OSMESA_CONTEXT_MINOR_VERSION, minor,
                               0};
        if ((ctx = a.create(attribs, nullptr))) break;
    }
    if (!ctx) throw Error("OSMesaCreateContextAttribs(GL 4.5/3.3 core) failed");
    auto result = std::make_unique<OSMesaGlContext>(ctx);
    result->make_current();
    return result;
}

}  // namespace mmr
