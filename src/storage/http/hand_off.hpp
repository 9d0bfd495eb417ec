// Passes the chunks that ObjectWriter::write() receives to the body of a request running on a
// transfer thread, without a copy (internal to libsdgen).
//
// give() returns once the body has taken every byte, so the caller may reuse the chunk at once
// (the pipeline's buffer goes back to its pool): an object is never held in memory beyond the
// pipeline's own buffers and curl's upload buffer. Once the attempt that streams is over (it
// failed and a resend regenerates its body from the ByteSource, or the request ended), the
// hand-off is detached: give() then returns at once and its bytes go nowhere.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>

#include "storage/http/transport.hpp"

namespace sdgen::http {

class ChunkHandOff {
 public:
  // The writer's side.
  void give(std::span<const std::uint8_t> bytes);  // returns when all taken, or detached
  void close();                                    // no more bytes: a waiting body gets 0

  // The request's side.
  std::size_t take(std::span<std::uint8_t> out);  // waits for bytes; 0 once closed and empty
  void detach();                                  // the streaming attempt is over

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::span<const std::uint8_t> pending_;  // what give() waits for the body to take
  bool closed_ = false;
  bool detached_ = false;
};

// Attempt 1's body: what the writer hands over. It cannot rewind once it took a byte (the
// bytes are gone): curl then fails the attempt and the next one regenerates.
class HandOffBody final : public Body {
 public:
  // `cancel` set: read() throws Error (io) "<label>: cancelled".
  HandOffBody(ChunkHandOff& hand_off, const std::atomic<bool>& cancel, std::string label)
      : hand_off_(hand_off), cancel_(cancel), label_(std::move(label)) {}
  std::size_t read(std::span<std::uint8_t> out) override;
  bool rewind() override { return taken_ == 0; }

 private:
  ChunkHandOff& hand_off_;
  const std::atomic<bool>& cancel_;
  const std::string label_;
  std::uint64_t taken_ = 0;
};

}  // namespace sdgen::http
