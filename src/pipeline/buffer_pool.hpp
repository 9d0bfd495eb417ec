// The pipeline's data memory: a fixed set of equal, aligned buffers, lent out and given back.
// Nothing else in the pipeline allocates per chunk, so memory is count x buffer_bytes.
// Internal to libsdgen: not installed, not part of the API (include/sdgen/ is).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <vector>

namespace sdgen::detail {

class BufferPool;

// One borrowed buffer; goes back to its pool when destroyed. Move-only.
class BufferLease {
 public:
  BufferLease() = default;
  BufferLease(BufferPool* pool, std::uint8_t* data) : pool_(pool), data_(data) {}
  BufferLease(BufferLease&& other) noexcept;
  BufferLease& operator=(BufferLease&& other) noexcept;
  BufferLease(const BufferLease&) = delete;
  BufferLease& operator=(const BufferLease&) = delete;
  ~BufferLease() { release(); }

  explicit operator bool() const { return data_ != nullptr; }
  std::uint8_t* data() const { return data_; }
  void release();

 private:
  BufferPool* pool_ = nullptr;
  std::uint8_t* data_ = nullptr;
};

class BufferPool {
 public:
  // Allocates and touches every buffer now, so page faults happen here and resident memory is
  // the whole pool from the start. Throws Error when the memory is not available.
  BufferPool(std::size_t count, std::size_t buffer_bytes, std::size_t alignment);
  ~BufferPool();
  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;

  // Blocks until a buffer is free; an empty lease once close() was called.
  BufferLease acquire();
  // Never blocks: an empty lease when no buffer is free (or the pool is closed).
  BufferLease try_acquire();
  // Wakes every acquire() for good (shutdown). Leases still out may be given back later.
  void close();

  std::size_t buffer_bytes() const { return buffer_bytes_; }
  std::size_t count() const { return all_.size(); }
  std::size_t available();

 private:
  friend class BufferLease;
  void give_back(std::uint8_t* data);

  std::size_t buffer_bytes_;
  std::vector<std::uint8_t*> all_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::uint8_t*> free_;
  bool closed_ = false;
};

}  // namespace sdgen::detail
