// Test helper: decodes a video file with libavformat/libavcodec into RGBA
// frames plus the stream facts a user would check (codec, format, rate).
#pragma once
#include <doctest/doctest.h>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libswscale/swscale.h>
}

#include <string>
#include <vector>

#include "mmr/gl/backend.h"

namespace mmr::test {

// What a file decodes to, through libavformat/libavcodec.
struct Decoded {
    std::string codec;
    std::string profile;         // e.g. "High", "4444", "Profile 0" ("" if none)
    int level = 0;               // the stream's level (H.264: 40 = level 4.0, 51 = 5.1)
    std::string alpha_mode;      // the stream's "alpha_mode" tag (WebM VP9 with alpha: "1")
    AVPixelFormat pix_fmt = AV_PIX_FMT_NONE;
    AVPixelFormat frame_pix_fmt = AV_PIX_FMT_NONE;  // of the decoded frames
    AVColorSpace colorspace = AVCOL_SPC_UNSPECIFIED;
    int width = 0, height = 0;
    double r_frame_rate = 0, avg_frame_rate = 0;
    double duration = 0;         // container duration, seconds
    double packet_duration = 0;  // sum of packet durations, seconds
    std::vector<Image> frames;   // RGBA (alpha from the file when it has an alpha plane, else 255)
    std::vector<bool> key;       // per frame in display order: decoded as a key frame
};

// Converts a decoded frame to RGBA; YUV is read as BT.709 limited range, what
// the MP4 sink declares.
inline Image to_rgba(const AVFrame* f) {
    Image img;
    img.width = f->width;
    img.height = f->height;
    img.rgba.resize(size_t(f->width) * f->height * 4);
    SwsContext* sws = sws_getContext(f->width, f->height, AVPixelFormat(f->format), f->width, f->height,
                                     AV_PIX_FMT_RGBA, SWS_POINT, nullptr, nullptr, nullptr);
    REQUIRE(sws);
    sws_setColorspaceDetails(sws, sws_getCoefficients(SWS_CS_ITU709), 0, sws_getCoefficients(SWS_CS_DEFAULT), 1, 0,
                             1 << 16, 1 << 16);
    uint8_t* dst[4] = {img.rgba.data()};
    int stride[4] = {f->width * 4};
    sws_scale(sws, f->data, f->linesize, 0, f->height, dst, stride);
    sws_freeContext(sws);
    return img;
}

// `decoder`: a decoder name to use instead of libavcodec's default for the
// codec (e.g. "libvpx-vp9", which reads WebM's alpha plane; FFmpeg's own vp9
// decoder ignores it).
inline Decoded decode(const std::string& path, const char* decoder = nullptr) {
    Decoded out;
    AVFormatContext* fmt = nullptr;
    REQUIRE(avformat_open_input(&fmt, path.c_str(), nullptr, nullptr) == 0);
    REQUIRE(avformat_find_stream_info(fmt, nullptr) >= 0);
    const AVCodec* codec = nullptr;
    int si = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    REQUIRE(si >= 0);
    AVStream* st = fmt->streams[si];
    if (decoder) {
        codec = avcodec_find_decoder_by_name(decoder);
        REQUIRE(codec);
    }
    out.codec = avcodec_get_name(st->codecpar->codec_id);
    if (const char* prof = avcodec_profile_name(st->codecpar->codec_id, st->codecpar->profile)) out.profile = prof;
    if (const AVDictionaryEntry* e = av_dict_get(st->metadata, "alpha_mode", nullptr, 0)) out.alpha_mode = e->value;
    out.level = st->codecpar->level;
    out.pix_fmt = AVPixelFormat(st->codecpar->format);
    out.colorspace = st->codecpar->color_space;
    out.width = st->codecpar->width;
    out.height = st->codecpar->height;
    out.r_frame_rate = av_q2d(st->r_frame_rate);
    out.avg_frame_rate = av_q2d(st->avg_frame_rate);
    out.duration = fmt->duration > 0 ? double(fmt->duration) / AV_TIME_BASE : 0;

    AVCodecContext* dec = avcodec_alloc_context3(codec);
    REQUIRE(avcodec_parameters_to_context(dec, st->codecpar) >= 0);
    REQUIRE(avcodec_open2(dec, codec, nullptr) == 0);
    AVPacket* pkt = av_packet_alloc();
    AVFrame* frame = av_frame_alloc();
    int64_t durations = 0;
    auto drain = [&] {
        while (avcodec_receive_frame(dec, frame) == 0) {
            out.frame_pix_fmt = AVPixelFormat(frame->format);
            out.frames.push_back(to_rgba(frame));
            out.key.push_back(frame->key_frame != 0);
            av_frame_unref(frame);
        }
    };
    while (av_read_frame(fmt, pkt) >= 0) {
        if (pkt->stream_index == si) {
            durations += pkt->duration;
            REQUIRE(avcodec_send_packet(dec, pkt) >= 0);
            drain();
        }
        av_packet_unref(pkt);
    }
    avcodec_send_packet(dec, nullptr);
    drain();
    out.packet_duration = double(durations) * av_q2d(st->time_base);
    av_frame_free(&frame);
    av_packet_free(&pkt);
    avcodec_free_context(&dec);
    avformat_close_input(&fmt);
    return out;
}

}  // namespace mmr::test
