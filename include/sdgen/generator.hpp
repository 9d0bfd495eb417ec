// The data generator: random access and streaming generation of a dataset's bytes.
//
// Determinism: fill(object, offset, out) writes exactly the bytes that position holds, whatever
// the call pattern. Streaming through ObjectGen with chunks of any size, or splitting a buffer
// across threads, yields the same bytes as one fill of the whole object.
//
// Thread safety: a DataGenerator is immutable after construction; any number of threads may call
// fill() and begin_object() concurrently. An ObjectGen belongs to one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "sdgen/fill_threads.hpp"
#include "sdgen/spec.hpp"

#pragma GCC visibility push(default)
namespace sdgen {

class ObjectGen;

// Byte counts a run is expected to present to a data-reducing store.
struct ExpectedBytes {
  std::uint64_t logical = 0;  // everything written: count x size
  std::uint64_t unique = 0;   // after dedup at the unit: distinct full blocks + partial tails
  std::uint64_t stored = 0;   // after dedup and compression: unique / C
};

class DataGenerator {
 public:
  // Validates the spec and layout and calibrates compression (a few milliseconds to a second on
  // the first use of a (codec, chunk, unit, C); then cached for the process). Throws Error.
  DataGenerator(const DataSpec& spec, const DatasetLayout& layout);

  // Writes bytes [offset, offset + out.size()) of object `object`. Throws Error when the range
  // lies outside the object or the object outside the dataset.
  void fill(std::uint64_t object, std::uint64_t offset, std::span<std::uint8_t> out) const;

  // Fills of at least this many bytes use non-temporal stores: such a buffer cannot stay in the
  // caches anyway, and skipping the read-for-ownership nearly doubles the rate to memory.
  // Smaller fills (pipeline chunks, used right away) use ordinary stores.
  static constexpr std::uint64_t kStreamingFillBytes = std::uint64_t{32} << 20;

  // Same bytes as fill(), split across the threads at unit boundaries (fewer parts for ranges
  // under 256 KiB per thread).
  void fill_parallel(std::uint64_t object, std::uint64_t offset, std::span<std::uint8_t> out,
                     FillThreads& threads) const;

  // A streaming cursor at offset 0 of `object`.
  ObjectGen begin_object(std::uint64_t object) const;

  const DataSpec& spec() const { return spec_; }
  const DatasetLayout& layout() const { return layout_; }

  // The calibrated random bytes per distinct block (unit_bytes when C = 1).
  std::uint32_t random_bytes_per_block() const { return random_bytes_; }
  // Full unit blocks of object `object`, and of the whole dataset.
  std::uint64_t full_blocks_of(std::uint64_t object) const { return layout_.size_of(object) / spec_.unit_bytes; }
  std::uint64_t total_full_blocks() const;
  // Distinct full blocks in the dataset (both scopes).
  std::uint64_t distinct_full_blocks() const;
  ExpectedBytes expected_bytes() const;

  // Name of the SIMD implementation in use ("vaes-512", "aes-ni", "portable", ...).
  static std::string implementation();

 private:
  void fill_unchecked(std::uint64_t object, std::uint64_t offset, std::span<std::uint8_t> out, bool streaming) const;

  struct Plan;  // the derived layout: block counts, permutation, stream key (generator.cpp)
  DataSpec spec_;
  DatasetLayout layout_;
  std::shared_ptr<const Plan> plan_;
  std::uint32_t random_bytes_ = 0;
};

// Streaming generation of one object: fill_chunk() continues where the last call stopped.
class ObjectGen {
 public:
  ObjectGen(const DataGenerator& generator, std::uint64_t object);

  // Fills `out` with the next out.size() bytes (any size). Throws Error past the object's end.
  void fill_chunk(std::span<std::uint8_t> out);

  std::uint64_t object() const { return object_; }
  std::uint64_t offset() const { return offset_; }
  std::uint64_t remaining() const { return size_ - offset_; }
  bool done() const { return offset_ == size_; }

 private:
  const DataGenerator* generator_;
  std::uint64_t object_;
  std::uint64_t offset_ = 0;
  std::uint64_t size_;
};

}  // namespace sdgen
#pragma GCC visibility pop
