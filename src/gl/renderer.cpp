// Draws a DrawList into an offscreen framebuffer and reads it back.
// Pass order and state follow docs/spec/mm-look.md: opaque points, lines and text with
// depth test/write, then translucent flow triangles (src-over, no depth
// write). Every GL object lives as long as the renderer so that animation
// frames only re-upload vertex data.
//
// Antialiasing (RenderOptions::aa): with MSAA, lines and text are drawn into a
// multisampled target (text through alpha-to-coverage) and resolved. Smooth
// mode gets a similar look without the multisampled target, which triples the
// frame time on llvmpipe: lines are expanded to screen-aligned quads with a
// coverage of the four standard sample positions (lines_aa.geom), text
// evaluates its distance field at those samples, flow vanes get soft edges
// (flow_aa.geom), and all of them are blended after the opaque sprites, in an
// order that keeps lines in front of the translucent vanes (draw_smooth).
// Sprites are drawn exactly as without antialiasing.
#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <map>

#include <glm/glm.hpp>
#include <glm/gtc/matrix_transform.hpp>
#include <glm/gtc/type_ptr.hpp>

#include "ball_sprite.h"
#include "gl_functions.h"
#include "gl_program.h"
#include "gl_renderer.h"
#include "mmr/core/error.h"
#include "mmr/draw/sprite_slots.h"

namespace mmr {
namespace {

enum Pass { kPoints, kLines, kText, kFlow, kPasses };

// Vertex layouts: {location, components, byte offset} per attribute.
struct Attrib { GLuint loc; GLint size; size_t offset; };
struct Layout { GLsizei stride; Attrib attribs[3]; int count; };

// A flow vertex in smooth mode: plus whether the triangle edge opposite it is
// soft (1) or shared with another vane and kept hard (0).
struct SoftTriVertex {
    TriVertex t;
    float soft;
};

const Layout kLayouts[kPasses] = {
    {sizeof(PointVertex), {{0, 3, offsetof(PointVertex, x)}, {1, 1, offsetof(PointVertex, size)},
                           {2, 3, offsetof(PointVertex, r)}}, 3},
    {sizeof(LineVertex), {{0, 3, offsetof(LineVertex, x)}, {1, 3, offsetof(LineVertex, r)}}, 2},
    {sizeof(TextVertex), {{0, 3, offsetof(TextVertex, x)}, {1, 2, offsetof(TextVertex, u)}}, 2},
    {sizeof(TriVertex), {{0, 3, offsetof(TriVertex, x)}, {1, 4, offsetof(TriVertex, r)}}, 2},
};
const Layout kSoftFlowLayout = {sizeof(SoftTriVertex),
                                {{0, 3, offsetof(TriVertex, x)}, {1, 4, offsetof(TriVertex, r)},
                                 {2, 1, offsetof(SoftTriVertex, soft)}}, 3};

struct Shaders { const char *vert, *frag, *geom; };
const Shaders kShaders[kPasses] = {
    {"points.vert.glsl", "points.frag.glsl", nullptr},
    {"lines.vert.glsl", "lines.frag.glsl", nullptr},
    {"text.vert.glsl", "text.frag.glsl", nullptr},
    {"flow.vert.glsl", "flow.frag.glsl", nullptr},
};
// Smooth antialiasing replaces these two.
const Shaders kSmoothLines = {"lines.vert.glsl", "lines_aa.frag.glsl", "lines_aa.geom.glsl"};
const Shaders kSmoothFlow = {"flow_aa.vert.glsl", "flow_aa.frag.glsl", "flow_aa.geom.glsl"};

// Text fragment modes (text.frag.glsl).
enum TextMode { kTextAlphaTest = 0, kTextCoverage = 1, kTextSamples = 2 };

// Marks each flow triangle edge soft unless another triangle has the same
// edge (the two vanes of an arrow share B-C): a soft edge on both sides would
// let the background show through the seam.
void soften_flow(const std::vector<TriVertex>& tris, std::vector<SoftTriVertex>& out) {
    using Key = std::array<float, 6>;
    auto key = [](const TriVertex& a, const TriVertex& b) {
        Key ka = {a.x, a.y, a.z, b.x, b.y, b.z}, kb = {b.x, b.y, b.z, a.x, a.y, a.z};
        return std::min(ka, kb);
    };
    const size_t n = tris.size() / 3 * 3;
    std::map<Key, int> edges;
    for (size_t t = 0; t < n; t += 3)
        for (int i = 0; i < 3; ++i) ++edges[key(tris[t + (i + 1) % 3], tris[t + (i + 2) % 3])];
    out.resize(n);
    for (size_t t = 0; t < n; t += 3)
        for (int i = 0; i < 3; ++i)
            out[t + i] = {tris[t + i], edges[key(tris[t + (i + 1) % 3], tris[t + (i + 2) % 3])] > 1 ? 0.0f : 1.0f};
}

class GlRenderer final : public Renderer {
public:
    GlRenderer(std::unique_ptr<GlContext> ctx, int width, int height, const RenderOptions& opts)
        : ctx_(std::move(ctx)), opts_(opts) {
        ctx_->make_current();
        gl_.load(*ctx_);
        description_ = ctx_->platform() + ", " + gl_string(GL_RENDERER) + ", OpenGL " + gl_string(GL_VERSION);
        GLint max_samples = 0;
        gl_.GetIntegerv(GL_MAX_SAMPLES, &max_samples);
        smooth_ = opts_.aa == Antialias::Smooth;
        samples_ = opts_.aa == Antialias::Msaa && opts_.msaa > 1 ? std::min(opts_.msaa, int(max_samples)) : 0;
        GLfloat range[2] = {1, 1};
        gl_.GetFloatv(GL_POINT_SIZE_RANGE, range);
        max_point_ = range[1];
        GLfloat lines[2] = {1, 1};
        gl_.GetFloatv(GL_ALIASED_LINE_WIDTH_RANGE, lines);
        max_line_ = lines[1];
        scale_ = opts_.scale > 0 ? opts_.scale : 1.0f;

        for (int p = 0; p < kPasses; ++p) {
            const Shaders& sh = !smooth_ ? kShaders[p] : p == kLines ? kSmoothLines : p == kFlow ? kSmoothFlow
                                                                                               : kShaders[p];
            programs_[p] = build_program(gl_, sh.vert, sh.frag, sh.geom);
        }
        gl_.GenVertexArrays(kPasses, vaos_);
        gl_.GenBuffers(kPasses, vbos_);
        for (int p = 0; p < kPasses; ++p) {
            gl_.BindVertexArray(vaos_[p]);
            gl_.BindBuffer(GL_ARRAY_BUFFER, vbos_[p]);
            const Layout& l = smooth_ && p == kFlow ? kSoftFlowLayout : kLayouts[p];
            for (int a = 0; a < l.count; ++a) {
                gl_.EnableVertexAttribArray(l.attribs[a].loc);
                gl_.VertexAttribPointer(l.attribs[a].loc, l.attribs[a].size, GL_FLOAT, GL_FALSE, l.stride,
                                        reinterpret_cast<const void*>(l.attribs[a].offset));
            }
        }
        gl_.BindVertexArray(0);
        gl_.GenTextures(1, &atlas_tex_);
        make_ball_texture();
        resize(width, height);
        check("renderer set-up");
    }

