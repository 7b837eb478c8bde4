// Internal to src/encode/av: an encoder thread over a fixed pool of converted frames.
// The caller converts each RGBA frame straight into a free slot (the YUV frame the
// encoder takes) and queues it; the worker encodes the slots in order and hands them
// back. Compared with FrameWorker (which copies each RGBA frame into its queue and
// converts on the worker), no RGBA copy is made and the queue holds YUV frames
// (1.5 bytes a pixel in 4:2:0 instead of 4): bench/encode_stages.sh measures both.
#pragma once
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace mmr::encode_detail {

class SlotWorker {
public:
    using Consume = std::function<void(int slot)>;
    // Slots 0 .. slots-1 start free.
    SlotWorker(int slots, Consume consume) : consume_(std::move(consume)) {
        for (int i = 0; i < slots; ++i) free_.push_back(i);
        thread_ = std::thread([this] { run(); });
    }
    ~SlotWorker() { cancel(); }
    SlotWorker(const SlotWorker&) = delete;
    SlotWorker& operator=(const SlotWorker&) = delete;

    // A free slot for the caller to fill, waiting while all are queued or being
    // encoded. Rethrows the consumer's exception if it failed.
    int acquire() {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [&] { return error_ || !free_.empty(); });
        if (error_) std::rethrow_exception(error_);
        const int slot = free_.front();
        free_.pop_front();
        return slot;
    }
    // Gives back a slot acquired but not filled (the conversion failed).
    void release(int slot) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            free_.push_back(slot);
        }
        changed_.notify_all();
    }
    // Queues a filled slot for the consumer.
    void push(int slot) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            queue_.push_back(slot);
        }
        changed_.notify_all();
    }
    // Waits until every queued slot is consumed and stops the thread. Rethrows the
    // consumer's exception if it failed.
    void close() {
        stop(false);
        if (error_) std::rethrow_exception(error_);
    }
    // Drops the queued slots and stops the thread (the slot being consumed completes
    // first). Never throws.
    void cancel() { stop(true); }

private:
    void stop(bool drop) {
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

    void run() {
        for (;;) {
            int slot;
            {
                std::unique_lock<std::mutex> lock(mutex_);
                changed_.wait(lock, [&] { return !queue_.empty() || closing_; });
                if (dropping_ || queue_.empty()) return;  // cancelled, or closed and drained
                slot = queue_.front();
                queue_.pop_front();
            }
            try {
                consume_(slot);
            } catch (...) {
                std::lock_guard<std::mutex> lock(mutex_);
                error_ = std::current_exception();
                queue_.clear();
                changed_.notify_all();
                return;
            }
            {
                std::lock_guard<std::mutex> lock(mutex_);
                free_.push_back(slot);
            }
            changed_.notify_all();
        }
    }

    Consume consume_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<int> free_, queue_;
    bool closing_ = false, dropping_ = false;
    std::exception_ptr error_;
    std::thread thread_;
};

}  // namespace mmr::encode_detail
