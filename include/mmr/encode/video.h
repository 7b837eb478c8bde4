// Animation output, written frame by frame as the frames are rendered (memory
// does not grow with the animation's length): H.264 or AV1 or VP9 in MP4, VP9 or
// AV1 in WebM, ProRes 4444 (or H.264) in QuickTime .mov, animated WebP, APNG,
// GIF, or a PNG sequence. docs/video.md has the table of formats.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "mmr/gl/backend.h"

namespace mmr {

struct VideoOptions {
    int width = 0, height = 0;   // frame size; 4:2:0 formats need both even
    double fps = 30;             // > 0; GIF: at most 50 (delays are in 1/100 s)
    // Quality: -1 = the codec's default (H.264 20, VP9 32, AV1 35); H.264 0 (lossless,
    // which browsers refuse) .. 51, VP9 and AV1 0 .. 63. Other codecs have none.
    int crf = -1;
    std::string preset;          // x264 preset (ultrafast .. placebo); "" = veryfast. H.264 only
    std::string codec;           // "" = from the extension; else h264, vp9, av1, prores, webp, apng, gif
    std::string pix_fmt;         // "" = the codec's default; "yuv420p" or "yuv444p" (H.264, VP9)
    // The frames carry an alpha channel to keep (a transparent background): the
    // formats with an alpha plane write it (ProRes 4444 yuva444p10le, VP9 yuva420p,
    // WebP, APNG, PNG sequence); the others refuse (video_format() says which).
    bool alpha = false;
    bool bitexact = true;        // reproducible bytes: no version strings, fixed flags
    int first_index = 0;         // number of the first frame written (PNG sequence: its file number)
    // MP4: H.264 is encoded in segments of this many frames, the encoder restarted
    // at each one (docs/cluster.md): a render cut at segment boundaries and joined
    // is then byte-identical to a single render. Segments count from frame
    // segment_origin (the first frame of --frames A:B).
    int segment_frames = kDefaultSegmentFrames;
    int segment_origin = 0;
    // x264 threads, fixed (not the machine's core count): x264's output depends on
    // its thread count, and parts encoded on different machines must join exactly.
    int encoder_threads = 4;
    static constexpr int kDefaultSegmentFrames = 250;  // x264's own keyframe interval: bench/RESULTS.md
};

// What a path and options write, resolved and validated by video_format().
struct VideoFormat {
    std::string container;  // "mp4", "webm", "mov", "webp", "apng", "gif", "png" (a PNG sequence)
    std::string codec;      // "h264", "vp9", "av1", "prores", "webp", "apng", "gif", "png"
    std::string pix_fmt;    // what the encoder is given: "yuv420p", "yuva444p10le", "rgba", ...
    int crf = -1;           // the crf used (H.264, VP9, AV1), else -1
    bool alpha = false;     // the file has an alpha plane
    // A warning for the user ("" if none), e.g. that browsers will not play
    // H.264 4:4:4: `warning` is what, `warning_fix` what to do instead.
    std::string warning, warning_fix;
};

// A destination for frames, written as they come. Encoding runs on a worker
// thread behind a small bounded queue, so write() returns as soon as the frame
// is copied and rendering overlaps encoding. Not thread-safe: one caller thread.
class FrameSink {
public:
    // Implementations call abort() from their destructor when neither finish()
    // nor abort() was called (a base destructor cannot reach their override).
    virtual ~FrameSink();
    // Queues one RGBA frame (top row first, the size of VideoOptions; straight,
    // not premultiplied, alpha). The alpha byte is kept only when
    // VideoOptions::alpha is set (else frames are taken as opaque). Throws
    // mmr::Error naming the file if the frame or an earlier one failed to
    // encode; the sink is then aborted.
    virtual void write(const Image& frame) = 0;
    // The frame of the last write() once more (a held frame, or a step shown for
    // several frames): `frame` must hold exactly the pixels last written. Sinks that
    // convert frames reuse the conversion; the file is the same as with write().
    virtual void write_repeat(const Image& frame) { write(frame); }
    // Completes the file(s) and moves them into place. Throws mmr::Error (and
    // leaves nothing at the output path) on failure or if no frame was written.
    // Does nothing after abort() or a first finish().
    virtual void finish() = 0;
    // Stops, removes every temporary file and leaves nothing half-written at the
    // output path. PNG frames already completed stay (each was written atomically).
    // Never throws; calling it after finish() does nothing.
    virtual void abort() = 0;
    // One line for -v: encoder, settings and output, e.g.
    // "H.264 (libx264 veryfast crf 20), yuv420p BT.709, 24 fps -> out.mp4".
    virtual std::string description() const = 0;
    // A warning the caller should show (e.g. the H.264 encoder fallback), or "".
    virtual std::string note() const { return ""; }
};

// Chooses the format from the extension (or VideoOptions::codec) and checks the
// options against it: ".mp4" H.264 (or --codec vp9/av1), ".webm" VP9 (or av1),
// ".mov" ProRes 4444 (or h264), ".webp" animated WebP, ".apng" and ".png" APNG,
// ".gif" GIF, and a path whose file name holds "{frame}" or "{frame:04}" and ends
// in ".png" a PNG sequence. Throws mmr::Error naming the path (unknown extension
// or codec with suggestions, codec not allowed in the container, alpha with a
// format that has none, odd size for 4:2:0, crf, preset, pix_fmt, fps).
VideoFormat video_format(const std::string& path, const VideoOptions& opts);

// Opens the sink video_format() chooses. Runs check_frame_sink first; creates
// the temporary output file at once.
std::unique_ptr<FrameSink> open_frame_sink(const std::string& path, const VideoOptions& opts);

// video_format() plus the checks that need the file system (folder exists and is
// writable), without creating anything: for errors before rendering starts.
// Throws mmr::Error.
VideoFormat check_frame_sink(const std::string& path, const VideoOptions& opts);

// Several outputs of one render (a brace list, {mp4,webm}): each path checked
// first, then one sink that writes every frame to all of them.
std::unique_ptr<FrameSink> open_frame_sinks(const std::vector<std::string>& paths, const VideoOptions& opts);

}  // namespace mmr