    ~GlRenderer() override {
        try {
            ctx_->make_current();
        } catch (const Error&) {
            return;  // the context goes away anyway, taking its objects along
        }
        free_targets();
        gl_.DeleteTextures(1, &atlas_tex_);
        gl_.DeleteTextures(1, &ball_tex_);
        gl_.DeleteBuffers(kPasses, vbos_);
        gl_.DeleteVertexArrays(kPasses, vaos_);
        for (GLuint p : programs_) gl_.DeleteProgram(p);
    }

    std::string description() const override { return description_; }

    using Renderer::render;
    void render(const DrawList& list, Image& out) override {
        ctx_->make_current();
        if (list.width != width_ || list.height != height_) resize(list.width, list.height);
        // A background with alpha < 1 (transparent): the frame accumulates
        // premultiplied colour and alpha over it (every blend below is
        // src-alpha / one-minus-src-alpha on colour and one / one-minus-src-alpha
        // on alpha, which is premultiplied "over"), and read_back turns it into
        // straight alpha. Opaque frames keep alpha at 1 as before.
        alpha_ = list.background_alpha < 1;

        const CameraView& cam = list.camera;
        glm::mat4 view = glm::lookAt(glm::make_vec3(cam.position), glm::make_vec3(cam.target),
                                     glm::make_vec3(cam.up));
        glm::mat4 proj = glm::perspective(glm::radians(cam.fov_y_deg), float(width_) / float(height_),
                                          cam.near_plane, cam.far_plane);
        glm::mat4 mvp = proj * view;

        // Sprites: the list's points, or its slots (video frames), with or
        // without a static layer (multisampled targets are drawn in full).
        const bool layered = list.slots && list.layer && !samples_;
        if (list.slots) sync_slots(*list.slots);
        if (layered) {
            prepare_layer(list, view, proj);
            start_from_layer();
        } else {
            begin_target(samples_ ? fbo_ms_ : fbo_, list);
        }
        set_draw_state();

        if (list.slots) {
            const SpriteSlots& sl = *list.slots;
            runs_.clear();
            if (layered) {  // only what the layer lacks, in draw order
                for (const SlotRun& r : sl.drawn) slot_runs::split(r, list.layer->dynamic, true, runs_);
            } else {
                runs_ = sl.drawn;
            }
            if (!runs_.empty()) {
                bind_points(view, proj);
                draw_runs(runs_);
            }
        } else if (upload(kPoints, list.points)) {
            slots_size_ = 0;  // the slot buffer is overwritten: the next slots frame uploads all
            bind_points(view, proj);
            gl_.DrawArrays(GL_POINTS, 0, GLsizei(list.points.size()));
        }
        if (smooth_)
            draw_smooth(list, mvp);
        else
            draw_classic(list, mvp);
        gl_.BindVertexArray(0);
        read_back(out);
    }

private:
    // Binds a target, sets the viewport and clears colour, depth (and stencil).
    void begin_target(GLuint fbo, const DrawList& list) {
        gl_.BindFramebuffer(GL_FRAMEBUFFER, fbo);
        gl_.Viewport(0, 0, width_, height_);
        gl_.Disable(GL_SCISSOR_TEST);  // (clears obey it)
        gl_.ColorMask(GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
        gl_.DepthMask(GL_TRUE);
        const float bga = alpha_ ? std::max(0.0f, list.background_alpha) : 1.0f;
        gl_.ClearColor(list.background[0] * bga, list.background[1] * bga, list.background[2] * bga, bga);
        gl_.ClearDepth(1.0);
        if (smooth_) {  // its stencil buffer, cleared with depth: cheaper than alone
            gl_.ClearStencil(0);
            gl_.StencilMask(0xFF);
            gl_.Clear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT | GL_STENCIL_BUFFER_BIT);
        } else {
            gl_.Clear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
        }
        // Alpha stays 1 from the clear: the frame is opaque whatever the
        // passes output as alpha (text coverage, flow translucency).
        gl_.ColorMask(GL_TRUE, GL_TRUE, GL_TRUE, alpha_ ? GL_TRUE : GL_FALSE);
    }

