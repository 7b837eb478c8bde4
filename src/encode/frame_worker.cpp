#include "frame_worker.h"

#include <utility>

namespace mmr::encode_detail {

FrameWorker::FrameWorker(Consume consume, size_t capacity)
    : consume_(std::move(consume)), capacity_(capacity ? capacity : 1) {
    thread_ = std::thread([this] { run(); });
}

FrameWorker::~FrameWorker() { cancel(); }

void FrameWorker::push(const Image& frame) {
    Image slot;
    {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [&] { return error_ || closing_ || queue_.size() < capacity_; });
        if (error_) std::rethrow_exception(error_);
        if (closing_) return;  // the sinks refuse writes after finish/abort before getting here
        if (!spare_.empty()) {
            slot = std::move(spare_.back());
            spare_.pop_back();
        }
    }
    // Copy outside the lock: the worker keeps encoding meanwhile. assign()
    // reuses the spare buffer's capacity.
    slot.width = frame.width;
    slot.height = frame.height;
    slot.rgba.assign(frame.rgba.begin(), frame.rgba.end());
    {
        std::lock_guard<std::mutex> lock(mutex_);
        queue_.push_back(std::move(slot));
    }
    changed_.notify_all();
}

void FrameWorker::close() {
    stop(false);
    if (error_) std::rethrow_exception(error_);
}

void FrameWorker::cancel() { stop(true); }

void FrameWorker::stop(bool drop) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        closing_ = true;
        if (drop) {
            dropping_ = true;
            queue_.clear();
        }
    }
    changed_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void FrameWorker::run() {
    for (;;) {
        Image frame;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            changed_.wait(lock, [&] { return !queue_.empty() || closing_; });
            if (dropping_ || queue_.empty()) return;  // cancelled, or closed and drained
            frame = std::move(queue_.front());
            queue_.pop_front();
        }
        try {
            consume_(frame);
        } catch (...) {
            std::lock_guard<std::mutex> lock(mutex_);
            error_ = std::current_exception();
            queue_.clear();
            changed_.notify_all();
            return;
        }
        {
            std::lock_guard<std::mutex> lock(mutex_);
            spare_.push_back(std::move(frame));
        }
        changed_.notify_all();
    }
}

}  // namespace mmr::encode_detail
