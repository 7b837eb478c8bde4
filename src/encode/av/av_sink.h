// The libav encoders (src/encode/av/), built as the module libmmr_av.so that
// mmr loads only when it writes a video (encode/av_module.cpp): linking libavcodec
// into mmr itself loads ~120 libraries and costs ~0.09 s at every start, also for
// still, check and import.
//
// Internal to src/encode: a FrameSink that encodes with libavcodec and muxes with
// libavformat into a hidden temporary file, renamed into place by finish().
// The formats differ only in the AvFormatSpec they plug in.
#pragma once
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include <cstdint>
#include <memory>
#include <string>

#include "frame_worker.h"
#include "mmr/core/interrupt.h"
#include "mmr/encode/packets.h"
#include "mmr/encode/video.h"

namespace mmr::encode_detail {

// What differs between the libav-based formats.
class AvFormatSpec {
public:
    virtual ~AvFormatSpec() = default;
    virtual const char* muxer() const = 0;      // libavformat name: "mp4", "webm", "gif"
    virtual const char* extension() const = 0;  // of the temporary file: ".mp4"
    // Finds the encoder; may set `note` (e.g. a fallback). Throws mmr::Error.
    virtual const AVCodec* find_encoder(std::string* note) = 0;
    // Sets the pixel format and codec/muxer options on a context that already has
    // size, time base and flags, before avcodec_open2.
    virtual void configure(AVCodecContext* ctx, AVDictionary** mux_options) = 0;
    // Converts an RGBA frame into `dst` (writable, ctx's size and pixel format).
    // Runs on the encoder thread.
    virtual void convert(const Image& src, AVFrame* dst) = 0;
    // Called after the last packet, before av_write_trailer.
    virtual void before_trailer(AVFormatContext*, int64_t /*frames*/) {}
    // Called by abort() before the muxer is freed without a trailer.
    virtual void on_abort(AVFormatContext*) {}
    virtual std::string describe() const = 0;  // "H.264 (libx264 veryfast crf 20), ..."
};

class AvFileSink : public FrameSink {
public:
    // Creates the temporary file, opens the encoder and writes the header:
    // errors surface before any frame is rendered.
    AvFileSink(const std::string& path, const VideoOptions& opts, std::unique_ptr<AvFormatSpec> spec);
    ~AvFileSink() override;
    void write(const Image& frame) override;
    void finish() override;
    void abort() override;
    std::string description() const override;
    std::string note() const override { return note_; }

private:
    void open();
    void encode(const Image& frame);   // on the worker thread
    void send(const AVFrame* frame);   // frame, or nullptr to flush; writes the packets out
    void release() noexcept;           // frees libav objects and closes the file
    void discard() noexcept;           // stops the worker, releases, removes the temporary
    [[noreturn]] void fail_av(const std::string& what, int err) const;

    std::string path_, tmp_, note_;
    interrupt::TempRegistration tmp_registered_;  // tmp_, removed if mmr is interrupted
    VideoOptions opts_;
    std::unique_ptr<AvFormatSpec> spec_;
    AVFormatContext* fmt_ = nullptr;
    AVCodecContext* ctx_ = nullptr;
    AVStream* stream_ = nullptr;
    AVFrame* frame_ = nullptr;
    AVPacket* packet_ = nullptr;
    int64_t frames_ = 0;  // encoded so far (worker thread, then caller after close)
    bool done_ = false;   // finish() or abort() called
    bool trailer_written_ = false;
    std::unique_ptr<FrameWorker> worker_;
};

// libav's log callback is replaced (once) so that libav and x264 print nothing
// (x264 logs its settings at INFO level); errors are kept and appended to our
// mmr::Error messages by this function: "<av_strerror>; <last libav error line>".
std::string av_error_text(int err);

// "" if `frame` has the video's size (and a whole RGBA buffer), else the message the
// encoders throw after aborting: "<path>: frame is WxH, the video is WxH".
inline std::string frame_size_problem(const std::string& path, const Image& frame, const VideoOptions& opts) {
    if (frame.width == opts.width && frame.height == opts.height &&
        frame.rgba.size() == size_t(frame.width) * size_t(frame.height) * 4)
        return "";
    return path + ": frame is " + std::to_string(frame.width) + "x" + std::to_string(frame.height) +
           ", the video is " + std::to_string(opts.width) + "x" + std::to_string(opts.height);
}
// Installs that callback (once) and forgets the last error: call before using libav.
void quiet_av_log();

// RGBA (straight alpha) -> a planar YUV format (8 or 10 bits, with or without
// an alpha plane) through swscale: BT.709 matrix, limited range, bilinear chroma
// (thin coloured lines keep their colour), BITEXACT (same bytes on any CPU),
// slice threads. The alpha plane, when the destination has one, is the frame's.
class RgbaToYuv {
public:
    // threads: swscale slice threads (0: as many as the machine has cores, at most 4).
    RgbaToYuv(const std::string& path, int width, int height, AVPixelFormat dst, bool bitexact, int threads = 0);
    ~RgbaToYuv();
    RgbaToYuv(const RgbaToYuv&) = delete;
    RgbaToYuv& operator=(const RgbaToYuv&) = delete;
    void convert(const Image& src, AVFrame* dst);  // dst: writable, of the size and format given

private:
    std::string path_;
    AVPixelFormat dst_format_;
    SwsContext* sws_ = nullptr;
    AVFrame* in_ = nullptr;  // wraps the Image's pixels without copying
};

// The specs (h264.cpp, gif.cpp, web.cpp); open_av_sink_av picks one by format.codec.
std::unique_ptr<AvFormatSpec> make_h264_spec(const std::string& path, const VideoOptions& opts,
                                             const VideoFormat& format);
std::unique_ptr<AvFormatSpec> make_gif_spec(const std::string& path, const VideoOptions& opts);
std::unique_ptr<AvFormatSpec> make_vp9_spec(const std::string& path, const VideoOptions& opts,
                                            const VideoFormat& format);
std::unique_ptr<AvFormatSpec> make_av1_spec(const std::string& path, const VideoOptions& opts,
                                            const VideoFormat& format);
std::unique_ptr<AvFormatSpec> make_prores_spec(const std::string& path, const VideoOptions& opts,
                                               const VideoFormat& format);
std::unique_ptr<AvFormatSpec> make_webp_spec(const std::string& path, const VideoOptions& opts,
                                             const VideoFormat& format);
std::unique_ptr<AvFormatSpec> make_apng_spec(const std::string& path, const VideoOptions& opts,
                                             const VideoFormat& format);
// exports.cpp hands this to the loader. H.264 in MP4: the segment encoder into
// the MP4 muxer (segments.cpp); the other formats: AvFileSink with their spec.
std::unique_ptr<FrameSink> open_av_sink_av(const std::string& path, const VideoOptions& opts,
                                           const VideoFormat& format);
// H.264 (make_h264_spec with `format`) in segments of opts.segment_frames frames,
// the packets handed to `out` (segments.cpp); shards write parts through it.
std::unique_ptr<FrameSink> open_h264_segment_sink_av(const std::string& path, const VideoOptions& opts,
                                                     const VideoFormat& format, std::unique_ptr<PacketSink> out);
std::unique_ptr<PacketSink> open_mp4_muxer_av(const std::string& path, bool bitexact);
std::string encoder_versions_av();

}  // namespace mmr::encode_detail
