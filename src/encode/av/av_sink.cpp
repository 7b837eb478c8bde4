#include "av_sink.h"

extern "C" {
#include <libavutil/log.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>

#include "mmr/core/error.h"
#include "mmr/core/interrupt.h"
#include "../sinks.h"

namespace mmr::encode_detail {
namespace {

// The last error line libav logged (from any thread: x264 logs from its own).
std::mutex g_log_mutex;
std::string g_last_error;

void on_av_log(void* avcl, int level, const char* fmt, va_list args) {
    if (level > AV_LOG_ERROR) return;  // x264's settings, muxer notes: not for the user
    char line[512];
    int print_prefix = 0;  // the default prefix holds a pointer: messages would not be reproducible
    va_list copy;
    va_copy(copy, args);
    av_log_format_line2(avcl, level, fmt, copy, line, sizeof line, &print_prefix);
    va_end(copy);
    std::string text = line;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
    const AVClass* cls = avcl ? *static_cast<const AVClass* const*>(avcl) : nullptr;
    if (cls && cls->item_name) text = std::string(cls->item_name(avcl)) + ": " + text;
    std::lock_guard<std::mutex> lock(g_log_mutex);
    g_last_error = text;
}

void install_log() {
    static std::once_flag once;
    std::call_once(once, [] { av_log_set_callback(on_av_log); });
}

void clear_last_error() {
    std::lock_guard<std::mutex> lock(g_log_mutex);
    g_last_error.clear();
}

// Frees an AVDictionary on every path out of open().
struct Dict {
    AVDictionary* d = nullptr;
    ~Dict() { av_dict_free(&d); }
};

}  // namespace

void quiet_av_log() {
    install_log();
    clear_last_error();
}

std::string av_error_text(int err) {
    char buf[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(err, buf, sizeof buf);
    std::string s = buf;
    std::lock_guard<std::mutex> lock(g_log_mutex);
    if (!g_last_error.empty()) s += "; " + g_last_error;
    g_last_error.clear();
    return s;
}

AvFileSink::AvFileSink(const std::string& path, const VideoOptions& opts, std::unique_ptr<AvFormatSpec> spec)
    : path_(path), opts_(opts), spec_(std::move(spec)) {
    install_log();
    clear_last_error();
    {
        interrupt::Hold hold;  // registered as soon as it exists (mmr/core/interrupt.h)
        tmp_ = create_temp_file(path_, spec_->extension());
        tmp_registered_ = interrupt::TempRegistration(tmp_);
    }
    try {
        open();
    } catch (...) {
        release();
        std::remove(tmp_.c_str());
        tmp_registered_.reset();
        done_ = true;
        throw;
    }
    worker_ = std::make_unique<FrameWorker>([this](const Image& f) { encode(f); });
}

AvFileSink::~AvFileSink() {
    if (!done_) abort();
}

void AvFileSink::fail_av(const std::string& what, int err) const {
    throw Error(path_ + ": " + what + " (" + av_error_text(err) + ")");
}

void AvFileSink::open() {
    const AVCodec* codec = spec_->find_encoder(&note_);
    // "file:" so that a name with a colon is never taken for a protocol. The mp4
    // muxer reopens this URL to move the index to the front (+faststart).
    std::string url = "file:" + tmp_;
    int err = avformat_alloc_output_context2(&fmt_, nullptr, spec_->muxer(), url.c_str());
    if (err < 0) fail_av(std::string("cannot create the ") + spec_->muxer() + " muxer", err);
    if (opts_.bitexact) fmt_->flags |= AVFMT_FLAG_BITEXACT;  // no "Lavf" version string

    ctx_ = avcodec_alloc_context3(codec);
    if (!ctx_) fail_av("cannot allocate the encoder", AVERROR(ENOMEM));
    ctx_->width = opts_.width;
    ctx_->height = opts_.height;
    // 1/fps as a rational: 30 -> 1/30, 23.976 -> 125/2997. Frame i has pts i.
    AVRational rate = av_d2q(opts_.fps, 100000);
    ctx_->framerate = rate;
    ctx_->time_base = av_inv_q(rate);
    ctx_->sample_aspect_ratio = AVRational{1, 1};
    if (opts_.bitexact) ctx_->flags |= AV_CODEC_FLAG_BITEXACT;
    if (fmt_->oformat->flags & AVFMT_GLOBALHEADER) ctx_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    Dict mux_options;
    spec_->configure(ctx_, &mux_options.d);
    err = avcodec_open2(ctx_, codec, nullptr);
    if (err < 0) fail_av(std::string("cannot open the ") + codec->name + " encoder", err);

    stream_ = avformat_new_stream(fmt_, nullptr);
    if (!stream_) fail_av("cannot add a stream", AVERROR(ENOMEM));
    err = avcodec_parameters_from_context(stream_->codecpar, ctx_);
    if (err < 0) fail_av("cannot set the stream parameters", err);
    stream_->time_base = ctx_->time_base;  // a hint; the muxer may choose another
    stream_->avg_frame_rate = rate;
    err = avio_open(&fmt_->pb, url.c_str(), AVIO_FLAG_WRITE);
    if (err < 0) fail_av("cannot write", err);
    err = avformat_write_header(fmt_, &mux_options.d);
    if (err < 0) fail_av("cannot write the header", err);

    frame_ = av_frame_alloc();
    packet_ = av_packet_alloc();
    if (!frame_ || !packet_) fail_av("cannot allocate a frame", AVERROR(ENOMEM));
    frame_->format = ctx_->pix_fmt;
    frame_->width = ctx_->width;
    frame_->height = ctx_->height;
    err = av_frame_get_buffer(frame_, 0);
    if (err < 0) fail_av("cannot allocate a frame", err);
}

void AvFileSink::encode(const Image& frame) {
    // The encoder may still hold a reference to the previous frame (the GIF
    // encoder keeps it to diff against): then this copies it first.
    int err = av_frame_make_writable(frame_);
    if (err < 0) fail_av("cannot allocate a frame", err);
    spec_->convert(frame, frame_);
    frame_->pts = frames_++;
    send(frame_);
}

void AvFileSink::send(const AVFrame* frame) {
    int err = avcodec_send_frame(ctx_, frame);
    if (err < 0) fail_av("cannot encode frame " + std::to_string(frames_ - 1), err);
    for (;;) {
        err = avcodec_receive_packet(ctx_, packet_);
        if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return;
        if (err < 0) fail_av("cannot encode", err);
        // libx264 leaves duration 0 and the MP4 would be one frame short (notes,
        // pitfall 8). Each packet is one frame, i.e. 1 in the codec time base.
        if (packet_->duration <= 0) packet_->duration = 1;
        av_packet_rescale_ts(packet_, ctx_->time_base, stream_->time_base);
        packet_->stream_index = stream_->index;
        err = av_interleaved_write_frame(fmt_, packet_);  // unrefs the packet
        if (err < 0) fail_av("cannot write", err);
    }
}

void AvFileSink::write(const Image& frame) {
    if (done_) throw Error(path_ + ": frame written after finish or abort");
    if (const std::string problem = frame_size_problem(path_, frame, opts_); !problem.empty()) {
        abort();
        throw Error(problem);
    }
    try {
        worker_->push(frame);
    } catch (...) {
        abort();
        throw;
    }
}

void AvFileSink::finish() {
    if (done_) return;
    done_ = true;
    try {
        worker_->close();
        if (frames_ == 0) throw Error(path_ + ": no frames to write");
        send(nullptr);  // flush: x264 holds frames back for lookahead and B-frames
        spec_->before_trailer(fmt_, frames_);
        trailer_written_ = true;  // even if it fails: never twice
        int err = av_write_trailer(fmt_);  // +faststart rewrites the file here
        if (err < 0) fail_av("cannot finish", err);
        err = avio_closep(&fmt_->pb);
        if (err < 0) fail_av("cannot write", err);
        release();
        interrupt::Hold hold;  // the output is either complete or absent
        if (std::rename(tmp_.c_str(), path_.c_str()) != 0)
            throw Error(path_ + ": cannot write (" + std::strerror(errno) + ")");
        tmp_registered_.reset();
    } catch (...) {
        discard();
        throw;
    }
}

void AvFileSink::abort() {
    if (done_) return;
    done_ = true;
    discard();
}

void AvFileSink::discard() noexcept {
    if (worker_) worker_->cancel();
    if (fmt_ && !trailer_written_) spec_->on_abort(fmt_);
    release();
    std::remove(tmp_.c_str());
    tmp_registered_.reset();
}

void AvFileSink::release() noexcept {
    if (fmt_) {
        if (fmt_->pb) avio_closep(&fmt_->pb);
        avformat_free_context(fmt_);  // also deinitialises the muxer if the trailer was not written
        fmt_ = nullptr;
    }
    avcodec_free_context(&ctx_);
    av_frame_free(&frame_);
    av_packet_free(&packet_);
}

std::string AvFileSink::description() const {
    char fps[32];
    std::snprintf(fps, sizeof fps, "%g", opts_.fps);
    return spec_->describe() + ", " + std::to_string(opts_.width) + "x" + std::to_string(opts_.height) + " at " +
           fps + " fps -> " + path_;
}

RgbaToYuv::RgbaToYuv(const std::string& path, int width, int height, AVPixelFormat dst, bool bitexact, int threads)
    : path_(path), dst_format_(dst) {
    sws_ = sws_alloc_context();
    in_ = av_frame_alloc();
    if (!sws_ || !in_) throw Error(path_ + ": cannot allocate the colour converter");
    av_opt_set_int(sws_, "srcw", width, 0);
    av_opt_set_int(sws_, "srch", height, 0);
    av_opt_set_int(sws_, "src_format", AV_PIX_FMT_RGBA, 0);
    av_opt_set_int(sws_, "dstw", width, 0);
    av_opt_set_int(sws_, "dsth", height, 0);
    av_opt_set_int(sws_, "dst_format", dst, 0);
    // Bilinear: chroma is averaged over 2x2 pixels rather than point-sampled,
    // so thin coloured lines keep their colour. BITEXACT: same bytes on any CPU.
    av_opt_set_int(sws_, "sws_flags", SWS_BILINEAR | (bitexact ? SWS_BITEXACT : 0), 0);
    // Slice threads (FFmpeg 5.1): measured here at 1080p, 4.3 ms/frame on one
    // thread, 2.4-3.2 ms on 2-4, for the same CPU time and identical bytes.
    if (threads <= 0) threads = int(std::min(4u, std::max(1u, std::thread::hardware_concurrency())));
    av_opt_set_int(sws_, "threads", threads, 0);
    if (sws_init_context(sws_, nullptr, nullptr) < 0)
        throw Error(path_ + ": cannot set up the RGBA to " + av_get_pix_fmt_name(dst) + " conversion");
    // Source: full-range RGB. Destination: BT.709 matrix, limited (16-235) range.
    const int* bt709 = sws_getCoefficients(SWS_CS_ITU709);
    sws_setColorspaceDetails(sws_, sws_getCoefficients(SWS_CS_DEFAULT), 1, bt709, 0, 0, 1 << 16, 1 << 16);
}

RgbaToYuv::~RgbaToYuv() {
    sws_freeContext(sws_);
    av_frame_free(&in_);
}

void RgbaToYuv::convert(const Image& src, AVFrame* dst) {
    in_->format = AV_PIX_FMT_RGBA;
    in_->width = src.width;
    in_->height = src.height;
    in_->data[0] = const_cast<uint8_t*>(src.rgba.data());
    in_->linesize[0] = src.width * 4;
    // sws_scale_frame takes a reference to its source; a frame without a buffer
    // reference would be copied whole first (a fresh allocation and a full-frame
    // copy every frame: at 3840x2160, 33 MB). The frame is wrapped instead, with
    // no free: the conversion finishes before this returns.
    in_->buf[0] = av_buffer_create(const_cast<uint8_t*>(src.rgba.data()), src.rgba.size(),
                                   [](void*, uint8_t*) {}, nullptr, AV_BUFFER_FLAG_READONLY);
    if (!in_->buf[0]) throw Error(path_ + ": out of memory converting a frame");
    int err = sws_scale_frame(sws_, dst, in_);
    av_buffer_unref(&in_->buf[0]);
    if (err < 0)
        throw Error(path_ + ": cannot convert a frame to " + av_get_pix_fmt_name(dst_format_) + " (" +
                    av_error_text(err) + ")");
}

std::unique_ptr<FrameSink> open_av_sink_av(const std::string& path, const VideoOptions& opts,
                                           const VideoFormat& format) {
    std::unique_ptr<AvFormatSpec> spec;
    const std::string& c = format.codec;
    // H.264 in MP4: in segments (a render cut at segment boundaries joins to the
    // same bytes, docs/cluster.md). In QuickTime .mov: one encoder, as before.
    if (c == "h264" && format.container == "mp4")
        return open_h264_segment_sink_av(path, opts, format, open_mp4_muxer_av(path, opts.bitexact));
    if (c == "h264") spec = make_h264_spec(path, opts, format);
    else if (c == "gif") spec = make_gif_spec(path, opts);
    else if (c == "vp9") spec = make_vp9_spec(path, opts, format);
    else if (c == "av1") spec = make_av1_spec(path, opts, format);
    else if (c == "prores") spec = make_prores_spec(path, opts, format);
    else if (c == "webp") spec = make_webp_spec(path, opts, format);
    else if (c == "apng") spec = make_apng_spec(path, opts, format);
    else throw Error(path + ": no libav encoder for codec " + c);
    return std::make_unique<AvFileSink>(path, opts, std::move(spec));
}

}  // namespace mmr::encode_detail