    void set_draw_state() {
        // three.js' default depth function is less-or-equal; ties matter
        // because row guides run through sprite centres at the same depth.
        gl_.Enable(GL_DEPTH_TEST);
        gl_.DepthFunc(GL_LEQUAL);
        gl_.Disable(GL_BLEND);
        gl_.Disable(GL_CULL_FACE);  // everything is double-sided
        if (samples_) gl_.Enable(GL_MULTISAMPLE);
    }

    // The sprite program with its uniforms; the caller draws.
    void bind_points(const glm::mat4& view, const glm::mat4& proj) {
        gl_.Enable(GL_PROGRAM_POINT_SIZE);  // else gl_PointSize is ignored (docs/dev/headless-gl.md pitfall 2)
        use(kPoints);
        gl_.ActiveTexture(GL_TEXTURE0);
        gl_.BindTexture(GL_TEXTURE_2D, ball_tex_);
        gl_.Uniform1i(uniform(kPoints, "u_ball"), 0);
        gl_.UniformMatrix4fv(uniform(kPoints, "u_view"), 1, GL_FALSE, glm::value_ptr(view));
        gl_.UniformMatrix4fv(uniform(kPoints, "u_proj"), 1, GL_FALSE, glm::value_ptr(proj));
        gl_.Uniform1f(uniform(kPoints, "u_max_point"), max_point_);
        gl_.Uniform1f(uniform(kPoints, "u_min_point"), std::min(max_point_, scale_));
    }

    // Slot runs of the sprite buffer (sync_slots), in the given order.
    void draw_runs(const std::vector<SlotRun>& runs) {
        firsts_.clear();
        counts_.clear();
        for (const SlotRun& r : runs) {
            firsts_.push_back(GLint(r.begin));
            counts_.push_back(GLsizei(r.size()));
        }
        gl_.MultiDrawArrays(GL_POINTS, firsts_.data(), counts_.data(), GLsizei(runs.size()));
    }

