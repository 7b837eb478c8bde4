#include "gl_context.h"

namespace mmr {
namespace {
thread_local GlContext* t_current = nullptr;
}

GlContext::~GlContext() = default;

void GlContext::make_current() {
    if (t_current == this) return;
    t_current = nullptr;  // if bind() throws, nothing is known to be current
    bind();
    t_current = this;
}

void GlContext::forget_current() { t_current = nullptr; }

}  // namespace mmr
