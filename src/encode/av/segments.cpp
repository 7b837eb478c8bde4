// H.264 in segments and the MP4 muxer (mmr/encode/packets.h).
//
// Segments: the encoder is closed and a new one opened every segment_frames
// frames, so each segment starts with an IDR frame and no frame refers across a
// boundary; a segment's packets depend only on its own frames. A render cut at
// segment boundaries (shards, mmr/shard/) therefore produces exactly the packets of
// the single render, and muxing them in order gives the same file.
#include "av_sink.h"
#include "slot_worker.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "../sinks.h"
#include "mmr/core/error.h"
#include "mmr/core/interrupt.h"

namespace mmr::encode_detail {
namespace {

[[noreturn]] void fail_av(const std::string& path, const std::string& what, int err) {
    throw Error(path + ": " + what + " (" + av_error_text(err) + ")");
}

StreamInfo info_of(const AVCodecContext* ctx, AVRational rate) {
    StreamInfo s;
    s.codec = avcodec_get_name(ctx->codec_id);
    s.codec_id = int(ctx->codec_id);
    s.format = int(ctx->pix_fmt);
    s.width = ctx->width;
    s.height = ctx->height;
    s.fps_num = rate.num;
    s.fps_den = rate.den;
    s.sar_num = ctx->sample_aspect_ratio.num;
    s.sar_den = ctx->sample_aspect_ratio.den;
    s.color_range = int(ctx->color_range);
    s.color_space = int(ctx->colorspace);
    s.color_primaries = int(ctx->color_primaries);
    s.color_trc = int(ctx->color_trc);
    s.chroma_location = int(ctx->chroma_sample_location);
    s.field_order = int(ctx->field_order);
    s.profile = ctx->profile;
    s.level = ctx->level;
    s.video_delay = ctx->has_b_frames;
    s.bits_per_raw_sample = ctx->bits_per_raw_sample;
    if (ctx->extradata && ctx->extradata_size > 0)
        s.extradata.assign(ctx->extradata, ctx->extradata + ctx->extradata_size);
    return s;
}

class H264SegmentSink : public FrameSink {
public:
    H264SegmentSink(const std::string& path, const VideoOptions& opts, const VideoFormat& format,
                    std::unique_ptr<PacketSink> out)
        : path_(path), opts_(opts), out_(std::move(out)), spec_(make_h264_spec(path, opts, format)) {
        quiet_av_log();
        if (opts_.segment_frames < 1)
            fail(path_, "segment length " + std::to_string(opts_.segment_frames) + " frames is not positive",
                 "use --segment 1 or more (default " + std::to_string(VideoOptions::kDefaultSegmentFrames) + ")");
        if ((opts_.first_index - opts_.segment_origin) % opts_.segment_frames != 0)
            fail(path_, "internal: the first frame " + std::to_string(opts_.first_index) +
                            " does not start a segment");
        rate_ = av_d2q(opts_.fps, 100000);
        next_ = opts_.first_index - opts_.segment_origin;
        try {
            codec_ = spec_->find_encoder(&note_);
            open_encoder();
            out_->stream(info_);
            packet_ = av_packet_alloc();
            if (!packet_) fail_av(path_, "cannot allocate a packet", AVERROR(ENOMEM));
            for (AVFrame*& f : frames_pool_) {
                f = av_frame_alloc();
                if (!f) fail_av(path_, "cannot allocate a frame", AVERROR(ENOMEM));
                f->format = ctx_->pix_fmt;
                f->width = ctx_->width;
                f->height = ctx_->height;
                int err = av_frame_get_buffer(f, 0);
                if (err < 0) fail_av(path_, "cannot allocate a frame", err);
            }
        } catch (...) {
            release();
            out_->abort();
            done_ = true;
            throw;
        }
        worker_ = std::make_unique<SlotWorker>(kSlots, [this](int slot) { encode(frames_pool_[slot]); });
    }

    ~H264SegmentSink() override {
        if (!done_) abort();
    }

