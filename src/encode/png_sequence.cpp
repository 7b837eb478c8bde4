// PNG sequence: one file per frame, named by the template ("{frame:04}" ->
// 0000, 0001, ...) from VideoOptions::first_index. The frames are written into a
// hidden temporary folder beside them (".mmr-frames.tmp-XXXXXX" in the target's
// folder, so the moves never cross filesystems), on the worker thread: PNG
// compression costs 80-110 ms per 1080p frame (notes), as much as rendering, so
// overlapping the two nearly halves the wall time on 2 cores. finish() moves
// them all into place and removes the folder; abort(), an error, or SIGINT,
// SIGTERM or SIGHUP (the folder is registered with mmr/core/interrupt.h) remove
// the folder and leave no frame: a sequence is complete or absent, like a video.
#include <dirent.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "frame_worker.h"
#include "mmr/core/error.h"
#include "mmr/core/interrupt.h"
#include "mmr/encode/png.h"
#include "sinks.h"

namespace mmr::encode_detail {
namespace {

// Removes the files in `dir`, then `dir`.
void remove_folder(const std::string& dir) {
    if (DIR* d = opendir(dir.c_str())) {
        while (dirent* e = readdir(d)) {
            const std::string n = e->d_name;
            if (n != "." && n != "..") std::remove((dir + "/" + n).c_str());
        }
        closedir(d);
    }
    rmdir(dir.c_str());
}

class PngSequenceSink : public FrameSink {
public:
    PngSequenceSink(const std::string& path, const VideoOptions& opts, const FrameTemplate& tmpl)
        : path_(path), opts_(opts), names_(tmpl), next_(opts.first_index) {
        const size_t slash = tmpl.prefix.rfind('/');
        const std::string dir_prefix = slash == std::string::npos ? "" : tmpl.prefix.substr(0, slash + 1);
        folder_ = dir_prefix;
        names_.prefix = tmpl.prefix.substr(dir_prefix.size());  // the file names' part only
        {
            interrupt::Hold hold;  // registered as soon as it exists
            std::string tmp = dir_prefix + ".mmr-frames.tmp-XXXXXX";
            if (!mkdtemp(&tmp[0])) fail(path_, std::string("cannot write (") + std::strerror(errno) + ")");
            tmp_dir_ = tmp;
            registered_ = interrupt::TempRegistration(tmp_dir_, true);
        }
        worker_ = std::make_unique<FrameWorker>([this](const Image& f) {
            write_png(tmp_dir_ + "/" + names_.expand(next_), f);
            ++next_;
        });
    }
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
            worker_->push(frame);
        } catch (...) {
            abort();
            throw;
        }
    }

    void finish() override {
        if (done_) return;
        done_ = true;
        try {
            worker_->close();
            if (next_ == opts_.first_index) throw Error(path_ + ": no frames to write");
            commit();
        } catch (...) {
            discard();
            throw;
        }
    }

    void abort() override {
        if (done_) return;
        done_ = true;
        discard();
    }

    std::string description() const override {
        char fps[32];
        std::snprintf(fps, sizeof fps, "%g", opts_.fps);
        return "PNG sequence, " + std::to_string(opts_.width) + "x" + std::to_string(opts_.height) + " at " + fps +
               " fps -> " + path_ + " from frame " + std::to_string(opts_.first_index);
    }

private:
    // Moves every frame into place; on failure moves none (those already moved
    // are removed again).
    void commit() {
        interrupt::Hold hold;  // all the frames or none: renames take microseconds each
        for (int k = opts_.first_index; k < next_; ++k) {
            const std::string name = names_.expand(k);
            if (std::rename((tmp_dir_ + "/" + name).c_str(), (folder_ + name).c_str()) != 0) {
                const int e = errno;
                for (int u = opts_.first_index; u < k; ++u) std::remove((folder_ + names_.expand(u)).c_str());
                throw Error(path_ + ": cannot write " + folder_ + name + " (" + std::strerror(e) + ")");
            }
        }
        rmdir(tmp_dir_.c_str());
        registered_.reset();
    }

    void discard() noexcept {
        if (worker_) worker_->cancel();
        remove_folder(tmp_dir_);
        registered_.reset();
    }

    std::string path_;
    VideoOptions opts_;
    FrameTemplate names_;  // the template without its folder
    std::string folder_;   // the frames' folder: "" (the current one) or ending in '/'
    std::string tmp_dir_;  // the hidden temporary folder in it
    interrupt::TempRegistration registered_;
    int next_;  // index of the next file; touched by the worker only until close()
    bool done_ = false;
    std::unique_ptr<FrameWorker> worker_;  // last: its thread uses the members above
};

}  // namespace

std::unique_ptr<FrameSink> open_png_sequence_sink(const std::string& path, const VideoOptions& opts,
                                                  const FrameTemplate& tmpl) {
    return std::make_unique<PngSequenceSink>(path, opts, tmpl);
}

}  // namespace mmr::encode_detail
