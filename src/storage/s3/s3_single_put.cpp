// Single PUT: curl's read callback takes the chunks write() hands over (s3_writer.hpp).
#include <atomic>
#include <condition_variable>
#include <mutex>

#include "sdgen/error.hpp"
#include "storage/http/hand_off.hpp"
#include "storage/s3/s3_checksum.hpp"
#include "storage/s3/s3_writer.hpp"

namespace sdgen::s3 {

namespace {

class SinglePutWriter final : public ObjectWriter {
 public:
  SinglePutWriter(const Client& client, http::TransferThreads& threads, std::string key, std::uint64_t size,
                  ByteSource& source)
      : client_(client), key_(std::move(key)), size_(size), source_(source) {
    threads.run([this] { transfer(); });
  }
  ~SinglePutWriter() override { abort(); }

  void write(std::span<const std::uint8_t> chunk) override {
    // Sizes, order and complete-once are Storage::create's checker's (storage.cpp): a chunk here
    // always fits, and nothing comes after complete() or abort().
    if (chunk.empty()) return;
    hand_off_.give(chunk);
    {
      std::lock_guard lock(mutex_);
      if (finished_ && error_) std::rethrow_exception(error_);
    }
    written_ += chunk.size();
  }

  void complete() override {
    hand_off_.close();
    std::unique_lock lock(mutex_);
    finished_changed_.wait(lock, [&] { return finished_; });
    if (error_) {
      lock.unlock();
      state_ = State::aborted;
      remove_if_maybe_stored();
      std::rethrow_exception(error_);
    }
    state_ = State::completed;
  }

  void abort() noexcept override {
    if (state_ != State::open) return;
    state_ = State::aborted;
    cancel_ = true;
    hand_off_.close();
    {
      std::unique_lock lock(mutex_);
      finished_changed_.wait(lock, [&] { return finished_; });
    }
    remove_if_maybe_stored();
  }

 private:
  enum class State { open, completed, aborted };

  // After a PUT that is not to count: it went through, or its whole body did and no answer
  // came, so the store may hold it. (A store that answered with an error stored nothing, and a
  // same-named older object must then stay.)
  void remove_if_maybe_stored() noexcept {
    if (error_ && (refused_ || !body_sent_)) return;
    try {
      Request request;
      request.method = "DELETE";
      request.key = key_;
      client_.send(request);
    } catch (...) {
    }
  }

  // On a transfer thread, from create() until the PUT has an answer.
  void transfer() {
    Request request;
    request.method = "PUT";
    request.key = key_;
    request.body_bytes = size_;
    request.content_type = "application/octet-stream";
    request.cancel = &cancel_;
    request.body_sent = &body_sent_;
    const std::string label = "PUT " + client_.uri_of(key_);
    const BodyFactory bodies = [&](unsigned attempt) -> std::unique_ptr<Body> {
      if (size_ == 0) return std::make_unique<SpanBody>(std::span<const std::uint8_t>{});
      if (attempt == 1) return std::make_unique<http::HandOffBody>(hand_off_, cancel_, label);
      hand_off_.detach();  // write() only counts from now on: the resend regenerates
      return std::make_unique<RegeneratedBody>(source_, 0, size_);
    };
    std::exception_ptr error;
    bool refused = false;
    try {
      // The algorithm header is what SDKs send beside the value; moto keeps the value only with it.
      // (8 ms per 64 MiB on one core here to compute, against > 1 s to send; a trailing checksum
      // instead would need the aws-chunked body encoding.)
      request.headers = {"x-amz-checksum-crc32c: " + crc32c_base64_of(source_, 0, size_),
                         "x-amz-sdk-checksum-algorithm: CRC32C"};
      const Response response = client_.send(request, bodies);
      refused = !response.ok();
      if (refused) client_.throw_failure(request, response);
      // S3 answers every stored PUT with its ETag: a 200 without one is no S3 answer, and nothing
      // says the object was kept.
      if (response.etag.empty())
        throw_io("PUT " + client_.uri_of(key_) + ": " + client_.config().endpoint +
                 " answered 200 without an ETag (is it an S3 endpoint?): the object is not counted written");
    } catch (...) {
      error = std::current_exception();
    }
    hand_off_.detach();
    std::lock_guard lock(mutex_);
    error_ = error;
    refused_ = refused;
    finished_ = true;
    finished_changed_.notify_all();
  }

  const Client& client_;
  const std::string key_;
  const std::uint64_t size_;
  ByteSource& source_;
  State state_ = State::open;  // the writer's thread only
  std::uint64_t written_ = 0;  // the writer's thread only
  std::atomic<bool> cancel_{false};
  std::atomic<bool> body_sent_{false};
  http::ChunkHandOff hand_off_;

  std::mutex mutex_;  // guards what follows
  std::condition_variable finished_changed_;
  bool finished_ = false;  // transfer() is done; error_ says how
  std::exception_ptr error_;
  bool refused_ = false;  // the store answered the PUT with an error
};

}  // namespace

std::unique_ptr<ObjectWriter> make_single_put_writer(const Client& client, http::TransferThreads& threads,
                                                     std::string key, std::uint64_t size, ByteSource& source) {
  return std::make_unique<SinglePutWriter>(client, threads, std::move(key), size, source);
}

}  // namespace sdgen::s3