    void write(const Image& frame) override {
        if (done_) throw Error(path_ + ": frame written after finish or abort");
        if (const std::string problem = frame_size_problem(path_, frame, opts_); !problem.empty()) {
            abort();
            throw Error(problem);
        }
        // The frame is converted here, on the caller's thread, straight into a free
        // YUV frame of the pool, which the encoder thread then takes: no copy of the
        // RGBA pixels is queued (bench/encode_stages.sh).
        int slot = -1;
        try {
            slot = worker_->acquire();
            AVFrame* f = frames_pool_[slot];
            // The encoder may still hold a reference to it: then this copies it first.
            int err = av_frame_make_writable(f);
            if (err < 0) fail_av(path_, "cannot allocate a frame", err);
            spec_->convert(frame, f);
            worker_->push(slot);
            last_slot_ = slot;
        } catch (...) {
            if (slot >= 0) worker_->release(slot);
            abort();
            throw;
        }
    }

    // The last frame again: its converted planes are copied (1.5 bytes a pixel in
    // 4:2:0) instead of converting the RGBA again (held frames, repeated steps).
    void write_repeat(const Image& frame) override {
        if (last_slot_ < 0) return write(frame);
        if (done_) throw Error(path_ + ": frame written after finish or abort");
        if (const std::string problem = frame_size_problem(path_, frame, opts_); !problem.empty()) {
            abort();
            throw Error(problem);
        }
        int slot = -1;
        try {
            slot = worker_->acquire();
            if (slot != last_slot_) {  // a free slot still holds the last frame: nothing to copy
                AVFrame* f = frames_pool_[slot];
                int err = av_frame_make_writable(f);
                if (err < 0) fail_av(path_, "cannot allocate a frame", err);
                // The encoder thread may be reading the last slot too: both only read it.
                err = av_frame_copy(f, frames_pool_[last_slot_]);
                if (err < 0) fail_av(path_, "cannot copy a frame", err);
            }
            worker_->push(slot);
            last_slot_ = slot;
        } catch (...) {
            if (slot >= 0) worker_->release(slot);
            abort();
            throw;
        }
    }

    void finish() override {
        if (done_) return;
        done_ = true;
        try {
            worker_->close();
            if (frames_ == 0) throw Error(path_ + ": no frames to write");
            send(nullptr);
            release();
            out_->finish();
        } catch (...) {
            if (worker_) worker_->cancel();
            release();
            out_->abort();
            throw;
        }
    }

    void abort() override {
        if (done_) return;
        done_ = true;
        if (worker_) worker_->cancel();
        release();
        out_->abort();
    }

    std::string description() const override {
        char fps[32];
        std::snprintf(fps, sizeof fps, "%g", opts_.fps);
        return spec_->describe() + ", segments of " + std::to_string(opts_.segment_frames) + " frames, " +
               std::to_string(opts_.width) + "x" + std::to_string(opts_.height) + " at " + fps + " fps -> " +
               out_->description();
    }
    std::string note() const override { return note_; }

private:
    void open_encoder() {
        ctx_ = avcodec_alloc_context3(codec_);
        if (!ctx_) fail_av(path_, "cannot allocate the encoder", AVERROR(ENOMEM));
        ctx_->width = opts_.width;
        ctx_->height = opts_.height;
        ctx_->framerate = rate_;
        ctx_->time_base = av_inv_q(rate_);
        ctx_->sample_aspect_ratio = AVRational{1, 1};
        ctx_->thread_count = opts_.encoder_threads;
        if (opts_.bitexact) ctx_->flags |= AV_CODEC_FLAG_BITEXACT;
        ctx_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;  // MP4: SPS/PPS in the avcC box
        AVDictionary* mux_options = nullptr;       // the muxer sets its own
        try {
            spec_->configure(ctx_, &mux_options);
        } catch (...) {
            av_dict_free(&mux_options);
            throw;
        }
        av_dict_free(&mux_options);
        int err = avcodec_open2(ctx_, codec_, nullptr);
        if (err < 0) fail_av(path_, std::string("cannot open the ") + codec_->name + " encoder", err);
        StreamInfo info = info_of(ctx_, rate_);
        if (!have_info_) {
            info_ = info;
            have_info_ = true;
        } else if (info.extradata != info_.extradata || info.profile != info_.profile ||
                   info.level != info_.level) {
            throw Error(path_ + ": internal: the encoder's stream header changed between segments");
        }
    }

    // On the worker thread: `frame` is converted already.
    void encode(AVFrame* frame) {
        const int64_t index = next_++;  // frame number from the render's first frame
        if (in_segment_ == opts_.segment_frames) {  // a segment boundary: a new encoder
            send(nullptr);
            avcodec_free_context(&ctx_);
            open_encoder();
            in_segment_ = 0;
        }
        if (in_segment_ == 0) segment_start_ = index;
        frame->pts = in_segment_++;
        ++frames_;
        send(frame);
    }

