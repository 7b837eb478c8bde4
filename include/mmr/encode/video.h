// Animation output: H.264/MP4, GIF or a PNG sequence, written frame by frame as
// the frames are rendered (memory does not grow with the animation's length).
#pragma once
#include <memory>
#include <string>

#include "mmr/gl/backend.h"

namespace mmr {

struct VideoOptions {
    int width = 0, height = 0;   // frame size; MP4 (yuv420p) needs both even
    double fps = 30;             // > 0; GIF: at most 50 (delays are in 1/100 s)
    int crf = 20;                // H.264 quality, 0 (best) .. 51 (worst)
    std::string preset = "veryfast";  // x264 preset (ultrafast .. placebo)
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

// A destination for frames, written as they come. Encoding runs on a worker
// thread behind a small bounded queue, so write() returns as soon as the frame
// is copied and rendering overlaps encoding. Not thread-safe: one caller thread.
class FrameSink {
public:
    // Implementations call abort() from their destructor when neither finish()
    // nor abort() was called (a base destructor cannot reach their override).
    virtual ~FrameSink();
    // Queues one RGBA frame (top row first, the size of VideoOptions). Throws
    // mmr::Error naming the file if the frame or an earlier one failed to encode;
    // the sink is then aborted.
    virtual void write(const Image& frame) = 0;
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

// Chooses the encoder from the path: ".mp4" -> H.264 in MP4; ".gif" -> animated
// GIF (loops forever); a path whose file name holds "{frame}" or "{frame:04}"
// (zero-padded to 4 digits) and ends in ".png" -> PNG sequence. Anything else is
// an mmr::Error naming the extension and listing what is supported. Runs
// check_frame_sink first; creates the temporary output file at once.
std::unique_ptr<FrameSink> open_frame_sink(const std::string& path, const VideoOptions& opts);

// Validates a path and options without creating anything, for errors before
// rendering starts: extension, template syntax, folder exists and is writable,
// even size for MP4, fps > 0 (and <= 50 for GIF), crf and preset. Throws mmr::Error.
void check_frame_sink(const std::string& path, const VideoOptions& opts);

}  // namespace mmr
