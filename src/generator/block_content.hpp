// The bytes of one distinct block: calibrated random bytes at the start of each 512-byte sector,
// zeros after them. Spreading the random bytes evenly over the sectors (Bresenham) keeps every
// sector, and so every block at any unit >= 512, non-zero and equally compressible.
// Internal to libsdgen: not installed, not part of the API (include/sdgen/ is).
#pragma once

#include <cstdint>

#include "generator/aes_stream.hpp"

namespace sdgen::detail {

inline constexpr std::uint32_t kSectorBytes = 512;

// Content ids: dataset blocks use [0, 2^62); these domains keep other blocks distinct from them.
inline constexpr std::uint64_t kTailDomain = std::uint64_t{1} << 63;         // | object index
inline constexpr std::uint64_t kCalibrationDomain = std::uint64_t{1} << 62;  // | sample block

struct BlockContent {
  StreamLinesFn stream_lines;
  const StreamKey* key;
  std::uint32_t unit_bytes;
  std::uint32_t random_bytes;  // per unit block

  // Writes bytes [begin, begin + length) of block `content_id` (begin + length <= unit_bytes).
  void write(std::uint64_t content_id, std::uint64_t begin, std::uint64_t length, std::uint8_t* out) const;
};

}  // namespace sdgen::detail