    void send(const AVFrame* frame) {
        int err = avcodec_send_frame(ctx_, frame);
        if (err < 0) fail_av(path_, "cannot encode frame " + std::to_string(next_ - 1), err);
        for (;;) {
            err = avcodec_receive_packet(ctx_, packet_);
            if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return;
            if (err < 0) fail_av(path_, "cannot encode", err);
            Packet p;
            p.pts = packet_->pts + segment_start_;
            p.dts = packet_->dts + segment_start_;
            p.duration = 1;  // libx264 leaves 0 (notes, pitfall 8): one frame
            p.key = (packet_->flags & AV_PKT_FLAG_KEY) != 0;
            p.data.assign(packet_->data, packet_->data + packet_->size);
            av_packet_unref(packet_);
            out_->packet(p);
        }
    }

    void release() noexcept {
        avcodec_free_context(&ctx_);
        for (AVFrame*& f : frames_pool_) av_frame_free(&f);
        av_packet_free(&packet_);
    }

    std::string path_, note_;
    VideoOptions opts_;
    std::unique_ptr<PacketSink> out_;
    std::unique_ptr<AvFormatSpec> spec_;
    const AVCodec* codec_ = nullptr;
    AVRational rate_{30, 1};
    AVCodecContext* ctx_ = nullptr;
    // Converted frames: one being filled by the caller, the others queued or being
    // encoded (FrameWorker queued 3 RGBA frames; these are 1.5 bytes a pixel).
    static constexpr int kSlots = 4;
    AVFrame* frames_pool_[kSlots] = {};
    AVPacket* packet_ = nullptr;
    StreamInfo info_;
    bool have_info_ = false, done_ = false;
    int64_t next_ = 0, frames_ = 0, segment_start_ = 0;
    int in_segment_ = 0;
    int last_slot_ = -1;  // the slot of the last frame written (caller's thread)
    std::unique_ptr<SlotWorker> worker_;
};

class Mp4Muxer : public PacketSink {
public:
    Mp4Muxer(const std::string& path, bool bitexact) : path_(path), bitexact_(bitexact) {}
    ~Mp4Muxer() override { abort(); }

    void stream(const StreamInfo& s) override {
        quiet_av_log();
        {
            interrupt::Hold hold;
            tmp_ = create_temp_file(path_, ".mp4");
            tmp_registered_ = interrupt::TempRegistration(tmp_);
        }
        const std::string url = "file:" + tmp_;
        int err = avformat_alloc_output_context2(&fmt_, nullptr, "mp4", url.c_str());
        if (err < 0) fail_av(path_, "cannot create the mp4 muxer", err);
        if (bitexact_) fmt_->flags |= AVFMT_FLAG_BITEXACT;
        stream_ = avformat_new_stream(fmt_, nullptr);
        if (!stream_) fail_av(path_, "cannot add a stream", AVERROR(ENOMEM));
        AVCodecParameters* par = stream_->codecpar;
        par->codec_type = AVMEDIA_TYPE_VIDEO;
        par->codec_id = AVCodecID(s.codec_id);
        par->format = s.format;
        par->width = s.width;
        par->height = s.height;
        par->sample_aspect_ratio = AVRational{s.sar_num, s.sar_den};
        par->color_range = AVColorRange(s.color_range);
        par->color_space = AVColorSpace(s.color_space);
        par->color_primaries = AVColorPrimaries(s.color_primaries);
        par->color_trc = AVColorTransferCharacteristic(s.color_trc);
        par->chroma_location = AVChromaLocation(s.chroma_location);
        par->field_order = AVFieldOrder(s.field_order);
        par->profile = s.profile;
        par->level = s.level;
        par->video_delay = s.video_delay;
        par->bits_per_raw_sample = s.bits_per_raw_sample;
        if (!s.extradata.empty()) {
            par->extradata = static_cast<uint8_t*>(av_mallocz(s.extradata.size() + AV_INPUT_BUFFER_PADDING_SIZE));
            if (!par->extradata) fail_av(path_, "cannot allocate", AVERROR(ENOMEM));
            std::memcpy(par->extradata, s.extradata.data(), s.extradata.size());
            par->extradata_size = int(s.extradata.size());
        }
        rate_ = AVRational{s.fps_num, s.fps_den};
        stream_->time_base = av_inv_q(rate_);  // a hint; the muxer chooses its own
        stream_->avg_frame_rate = rate_;
        err = avio_open(&fmt_->pb, url.c_str(), AVIO_FLAG_WRITE);
        if (err < 0) fail_av(path_, "cannot write", err);
        AVDictionary* options = nullptr;
        av_dict_set(&options, "movflags", "+faststart", 0);
        err = avformat_write_header(fmt_, &options);
        av_dict_free(&options);
        if (err < 0) fail_av(path_, "cannot write the header", err);
        packet_ = av_packet_alloc();
        if (!packet_) fail_av(path_, "cannot allocate a packet", AVERROR(ENOMEM));
    }

