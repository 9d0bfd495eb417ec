#include "pipeline/buffer_pool.hpp"

#include <cstdlib>
#include <cstring>
#include <utility>

#include "sdgen/error.hpp"
#include "sdgen/size.hpp"

namespace sdgen::detail {

BufferLease::BufferLease(BufferLease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)), data_(std::exchange(other.data_, nullptr)) {}

BufferLease& BufferLease::operator=(BufferLease&& other) noexcept {
  if (this != &other) {
    release();
    pool_ = std::exchange(other.pool_, nullptr);
    data_ = std::exchange(other.data_, nullptr);
  }
  return *this;
}

void BufferLease::release() {
  if (data_) pool_->give_back(std::exchange(data_, nullptr));
}

BufferPool::BufferPool(std::size_t count, std::size_t buffer_bytes, std::size_t alignment)
    : buffer_bytes_(buffer_bytes) {
  // aligned_alloc wants a size that is a multiple of the alignment.
  const std::size_t allocation = (buffer_bytes + alignment - 1) / alignment * alignment;
  all_.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    auto* buffer = static_cast<std::uint8_t*>(std::aligned_alloc(alignment, allocation));
    if (!buffer) {
      for (std::uint8_t* allocated : all_) std::free(allocated);
      throw_io("out of memory for " + std::to_string(count) + " buffers of " + format_bytes(buffer_bytes) +
               " (--queue-depth x --chunk-size)");
    }
    std::memset(buffer, 0, allocation);
    all_.push_back(buffer);
  }
  free_ = all_;
}

BufferPool::~BufferPool() {
  for (std::uint8_t* buffer : all_) std::free(buffer);
}

BufferLease BufferPool::acquire() {
  std::unique_lock lock(mutex_);
  returned_.wait(lock, [&] { return !free_.empty() || closed_; });
  if (closed_) return {};
  std::uint8_t* buffer = free_.back();
  free_.pop_back();
  return {this, buffer};
}

BufferLease BufferPool::try_acquire() {
  std::lock_guard lock(mutex_);
  if (closed_ || free_.empty()) return {};
  std::uint8_t* buffer = free_.back();
  free_.pop_back();
  return {this, buffer};
}

void BufferPool::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  returned_.notify_all();
}

std::size_t BufferPool::available() {
  std::lock_guard lock(mutex_);
  return free_.size();
}

void BufferPool::give_back(std::uint8_t* data) {
  {
    std::lock_guard lock(mutex_);
    free_.push_back(data);
  }
  returned_.notify_one();
}

}  // namespace sdgen::detail