    // Keeps the sprite buffer equal to the slots: uploads what changed since
    // the previous frame's update, or everything.
    void sync_slots(const SpriteSlots& sl) {
        gl_.BindBuffer(GL_ARRAY_BUFFER, vbos_[kPoints]);
        const size_t bytes = sl.v.size() * sizeof(PointVertex);
        const bool whole = sl.all_changed || sl.v.size() != slots_size_ || sl.generation != slots_generation_ + 1;
        if (whole) {
            gl_.BufferData(GL_ARRAY_BUFFER, GLsizeiptr(bytes), sl.v.data(), GL_DYNAMIC_DRAW);
        } else {
            for (const SlotRun& r : sl.changed)
                gl_.BufferSubData(GL_ARRAY_BUFFER, GLintptr(size_t(r.begin) * sizeof(PointVertex)),
                                  GLsizeiptr(size_t(r.size()) * sizeof(PointVertex)), sl.v.data() + r.begin);
        }
        slots_size_ = sl.v.size();
        slots_generation_ = sl.generation;
    }

    // Renders the static layer if this frame's plan, camera or page differ from
    // the layer's: the drawn slots outside the plan's dynamic set.
    void prepare_layer(const DrawList& list, const glm::mat4& view, const glm::mat4& proj) {
        LayerKey key;
        std::memset(&key, 0, sizeof key);  // padding too: keys are compared bytewise
        key.id = list.layer->id;
        std::memcpy(&key.camera, &list.camera, sizeof key.camera);
        std::memcpy(key.background, list.background, sizeof key.background);
        key.background_alpha = list.background_alpha;
        key.width = width_, key.height = height_;
        if (layer_fbo_ && std::memcmp(&key, &layer_key_, sizeof key) == 0) return;
        if (!layer_fbo_) make_target(0, layer_fbo_, layer_rbs_);
        begin_target(layer_fbo_, list);
        set_draw_state();
        runs_.clear();
        for (const SlotRun& r : list.slots->drawn) slot_runs::split(r, list.layer->dynamic, false, runs_);
        if (!runs_.empty()) {
            bind_points(view, proj);
            draw_runs(runs_);
        }
        std::memcpy(&layer_key_, &key, sizeof key);
    }

