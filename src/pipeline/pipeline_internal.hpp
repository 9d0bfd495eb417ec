// What put and get share: turning the user's options into the ones a run applies.
// Internal to libsdgen: not installed, not part of the API (include/sdgen/ is).
#pragma once

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <thread>

#include "sdgen/pipeline.hpp"
#include "sdgen/storage.hpp"

namespace sdgen::detail {

inline std::uint64_t round_up(std::uint64_t value, std::uint64_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

// The multiple every chunk (but an object's last) must be: the storage's granularity and, when
// verifying, the dedup unit too, so no unit block is split between two chunks.
inline std::uint64_t chunk_multiple(const StorageCapabilities& capabilities, std::uint64_t unit_bytes) {
  const std::uint64_t granularity = std::max<std::uint64_t>(1, capabilities.size_granularity);
  return unit_bytes ? std::lcm(granularity, unit_bytes) : granularity;
}

// `unit_bytes`: the dedup unit when verifying, 0 otherwise. Chunks shrink to the largest object
// (rounded up to the chunk multiple) so pools for small objects stay small.
inline PipelineOptions effective_options(PipelineOptions options, const StorageCapabilities& capabilities,
                                         std::uint64_t object_count, std::uint64_t largest_object_bytes,
                                         std::uint64_t unit_bytes) {
  if (options.threads == 0) options.threads = std::max(1u, std::thread::hardware_concurrency());
  const std::uint64_t jobs = capabilities.concurrent_objects ? std::min<std::uint64_t>(options.jobs, object_count) : 1;
  options.jobs = static_cast<unsigned>(std::max<std::uint64_t>(1, jobs));
  const std::uint64_t multiple = chunk_multiple(capabilities, unit_bytes);
  options.chunk_bytes = round_up(options.chunk_bytes, multiple);
  if (largest_object_bytes < options.chunk_bytes)
    options.chunk_bytes = round_up(std::max<std::uint64_t>(1, largest_object_bytes), multiple);
  return options;
}

// Page alignment at least: O_DIRECT wants it, and it keeps chunks off split cache lines.
inline std::size_t pool_alignment(const StorageCapabilities& capabilities) {
  return std::max<std::size_t>(4096, capabilities.buffer_alignment);
}

}  // namespace sdgen::detail
