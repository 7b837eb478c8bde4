// PNG sequence: one file per frame, named by the template ("{frame:04}" ->
// 0000, 0001, ...) from VideoOptions::first_index. Each file is written
// atomically by write_png (temporary name, then rename), on the worker thread:
// PNG compression costs 80-110 ms per 1080p frame (notes), as much as rendering,
// so overlapping the two nearly halves the wall time on 2 cores.
// Frames are final as soon as they are written: abort() stops but keeps them
// (each is complete; a long render that fails can be inspected or resumed).
#include <cstdio>

#include "frame_worker.h"
#include "mmr/core/error.h"
#include "mmr/encode/png.h"
#include "sinks.h"

namespace mmr::encode_detail {
namespace {

class PngSequenceSink : public FrameSink {
public:
    PngSequenceSink(const std::string& path, const VideoOptions& opts, const FrameTemplate& tmpl)
        : path_(path), opts_(opts), tmpl_(tmpl), next_(opts.first_index),
          worker_([this](const Image& f) { write_png(tmpl_.expand(next_++), f); }) {}
    ~PngSequenceSink() override {
        if (!done_) abort();
    }

    void write(const Image& frame) override {
        if (done_) throw Error(path_ + ": frame written after finish or abort");
        if (frame.width != opts_.width || frame.height != opts_.height) {
            abort();
            throw Error(path_ + ": frame is " + std::to_string(frame.width) + "x" +
                        std::to_string(frame.height) + ", the sequence is " + std::to_string(opts_.width) +
                        "x" + std::to_string(opts_.height));
        }
        try {
            worker_.push(frame);
        } catch (...) {
            abort();
            throw;
        }
    }

    void finish() override {
        if (done_) return;
        done_ = true;
        worker_.close();
        if (next_ == opts_.first_index) throw Error(path_ + ": no frames to write");
    }

    void abort() override {
        if (done_) return;
        done_ = true;
        worker_.cancel();
    }

    std::string description() const override {
        char fps[32];
        std::snprintf(fps, sizeof fps, "%g", opts_.fps);
        return "PNG sequence, " + std::to_string(opts_.width) + "x" + std::to_string(opts_.height) + " at " + fps +
               " fps -> " + path_ + " from frame " + std::to_string(opts_.first_index);
    }

private:
    std::string path_;
    VideoOptions opts_;
    FrameTemplate tmpl_;
    int next_;  // index of the next file; touched by the worker only until close()
    bool done_ = false;
    FrameWorker worker_;  // last: its thread uses the members above
};

}  // namespace

std::unique_ptr<FrameSink> open_png_sequence_sink(const std::string& path, const VideoOptions& opts,
                                                  const FrameTemplate& tmpl) {
    return std::make_unique<PngSequenceSink>(path, opts, tmpl);
}

}  // namespace mmr::encode_detail