    // The frame starts as a copy of the layer: colour, depth (and stencil).
    void start_from_layer() {
        gl_.Disable(GL_SCISSOR_TEST);
        gl_.ColorMask(GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
        gl_.DepthMask(GL_TRUE);
        gl_.StencilMask(0xFF);
        gl_.BindFramebuffer(GL_READ_FRAMEBUFFER, layer_fbo_);
        gl_.BindFramebuffer(GL_DRAW_FRAMEBUFFER, fbo_);
        GLbitfield bits = GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT;
        if (smooth_) bits |= GL_STENCIL_BUFFER_BIT;
        gl_.BlitFramebuffer(0, 0, width_, height_, 0, 0, width_, height_, bits, GL_NEAREST);
        gl_.BindFramebuffer(GL_FRAMEBUFFER, fbo_);
        gl_.Viewport(0, 0, width_, height_);
        gl_.ColorMask(GL_TRUE, GL_TRUE, GL_TRUE, alpha_ ? GL_TRUE : GL_FALSE);
    }

    std::string gl_string(GLenum name) {
        const GLubyte* s = gl_.GetString(name);
        return s ? reinterpret_cast<const char*>(s) : "?";
    }

    void check(const char* what) {
        GLenum e = gl_.GetError();
        if (e != GL_NO_ERROR) {
            char buf[128];
            std::snprintf(buf, sizeof buf, "OpenGL error 0x%04X in %s (%s)", e, what, ctx_->platform().c_str());
            throw Error(buf);
        }
    }

    // Lines, text and flow guides without MSAA or with it (docs/spec/mm-look.md: lines
    // and text opaque and depth-writing, flow blended last).
    void draw_classic(const DrawList& list, const glm::mat4& mvp) {
        if (upload(kLines, list.lines)) {
            use(kLines);
            gl_.UniformMatrix4fv(uniform(kLines, "u_mvp"), 1, GL_FALSE, glm::value_ptr(mvp));
            if (scale_ != 1.0f) gl_.LineWidth(std::min(scale_, max_line_));  // wide lines: Mesa's core profile has them
            gl_.DrawArrays(GL_LINES, 0, GLsizei(list.lines.size() / 2 * 2));
            if (scale_ != 1.0f) gl_.LineWidth(1.0f);
        }
        if (list.atlas && upload(kText, list.text)) {
            upload_atlas(*list.atlas);
            bind_text(list, mvp);
            gl_.Uniform1i(uniform(kText, "u_mode"), samples_ ? kTextCoverage : kTextAlphaTest);
            if (samples_) gl_.Enable(GL_SAMPLE_ALPHA_TO_COVERAGE);
            // Text covers its samples opaquely: with an alpha channel, the
            // coverage must not also become the written alpha.
            if (samples_ && alpha_) gl_.Enable(GL_SAMPLE_ALPHA_TO_ONE);
            gl_.DrawArrays(GL_TRIANGLES, 0, GLsizei(list.text.size() / 3 * 3));
            gl_.Disable(GL_SAMPLE_ALPHA_TO_COVERAGE);
            gl_.Disable(GL_SAMPLE_ALPHA_TO_ONE);
        }
        if (upload(kFlow, list.flow)) {
            use(kFlow);
            gl_.UniformMatrix4fv(uniform(kFlow, "u_mvp"), 1, GL_FALSE, glm::value_ptr(mvp));
            gl_.Enable(GL_BLEND);
            gl_.BlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
            gl_.DepthMask(GL_FALSE);
            gl_.DrawArrays(GL_TRIANGLES, 0, GLsizei(list.flow.size() / 3 * 3));
            gl_.DepthMask(GL_TRUE);
            gl_.Disable(GL_BLEND);
        }
    }

    // Smooth antialiasing: every pass computes its 4-sample coverage and is
    // blended with depth test, without depth writes, after the opaque
    // sprites:
    //   1. lines, then text;
    //   2. flow vanes (what is behind them shows through, as with MSAA);
    //   3. the vanes again, depth and stencil only, where they cover the whole
    //      pixel;
    //   4. lines and text again, only there and strictly in front of the vane:
    //      a line in front of a vane shows, as with MSAA (the vane had been
    //      blended over it in 2).
    // Without MSAA's per-sample depth, a line partly covering a pixel in front
    // of a vane comes out a little brighter there (blended twice, about 4 %
    // of the line's colour with mm's vane alpha of 0.75), and at the vanes'
    // antialiased edges a line in front is dimmed by the vane's partial
    // coverage.
    void draw_smooth(const DrawList& list, const glm::mat4& mvp) {
        const float viewport[2] = {float(width_), float(height_)};
        gl_.DepthMask(GL_FALSE);
        gl_.Enable(GL_BLEND);
        gl_.BlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
        const bool lines = upload(kLines, list.lines), text = list.atlas && upload(kText, list.text);
        if (text) upload_atlas(*list.atlas);
        auto draw_lines_and_text = [&] {
            if (lines) {
                use(kLines);
                gl_.UniformMatrix4fv(uniform(kLines, "u_mvp"), 1, GL_FALSE, glm::value_ptr(mvp));
                gl_.Uniform2f(uniform(kLines, "u_viewport"), viewport[0], viewport[1]);
                // A 1-pixel line times --scale; the quad reaches 0.4 px past it
                // for the outermost samples (0.9 px at scale 1, as always).
                gl_.Uniform1f(uniform(kLines, "u_half_width"), 0.5f * scale_);
                gl_.Uniform1f(uniform(kLines, "u_reach"), scale_ == 1.0f ? 0.9f : 0.5f * scale_ + 0.4f);
                gl_.DrawArrays(GL_LINES, 0, GLsizei(list.lines.size() / 2 * 2));
            }
            if (text) {
                bind_text(list, mvp);
                gl_.Uniform1i(uniform(kText, "u_mode"), kTextSamples);
                gl_.DrawArrays(GL_TRIANGLES, 0, GLsizei(list.text.size() / 3 * 3));
            }
        };
        draw_lines_and_text();
        soften_flow(list.flow, soft_flow_);
        if (upload(kFlow, soft_flow_)) {
            use(kFlow);
            gl_.UniformMatrix4fv(uniform(kFlow, "u_mvp"), 1, GL_FALSE, glm::value_ptr(mvp));
            gl_.Uniform2f(uniform(kFlow, "u_viewport"), viewport[0], viewport[1]);
            const GLsizei n = GLsizei(soft_flow_.size());
            const GLint full_only = uniform(kFlow, "u_full_only");
            gl_.Uniform1i(full_only, 0);
            gl_.DrawArrays(GL_TRIANGLES, 0, n);
            if (lines || text) {
                gl_.Enable(GL_STENCIL_TEST);
                gl_.StencilFunc(GL_ALWAYS, 1, 0xFF);
                gl_.StencilOp(GL_KEEP, GL_KEEP, GL_REPLACE);
                gl_.ColorMask(GL_FALSE, GL_FALSE, GL_FALSE, GL_FALSE);
                gl_.DepthMask(GL_TRUE);
                gl_.Uniform1i(full_only, 1);
                gl_.DrawArrays(GL_TRIANGLES, 0, n);
                gl_.DepthMask(GL_FALSE);
                gl_.ColorMask(GL_TRUE, GL_TRUE, GL_TRUE, alpha_ ? GL_TRUE : GL_FALSE);
                gl_.StencilFunc(GL_EQUAL, 1, 0xFF);
                gl_.StencilOp(GL_KEEP, GL_KEEP, GL_KEEP);
                gl_.DepthFunc(GL_LESS);
                // Only within the vanes' bounding boxes on screen: llvmpipe
                // then bins and shades far fewer fragments.
                gl_.Enable(GL_SCISSOR_TEST);
                for (const Rect& r : flow_rects(mvp, list.flow)) {
                    gl_.Scissor(r.x0, r.y0, r.x1 - r.x0, r.y1 - r.y0);
                    draw_lines_and_text();
                }
                gl_.Disable(GL_SCISSOR_TEST);
                gl_.DepthFunc(GL_LEQUAL);
                gl_.Disable(GL_STENCIL_TEST);
            }
        }
        gl_.Disable(GL_BLEND);
        gl_.DepthMask(GL_TRUE);
    }

    // Screen rectangles (pixels, GL window coordinates) covering the
    // triangles with a margin for their antialiased edges: one per triangle,
    // overlapping ones merged (the two vanes of an arrow become one); the
    // whole frame when a triangle reaches behind the eye.
    struct Rect { int x0, y0, x1, y1; };
    std::vector<Rect> flow_rects(const glm::mat4& mvp, const std::vector<TriVertex>& tris) const {
        std::vector<Rect> rects;
        const float m = 4;  // pixels
        for (size_t t = 0; t + 3 <= tris.size(); t += 3) {
            float x0 = 1e30f, y0 = 1e30f, x1 = -1e30f, y1 = -1e30f;
            for (size_t i = t; i < t + 3; ++i) {
                glm::vec4 c = mvp * glm::vec4(tris[i].x, tris[i].y, tris[i].z, 1.0f);
                if (!(c.w > 1e-6f)) return {{0, 0, width_, height_}};
                float x = (c.x / c.w * 0.5f + 0.5f) * float(width_), y = (c.y / c.w * 0.5f + 0.5f) * float(height_);
                x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
            }
            auto clampi = [](float v, int hi) { return int(std::clamp(v, 0.0f, float(hi))); };
            Rect r{clampi(std::floor(x0 - m), width_), clampi(std::floor(y0 - m), height_),
                   clampi(std::ceil(x1 + m), width_), clampi(std::ceil(y1 + m), height_)};
            if (r.x1 > r.x0 && r.y1 > r.y0) rects.push_back(r);
        }
        for (bool merged = true; merged;) {  // a handful of rectangles: quadratic is fine
            merged = false;
            for (size_t i = 0; i < rects.size() && !merged; ++i)
                for (size_t j = i + 1; j < rects.size() && !merged; ++j) {
                    Rect& a = rects[i];
                    const Rect& b = rects[j];
                    if (a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1) {
                        a = {std::min(a.x0, b.x0), std::min(a.y0, b.y0), std::max(a.x1, b.x1), std::max(a.y1, b.y1)};
                        rects.erase(rects.begin() + long(j));
                        merged = true;
                    }
                }
        }
        return rects;
    }

    // Binds the text program (vertices and atlas uploaded) and its uniforms.
    void bind_text(const DrawList& list, const glm::mat4& mvp) {
        use(kText);
        gl_.ActiveTexture(GL_TEXTURE0);
        gl_.BindTexture(GL_TEXTURE_2D, atlas_tex_);
        gl_.UniformMatrix4fv(uniform(kText, "u_mvp"), 1, GL_FALSE, glm::value_ptr(mvp));
        gl_.Uniform1i(uniform(kText, "u_atlas"), 0);
        gl_.Uniform3fv(uniform(kText, "u_rgb"), 1, list.text_rgb);
    }

    void use(Pass p) {
        gl_.UseProgram(programs_[p]);
        gl_.BindVertexArray(vaos_[p]);
    }

    GLint uniform(Pass p, const char* name) { return gl_.GetUniformLocation(programs_[p], name); }

    // Uploads this frame's vertices of a pass; false if there are none.
    template <class V>
    bool upload(Pass p, const std::vector<V>& verts) {
        if (verts.empty()) return false;
        gl_.BindBuffer(GL_ARRAY_BUFFER, vbos_[p]);
        gl_.BufferData(GL_ARRAY_BUFFER, GLsizeiptr(verts.size() * sizeof(V)), verts.data(), GL_STREAM_DRAW);
        return true;
    }

    // mm samples ball.png with three.js defaults: mipmaps, trilinear
    // filtering, clamped edges.
    void make_ball_texture() {
        std::vector<uint8_t> texels = make_ball_sprite();
        gl_.GenTextures(1, &ball_tex_);
        gl_.BindTexture(GL_TEXTURE_2D, ball_tex_);
        gl_.PixelStorei(GL_UNPACK_ALIGNMENT, 4);
        gl_.TexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, kBallSpriteSize, kBallSpriteSize, 0, GL_RGBA,
                       GL_UNSIGNED_BYTE, texels.data());
        gl_.GenerateMipmap(GL_TEXTURE_2D);
        gl_.TexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR_MIPMAP_LINEAR);
        gl_.TexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
        gl_.TexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
        gl_.TexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    }

