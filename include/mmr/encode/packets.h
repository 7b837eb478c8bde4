// Encoded video as packets: what the H.264 segment encoder produces, what a shard
// stores in its part file (mmr/shard/part.h) and what the MP4 muxer consumes. A
// single render and `mmr join` both end in the same muxer fed the same StreamInfo
// and packets, which is why a joined video is byte-identical to a single render.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mmr/encode/video.h"

namespace mmr {

// The stream parameters the muxer needs (a serialisable subset of libav's
// AVCodecParameters, kept as plain numbers so that CPU code can store them).
struct StreamInfo {
    std::string codec = "h264";  // libavcodec name of the codec id
    int codec_id = 0, format = 0, width = 0, height = 0;
    int fps_num = 0, fps_den = 1;  // frame rate; the time base of packets is fps_den/fps_num
    int sar_num = 1, sar_den = 1;
    int color_range = 0, color_space = 0, color_primaries = 0, color_trc = 0, chroma_location = 0;
    int field_order = 0, profile = 0, level = 0, video_delay = 0, bits_per_raw_sample = 0;
    std::vector<uint8_t> extradata;  // SPS and PPS (avcC)
};

// One encoded frame. Times in frames since the first frame of the render (the
// first frame of --frames A:B is 0): pts, dts (dts < 0 for B-frame delay at the start).
struct Packet {
    int64_t pts = 0, dts = 0, duration = 1;
    bool key = false;
    std::vector<uint8_t> data;
};

// Where packets go: stream() once, then packet() in decoding order, then finish()
// (complete and move into place) or abort() (leave nothing). Throws mmr::Error.
class PacketSink {
public:
    virtual ~PacketSink() = default;
    virtual void stream(const StreamInfo& info) = 0;
    virtual void packet(const Packet& p) = 0;
    virtual void finish() = 0;
    virtual void abort() noexcept = 0;
    virtual std::string description() const = 0;  // "MP4 +faststart -> out.mp4"
};

// A FrameSink that encodes H.264 in segments of opts.segment_frames frames (the
// encoder restarted at each boundary: every segment starts with an IDR frame and
// refers to no other segment) and hands the packets to `out`. `format` is what
// video_format() resolved for an H.264 MP4 (crf, pix_fmt). The first frame
// written is frame opts.first_index of the timeline and must start a segment
// (counted from opts.segment_origin). Loads libmmr_av.so. Throws mmr::Error.
std::unique_ptr<FrameSink> open_h264_segment_sink(const std::string& path, const VideoOptions& opts,
                                                  const VideoFormat& format, std::unique_ptr<PacketSink> out);
// Muxes packets into an MP4 (+faststart) written to a temporary name beside
// `path` and renamed by finish(). Loads libmmr_av.so. Throws mmr::Error.
std::unique_ptr<PacketSink> open_mp4_muxer(const std::string& path, bool bitexact = true);

// Versions of the encoder libraries, recorded in parts: parts encoded by another
// build are refused by `mmr join` (their bytes could differ). Loads libmmr_av.so.
std::string encoder_versions();

}  // namespace mmr