    void packet(const Packet& p) override {
        if (!fmt_) throw Error(path_ + ": internal: packet before stream");
        int err = av_new_packet(packet_, int(p.data.size()));
        if (err < 0) fail_av(path_, "cannot allocate a packet", err);
        if (!p.data.empty()) std::memcpy(packet_->data, p.data.data(), p.data.size());
        packet_->pts = p.pts;
        packet_->dts = p.dts;
        packet_->duration = p.duration;
        if (p.key) packet_->flags |= AV_PKT_FLAG_KEY;
        av_packet_rescale_ts(packet_, av_inv_q(rate_), stream_->time_base);
        packet_->stream_index = stream_->index;
        err = av_interleaved_write_frame(fmt_, packet_);  // unrefs the packet
        if (err < 0) fail_av(path_, "cannot write", err);
        ++packets_;
    }

    void finish() override {
        if (!fmt_) throw Error(path_ + ": no frames to write");
        try {
            if (packets_ == 0) throw Error(path_ + ": no frames to write");
            trailer_written_ = true;
            int err = av_write_trailer(fmt_);  // +faststart rewrites the file here
            if (err < 0) fail_av(path_, "cannot finish", err);
            err = avio_closep(&fmt_->pb);
            if (err < 0) fail_av(path_, "cannot write", err);
            release();
            interrupt::Hold hold;
            if (std::rename(tmp_.c_str(), path_.c_str()) != 0)
                throw Error(path_ + ": cannot write (" + std::strerror(errno) + ")");
            tmp_registered_.reset();
            tmp_.clear();
        } catch (...) {
            abort();
            throw;
        }
    }

    void abort() noexcept override {
        release();
        if (!tmp_.empty()) std::remove(tmp_.c_str());
        tmp_.clear();
        tmp_registered_.reset();
    }

    std::string description() const override { return "MP4 +faststart -> " + path_; }

private:
    void release() noexcept {
        if (fmt_) {
            if (fmt_->pb) avio_closep(&fmt_->pb);
            avformat_free_context(fmt_);
            fmt_ = nullptr;
        }
        av_packet_free(&packet_);
    }

    std::string path_, tmp_;
    bool bitexact_ = true, trailer_written_ = false;
    interrupt::TempRegistration tmp_registered_;
    AVFormatContext* fmt_ = nullptr;
    AVStream* stream_ = nullptr;
    AVPacket* packet_ = nullptr;
    AVRational rate_{30, 1};
    int64_t packets_ = 0;
};

}  // namespace

std::unique_ptr<FrameSink> open_h264_segment_sink_av(const std::string& path, const VideoOptions& opts,
                                                     const VideoFormat& format, std::unique_ptr<PacketSink> out) {
    return std::make_unique<H264SegmentSink>(path, opts, format, std::move(out));
}

std::unique_ptr<PacketSink> open_mp4_muxer_av(const std::string& path, bool bitexact) {
    return std::make_unique<Mp4Muxer>(path, bitexact);
}

std::string encoder_versions_av() {
    const AVCodec* x264 = avcodec_find_encoder_by_name("libx264");
    return std::string("libavcodec ") + AV_STRINGIFY(LIBAVCODEC_VERSION) + " (runtime " +
           std::to_string(avcodec_version() >> 16) + "." + std::to_string((avcodec_version() >> 8) & 0xff) + "." +
           std::to_string(avcodec_version() & 0xff) + "), libavformat " + AV_STRINGIFY(LIBAVFORMAT_VERSION) +
           ", " + (x264 ? x264->long_name : "no libx264");
}

}  // namespace mmr::encode_detail