    // The atlas rarely changes: upload only when its contents differ from the
    // last upload (a memcmp of ~1 MB is far cheaper than a texture upload).
    void upload_atlas(const GlyphAtlas& atlas) {
        if (atlas.width == atlas_w_ && atlas.height == atlas_h_ && atlas.pixels == atlas_copy_) return;
        if (atlas.pixels.size() != size_t(atlas.width) * atlas.height)
            throw Error("glyph atlas: pixel count does not match its size");
        gl_.BindTexture(GL_TEXTURE_2D, atlas_tex_);
        gl_.PixelStorei(GL_UNPACK_ALIGNMENT, 1);
        gl_.TexImage2D(GL_TEXTURE_2D, 0, GL_R8, atlas.width, atlas.height, 0, GL_RED, GL_UNSIGNED_BYTE,
                       atlas.pixels.data());
        gl_.TexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
        gl_.TexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
        gl_.TexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
        gl_.TexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
        atlas_w_ = atlas.width;
        atlas_h_ = atlas.height;
        atlas_copy_ = atlas.pixels;
    }

    // Colour+depth renderbuffers: a multisampled set drawn into (if MSAA) and
    // a single-sampled set that is resolved into and read back.
    void resize(int width, int height) {
        if (width <= 0 || height <= 0) throw Error("render size must be positive");
        GLint max_size = 0;
        gl_.GetIntegerv(GL_MAX_RENDERBUFFER_SIZE, &max_size);
        if (width > max_size || height > max_size)
            throw Error("render size " + std::to_string(width) + "x" + std::to_string(height) +
                        " exceeds the OpenGL limit of " + std::to_string(max_size));
        free_targets();
        width_ = width;
        height_ = height;
        make_target(0, fbo_, rbs_);
        if (samples_) make_target(samples_, fbo_ms_, rbs_ms_);
        check("framebuffer set-up");
    }

