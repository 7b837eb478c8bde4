// The libav encoders (src/encode/av/), built as the module libmmr_av.so that
// mmr loads only when it writes a video (encode/av_module.cpp): linking libavcodec
// into mmr itself loads ~120 libraries and costs ~0.09 s at every start, also for
// still, check and import.
//
// Internal to src/encode: a FrameSink that encodes with libavcodec and muxes with
// libavformat into a hidden temporary file, renamed into place by finish().
// MP4 and GIF differ only in the AvFormatSpec they plug in.
#pragma once
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
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
    virtual const char* muxer() const = 0;      // libavformat name: "mp4", "gif"
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
// Installs that callback (once) and forgets the last error: call before using libav.
void quiet_av_log();

// H.264 settings and the RGBA -> yuv420p conversion of MP4 (mp4.cpp), used by the
// segment encoder (segments.cpp) for each segment's encoder.
std::unique_ptr<AvFormatSpec> make_mp4_spec(const std::string& path, const VideoOptions& opts);

// The formats; exports.cpp hands them to the loader. MP4: the segment encoder
// into the MP4 muxer (segments.cpp).
std::unique_ptr<FrameSink> open_mp4_sink_av(const std::string& path, const VideoOptions& opts);
std::unique_ptr<FrameSink> open_h264_segment_sink_av(const std::string& path, const VideoOptions& opts,
                                                     std::unique_ptr<PacketSink> out);
std::unique_ptr<PacketSink> open_mp4_muxer_av(const std::string& path, bool bitexact);
std::string encoder_versions_av();
std::unique_ptr<FrameSink> open_gif_sink_av(const std::string& path, const VideoOptions& opts);

}  // namespace mmr::encode_detail
