// Writing one S3 object: a streaming PUT up to the multipart threshold, a multipart upload above.
//
// Single PUT: the transfer starts at create() on a transfer thread; write() hands each chunk to
// curl's read callback and returns once curl has taken it, so no copy of the object is kept.
// The PUT carries the object's CRC32C, which S3 checks on arrival; since the header goes before
// the body, the transfer thread first generates the object once more through the source to
// compute it (so a stream that differs from its source is refused: 400 BadDigest).
// Multipart: write() copies into part buffers of part_bytes; each full part is uploaded on a
// transfer thread, at most parts_in_flight at once; a part's buffer returns to the writer as soon
// as curl has taken its last byte (the writer fills the next part while the server still digests
// this one). Memory per object: at most parts_in_flight x part_bytes. Every part carries its
// CRC32C (computed from the buffer before the first attempt), which S3 checks on arrival.
//
// Because no copy is kept, a resend (5xx, 429, SlowDown, reset, timeout; up to max_attempts with
// backoff) regenerates the body through ByteSource::read_at on a transfer thread (several parts
// may do so at once). The source must stay valid until complete() or abort() has returned, and
// writers must be gone before their storage.
//
// Honesty: the object exists only when complete() has returned (the PUT or
// CompleteMultipartUpload succeeded). A failed part, a failed complete() or abort() aborts the
// multipart upload (AbortMultipartUpload) so no parts are left behind. A CreateMultipartUpload
// that was sent more than once (an answer lost or refused), or failed after reaching the store,
// may have created uploads nobody knows of: the writer lists the uploads of its key
// (ListMultipartUploads) and aborts those no writer of this process uses. abort() of a single PUT
// that went through, or whose whole body went out with no answer back, deletes the object (a
// request whose body is out is never cut off: the store may act on it anyway). A writer
// destroyed without complete() aborts.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sdgen/storage.hpp"
#include "storage/s3/s3_client.hpp"

namespace sdgen::s3 {

// Runs each task at once on an idle thread, or on a new one when none is idle: a task never
// waits behind another (a single PUT's task waits for its writer's chunks, so queueing tasks
// could deadlock a caller that interleaves writers). Threads stay for reuse, and so do their
// curl handles and connections. The destructor waits for running tasks.
class TransferThreads {
 public:
  TransferThreads() = default;
  TransferThreads(const TransferThreads&) = delete;
  TransferThreads& operator=(const TransferThreads&) = delete;
  ~TransferThreads();

  void run(std::function<void()> task);  // the task must not throw

 private:
  void serve();

  std::mutex mutex_;
  std::condition_variable work_;
  std::deque<std::function<void()>> tasks_;
  std::vector<std::thread> threads_;
  std::size_t idle_ = 0;
  bool stopping_ = false;
};

// The writer for `key` (the full object key) of `size` bytes. A multipart writer sends
// CreateMultipartUpload before returning. Throws Error.
std::unique_ptr<ObjectWriter> make_writer(const Client& client, TransferThreads& threads, const StorageOptions& options,
                                          std::string key, std::uint64_t size, ByteSource& source);

}  // namespace sdgen::s3