    void make_target(int samples, GLuint& fbo, GLuint (&rbs)[2]) {
        gl_.GenFramebuffers(1, &fbo);
        gl_.GenRenderbuffers(2, rbs);
        gl_.BindFramebuffer(GL_FRAMEBUFFER, fbo);
        // Smooth antialiasing marks the flow vanes in a stencil buffer.
        const GLenum formats[2] = {GL_RGBA8, smooth_ ? GLenum(GL_DEPTH24_STENCIL8) : GLenum(GL_DEPTH_COMPONENT24)};
        const GLenum points[2] = {GL_COLOR_ATTACHMENT0,
                                  smooth_ ? GLenum(GL_DEPTH_STENCIL_ATTACHMENT) : GLenum(GL_DEPTH_ATTACHMENT)};
        for (int i = 0; i < 2; ++i) {
            gl_.BindRenderbuffer(GL_RENDERBUFFER, rbs[i]);
            if (samples)
                gl_.RenderbufferStorageMultisample(GL_RENDERBUFFER, samples, formats[i], width_, height_);
            else
                gl_.RenderbufferStorage(GL_RENDERBUFFER, formats[i], width_, height_);
            gl_.FramebufferRenderbuffer(GL_FRAMEBUFFER, points[i], GL_RENDERBUFFER, rbs[i]);
        }
        GLenum status = gl_.CheckFramebufferStatus(GL_FRAMEBUFFER);
        if (status != GL_FRAMEBUFFER_COMPLETE) {
            char buf[96];
            std::snprintf(buf, sizeof buf, "offscreen framebuffer incomplete (0x%04X, %d samples)", status, samples);
            throw Error(buf);
        }
    }

