#include "storage/http/hand_off.hpp"

#include <algorithm>
#include <cstring>

#include "sdgen/error.hpp"

namespace sdgen::http {

void ChunkHandOff::give(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return;
  std::unique_lock lock(mutex_);
  if (detached_) return;
  pending_ = bytes;
  changed_.notify_all();
  changed_.wait(lock, [&] { return pending_.empty() || detached_; });
  pending_ = {};
}

void ChunkHandOff::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  changed_.notify_all();
}

std::size_t ChunkHandOff::take(std::span<std::uint8_t> out) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return !pending_.empty() || closed_; });
  const std::size_t bytes = std::min(out.size(), pending_.size());
  std::memcpy(out.data(), pending_.data(), bytes);
  pending_ = pending_.subspan(bytes);
  if (pending_.empty()) changed_.notify_all();
  return bytes;
}

void ChunkHandOff::detach() {
  std::lock_guard lock(mutex_);
  detached_ = true;
  changed_.notify_all();
}

std::size_t HandOffBody::read(std::span<std::uint8_t> out) {
  const std::size_t bytes = hand_off_.take(out);
  if (cancel_.load()) throw_io(label_ + ": cancelled");
  taken_ += bytes;
  return bytes;  // 0 before the end (closed early): curl reports the short body
}

}  // namespace sdgen::http
