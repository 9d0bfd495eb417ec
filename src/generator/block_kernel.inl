// The block-filling kernel, written once over a vector type and compiled once per instruction
// set (block_kernel_*.cpp, each built with its own -m flags). Everything here has internal
// linkage: an inline function compiled for AVX-512 must never be picked by the linker for code
// that runs on a CPU without it.
//
// Each translation unit defines, before including this file, a struct `Vec` with:
//   static constexpr int kBytes;                      // 16, 32 or 64
//   using T;                                          // the register type
//   static T key(const std::uint8_t round_key[16]);  // round key in every 16-byte lane
//   static T first_counters(std::uint64_t id);       // lanes (id, 0), (id, 1), ...
//   static T add_counter(T first, std::uint64_t n);  // adds n to every lane's counter
//   static T aes_round(T state, T key);
//   static T xor_(T a, T b);
//   static T and_(T a, T b);
//   static T load(const std::uint8_t* aligned);
//   static T zero();
//   static void store(std::uint8_t* out, T v);
//   static void store_streaming(std::uint8_t* aligned_out, T v);  // non-temporal
//   static void fence();                                          // orders streaming stores
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "generator/aes_stream.hpp"
#include "generator/block_content.hpp"

namespace sdgen::detail {
namespace {

struct Keys {
  Vec::T round[kRoundKeys];
  explicit Keys(const StreamKey& key) {
    for (int i = 0; i < kRoundKeys; ++i) round[i] = Vec::key(key.round_keys[i]);
  }
};

constexpr unsigned kLanes = Vec::kBytes / 16;                 // AES blocks per vector
constexpr unsigned kLineVectors = kLineBytes / Vec::kBytes;   // vectors per 128-byte line
constexpr unsigned kCounterVectors = kLineVectors / 2;        // vectors of x (or of y) per line

// The first kVectors vectors of the stream lines whose counters start at `counters` (lanes one
// counter apart, each vector kLanes counters after the one before), passed to sink(index, vector)
// in address order, which keeps stores sequential. Only the y blocks that land among those
// vectors are computed.
template <unsigned kVectors, class Sink>
[[gnu::always_inline]] inline void stream_vectors(const Keys& keys, Vec::T counters, Sink&& sink) {
  constexpr unsigned kLines = (kVectors + kLineVectors - 1) / kLineVectors;
  Vec::T x[kLines * kCounterVectors];
  for (unsigned i = 0; i < kLines * kCounterVectors; ++i)
    x[i] = Vec::xor_(Vec::add_counter(counters, i * kLanes), keys.round[0]);
  for (int round = 1; round <= 4; ++round)
    for (unsigned i = 0; i < kLines * kCounterVectors; ++i) x[i] = Vec::aes_round(x[i], keys.round[round]);
  for (unsigned line = 0; line < kLines; ++line) {
    const unsigned at = line * kLineVectors;
    for (unsigned c = 0; c < kCounterVectors; ++c)
      if (at + c < kVectors) sink(at + c, x[line * kCounterVectors + c]);
    for (unsigned c = 0; c < kCounterVectors; ++c)
      if (at + kCounterVectors + c < kVectors)
        sink(at + kCounterVectors + c, Vec::aes_round(x[line * kCounterVectors + c], keys.round[5]));
  }
}

void kernel_stream_lines(const StreamKey& key, std::uint64_t content_id, std::uint64_t first_line,
                         std::size_t line_count, std::uint8_t* out) {
  const Keys keys(key);
  const Vec::T first = Vec::first_counters(content_id);
  for (std::size_t line = 0; line < line_count; ++line, out += kLineBytes) {
    stream_vectors<kLineVectors>(keys, Vec::add_counter(first, 4 * (first_line + line)),
                                 [&](unsigned i, Vec::T v) { Vec::store(out + i * Vec::kBytes, v); });
  }
}

// Whole unit blocks in the layout of block_content.hpp: in each 512-byte sector, the sector's
// share of the random bytes from the stream, then zeros; every byte stored once.
//
// Vectors go in groups of eight (a whole sector for 512-bit vectors). Only the vectors of a group
// that hold random bytes are encrypted, so compressible data costs less than random data; their
// AES states are independent, so the rounds pipeline (AESENC is pipelined, not fast). Bresenham
// spreading gives every sector either floor(random / sectors) or one more random bytes, so each
// group's shape (how many random vectors, which mask for the last) is looked up, not computed.
//
// kStreaming: non-temporal stores for destinations far larger than the caches (`out` must be
// aligned to the vector size); they skip the read-for-ownership that halves store bandwidth to
// memory, but would evict a chunk that is about to be used, so only large fills use them.
constexpr unsigned kGroup = 8;
constexpr unsigned kGroupBytes = kGroup * Vec::kBytes;
constexpr unsigned kGroupsPerSector = kSectorBytes / kGroupBytes;
static_assert(kSectorBytes % kGroupBytes == 0, "a group is a whole sector or a part of one");

template <bool kStreaming>
void store(std::uint8_t* to, Vec::T v) {
  if constexpr (kStreaming)
    Vec::store_streaming(to, v);
  else
    Vec::store(to, v);
}

// Stores one group at `out`: kRandom vectors of stream from `counters` on, the last of them
// ANDed with `last_mask`, then zeros.
template <unsigned kRandom, bool kStreaming>
[[gnu::always_inline]] inline void store_group(const Keys& keys, Vec::T counters, Vec::T last_mask, std::uint8_t* out) {
  if constexpr (kRandom > 0) {
    stream_vectors<kRandom>(keys, counters, [&](unsigned i, Vec::T v) {
      store<kStreaming>(out + i * Vec::kBytes, i + 1 == kRandom ? Vec::and_(v, last_mask) : v);
    });
  }
  for (unsigned i = kRandom; i < kGroup; ++i) store<kStreaming>(out + i * Vec::kBytes, Vec::zero());
}

// store_group with the count known at run time; a switch, so every case is inlined.
template <bool kStreaming>
void store_group(unsigned random_vectors, const Keys& keys, Vec::T counters, Vec::T last_mask, std::uint8_t* out) {
  static_assert(kGroup == 8);
  switch (random_vectors) {
    case 0: return store_group<0, kStreaming>(keys, counters, last_mask, out);
    case 1: return store_group<1, kStreaming>(keys, counters, last_mask, out);
    case 2: return store_group<2, kStreaming>(keys, counters, last_mask, out);
    case 3: return store_group<3, kStreaming>(keys, counters, last_mask, out);
    case 4: return store_group<4, kStreaming>(keys, counters, last_mask, out);
    case 5: return store_group<5, kStreaming>(keys, counters, last_mask, out);
    case 6: return store_group<6, kStreaming>(keys, counters, last_mask, out);
    case 7: return store_group<7, kStreaming>(keys, counters, last_mask, out);
    default: return store_group<8, kStreaming>(keys, counters, last_mask, out);
  }
}

template <bool kStreaming>
void fill_blocks(const StreamKey& key, const std::uint64_t* content_ids, std::size_t count,
                 std::uint32_t unit_bytes, std::uint32_t random_bytes, std::uint8_t* out) {
  const Keys keys(key);
  constexpr std::uint64_t kGroupCounters = kGroupBytes / (kLineBytes / 4);
  if (random_bytes == unit_bytes) {  // C = 1: straight-line groups of stream, nothing to mask
    for (std::size_t b = 0; b < count; ++b) {
      Vec::T counters = Vec::first_counters(content_ids[b]);
      for (std::uint32_t at = 0; at < unit_bytes; at += kGroupBytes, out += kGroupBytes) {
        stream_vectors<kGroup>(keys, counters, [&](unsigned i, Vec::T v) { store<kStreaming>(out + i * Vec::kBytes, v); });
        counters = Vec::add_counter(counters, kGroupCounters);
      }
    }
    if constexpr (kStreaming) Vec::fence();
    return;
  }
  const std::uint32_t sectors = unit_bytes / kSectorBytes;
  const std::uint32_t fewer = random_bytes / sectors;  // random bytes of the shorter sectors
  // longer_sector[s]: sector s holds fewer + 1 random bytes.
  bool longer_sector[(1u << 20) / kSectorBytes];
  for (std::uint32_t s = 0; s < sectors; ++s)
    longer_sector[s] = (std::uint64_t{s} + 1) * random_bytes / sectors - std::uint64_t{s} * random_bytes / sectors > fewer;
  // The shape of group g of a shorter (0) or longer (1) sector.
  struct Shape {
    unsigned random_vectors;
    Vec::T last_mask;
  };
  Shape shapes[2][kGroupsPerSector];
  for (unsigned longer = 0; longer < 2; ++longer) {
    const std::uint32_t random_in_sector = fewer + longer;
    for (unsigned g = 0; g < kGroupsPerSector; ++g) {
      const std::uint32_t begin = g * kGroupBytes;
      const std::uint32_t random = random_in_sector > begin ? std::min(random_in_sector - begin, kGroupBytes) : 0;
      const unsigned vectors = (random + Vec::kBytes - 1) / Vec::kBytes;
      alignas(64) std::uint8_t mask[Vec::kBytes];
      for (unsigned i = 0; i < Vec::kBytes; ++i) mask[i] = vectors > 0 && (vectors - 1) * Vec::kBytes + i < random ? 0xff : 0;
      shapes[longer][g] = {vectors, Vec::load(mask)};
    }
  }
  for (std::size_t b = 0; b < count; ++b, out += unit_bytes) {
    const Vec::T first = Vec::first_counters(content_ids[b]);
    for (std::uint32_t s = 0, at = 0; s < sectors; ++s) {
      for (const Shape& shape : shapes[longer_sector[s]]) {
        store_group<kStreaming>(shape.random_vectors, keys, Vec::add_counter(first, at / kGroupBytes * kGroupCounters), shape.last_mask, out + at);
        at += kGroupBytes;
      }
    }
  }
  if constexpr (kStreaming) Vec::fence();
}

void kernel_fill_blocks(const StreamKey& key, const std::uint64_t* content_ids, std::size_t count,
                        std::uint32_t unit_bytes, std::uint32_t random_bytes, std::uint8_t* out) {
  fill_blocks<false>(key, content_ids, count, unit_bytes, random_bytes, out);
}

void kernel_fill_blocks_streaming(const StreamKey& key, const std::uint64_t* content_ids, std::size_t count,
                                  std::uint32_t unit_bytes, std::uint32_t random_bytes, std::uint8_t* out) {
  fill_blocks<true>(key, content_ids, count, unit_bytes, random_bytes, out);
}

}  // namespace
}  // namespace sdgen::detail