    void free_targets() {
        gl_.BindFramebuffer(GL_FRAMEBUFFER, 0);
        for (GLuint* fbo : {&fbo_, &fbo_ms_, &layer_fbo_})
            if (*fbo) gl_.DeleteFramebuffers(1, fbo), *fbo = 0;
        for (GLuint* rbs : {rbs_, rbs_ms_, layer_rbs_})
            if (rbs[0]) gl_.DeleteRenderbuffers(2, rbs), rbs[0] = rbs[1] = 0;
        std::memset(&layer_key_, 0, sizeof layer_key_);
    }

    // Resolves MSAA, reads RGBA8 into a scratch buffer and copies its rows into
    // `out` bottom-up (GL's first row is the bottom): one pass over the frame,
    // and no allocation once the buffers have their size.
    void read_back(Image& out) {
        if (samples_) {
            gl_.BindFramebuffer(GL_READ_FRAMEBUFFER, fbo_ms_);
            gl_.BindFramebuffer(GL_DRAW_FRAMEBUFFER, fbo_);
            gl_.BlitFramebuffer(0, 0, width_, height_, 0, 0, width_, height_, GL_COLOR_BUFFER_BIT, GL_NEAREST);
        }
        gl_.BindFramebuffer(GL_READ_FRAMEBUFFER, fbo_);
        gl_.PixelStorei(GL_PACK_ALIGNMENT, 1);
        const size_t row = size_t(width_) * 4, bytes = row * size_t(height_);
        if (readback_.size() != bytes) readback_.resize(bytes);
        gl_.ReadPixels(0, 0, width_, height_, GL_RGBA, GL_UNSIGNED_BYTE, readback_.data());
        check("render");
        out.width = width_;
        out.height = height_;
        if (out.rgba.size() != bytes) out.rgba.resize(bytes);
        for (int y = 0; y < height_; ++y)
            std::memcpy(out.rgba.data() + size_t(y) * row, readback_.data() + size_t(height_ - 1 - y) * row, row);
        if (alpha_) unpremultiply(out);
    }

    // Premultiplied -> straight alpha (what PNG stores): rgb / a, rounded.
    // Fully transparent pixels become (0, 0, 0, 0).
    static void unpremultiply(Image& img) {
        uint8_t* p = img.rgba.data();
        for (size_t i = 0, n = img.rgba.size(); i < n; i += 4) {
            const unsigned a = p[i + 3];
            if (a == 255) continue;
            for (int c = 0; c < 3; ++c)
                p[i + c] = a == 0 ? 0 : uint8_t(std::min(255u, (p[i + c] * 255u + a / 2) / a));
        }
    }

    std::unique_ptr<GlContext> ctx_;
    RenderOptions opts_;
    bool alpha_ = false;  // this frame has an alpha channel (background_alpha < 1)
    GlFunctions gl_;
    std::string description_;
    int samples_ = 0;
    bool smooth_ = false;
    std::vector<SoftTriVertex> soft_flow_;
    float max_point_ = 1, max_line_ = 1;
    float scale_ = 1;  // RenderOptions::scale
    int width_ = 0, height_ = 0;
    GLuint programs_[kPasses] = {};
    GLuint vaos_[kPasses] = {}, vbos_[kPasses] = {};
    GLuint fbo_ = 0, fbo_ms_ = 0;
    GLuint rbs_[2] = {}, rbs_ms_[2] = {};
    GLuint atlas_tex_ = 0, ball_tex_ = 0;
    int atlas_w_ = -1, atlas_h_ = -1;
    std::vector<uint8_t> atlas_copy_;
    std::vector<uint8_t> readback_;  // GL's bottom-up rows
    // Sprite slots in vbos_[kPoints] and the static layer (DrawList::slots, ::layer).
    size_t slots_size_ = 0;
    uint64_t slots_generation_ = 0;
    std::vector<SlotRun> runs_;
    std::vector<GLint> firsts_;
    std::vector<GLsizei> counts_;
    struct LayerKey {  // what the layer was drawn for; compared bytewise
        uint64_t id;
        float camera[sizeof(CameraView) / sizeof(float)];
        float background[3];
        float background_alpha;
        int width, height;
    };
    GLuint layer_fbo_ = 0;
    GLuint layer_rbs_[2] = {};
    LayerKey layer_key_ = {};
};

}  // namespace

std::unique_ptr<Renderer> make_gl_renderer(std::unique_ptr<GlContext> ctx, int width, int height,
                                           const RenderOptions& opts) {
    return std::make_unique<GlRenderer>(std::move(ctx), width, height, opts);
}

}  // namespace mmr
