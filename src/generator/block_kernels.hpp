// The generator's hot loops, one set per instruction set, chosen once at start-up.
// Internal to libsdgen: not installed, not part of the API (include/sdgen/ is).
#pragma once

#include <cstddef>
#include <cstdint>

#include "generator/aes_stream.hpp"

namespace sdgen::detail {

// Fills `count` whole unit blocks: block i gets content content_ids[i] in the layout of
// block_content.hpp with `random_bytes` random bytes, at out + i * unit_bytes.
using FillBlocksFn = void (*)(const StreamKey& key, const std::uint64_t* content_ids, std::size_t count,
                              std::uint32_t unit_bytes, std::uint32_t random_bytes, std::uint8_t* out);

struct BlockKernels {
  const char* name;
  StreamLinesFn stream_lines;
  FillBlocksFn fill_blocks;
  // Same bytes with non-temporal stores, for fills far larger than the caches; `out` must be
  // aligned to `streaming_alignment`.
  FillBlocksFn fill_blocks_streaming;
  std::size_t streaming_alignment;
};

extern const BlockKernels kPortableKernels;

// Every set this CPU can run, the portable reference first and the fastest last.
// Returns how many were written to `out`.
int available_kernels(const BlockKernels** out, int capacity);

// The fastest set for this CPU.
const BlockKernels& best_kernels();

}  // namespace sdgen::detail
