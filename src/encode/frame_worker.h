// Internal to src/encode: runs a frame consumer (encode, compress, write) on its
// own thread behind a small bounded queue. GL rendering and encoding then
// overlap: the notes measured x264 at 1080p going from 24.4 fps (same thread) to
// 29.6 fps (encoder thread) with the renderer in front of it.
#pragma once
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "mmr/gl/backend.h"

namespace mmr::encode_detail {

class FrameWorker {
public:
    using Consume = std::function<void(const Image&)>;
    // 3 queued frames is enough to absorb the jitter between render and encode
    // times and bounds memory (3 x 8 MB at 1080p).
    explicit FrameWorker(Consume consume, size_t capacity = 3);
    ~FrameWorker();  // cancel()
    FrameWorker(const FrameWorker&) = delete;
    FrameWorker& operator=(const FrameWorker&) = delete;

    // Copies the frame into the queue, waiting while it is full. Rethrows the
    // consumer's exception if it failed (on this or an earlier frame).
    void push(const Image& frame);
    // Waits until every queued frame is consumed and stops the thread.
    // Rethrows the consumer's exception if it failed.
    void close();
    // Drops the queued frames and stops the thread (the frame being consumed
    // completes first). Never throws.
    void cancel();

private:
    void run();
    void stop(bool drop);

    Consume consume_;
    size_t capacity_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Image> queue_;
    std::vector<Image> spare_;  // consumed frames, reused so that pixel buffers are not reallocated
    bool closing_ = false, dropping_ = false;
    std::exception_ptr error_;
    std::thread thread_;
};

}  // namespace mmr::encode_detail
