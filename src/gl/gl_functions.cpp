#include "gl_functions.h"

#include "mmr/core/error.h"

namespace mmr {

void GlFunctions::load(const GlContext& ctx) {
#define MMR_GL_LOAD(name, upper)                                                \
    name = reinterpret_cast<PFNGL##upper##PROC>(ctx.get_proc("gl" #name));      \
    if (!name) throw Error(ctx.platform() + " has no gl" #name);
    MMR_GL_FUNCTIONS(MMR_GL_LOAD)
#undef MMR_GL_LOAD
}

}  // namespace mmr
