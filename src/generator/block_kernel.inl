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
#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>

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

constexpr unsigned kLanes = Vec::kBytes / 16;                // AES blocks per vector
constexpr unsigned kLineVectors = kLineBytes / Vec::kBytes;  // vectors per 128-byte line
constexpr unsigned kCounterVectors = kLineVectors / 2;       // vectors of x (or of y) per line

// The first kVectors vectors of the stream lines whose counters start at `counters` (lanes one
// counter apart, each vector kLanes counters after the one before), passed to sink(index, vector)
// in address order. Only the y blocks that land among those vectors are computed.
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
// share of the random bytes from the stream, then zeros; every byte stored once, in address order.
//
// Bresenham spreading gives every sector either floor(random / sectors) or one more random bytes,
// so every sector has the same number of vectors holding random bytes, give or take the last,
// which is masked per sector shape (a shorter sector's mask may be all zeros). That number is a
// template argument chosen once per call: the sector loop is straight-line code that encrypts only
// those vectors (compressible data costs less than random data) and stores zeros after them.
// Vectors go in groups of eight (a whole sector for 512-bit vectors) whose AES states are
// independent, so the rounds pipeline (AESENC is pipelined, not fast).
//
// kStreaming: non-temporal stores for destinations far larger than the caches (`out` must be
// aligned to the vector size); they skip the read-for-ownership that halves store bandwidth to
// memory, but would evict a chunk that is about to be used, so only large fills use them.
constexpr unsigned kGroup = 8;
constexpr unsigned kGroupBytes = kGroup * Vec::kBytes;
constexpr unsigned kGroupsPerSector = kSectorBytes / kGroupBytes;
constexpr unsigned kSectorVectors = kSectorBytes / Vec::kBytes;
constexpr std::uint64_t kGroupCounters = kGroupBytes / (kLineBytes / 4);
static_assert(kSectorBytes % kGroupBytes == 0, "a group is a whole sector or a part of one");

template <bool kStreaming>
[[gnu::always_inline]] inline void store(std::uint8_t* to, Vec::T v) {
  if constexpr (kStreaming)
    Vec::store_streaming(to, v);
  else
    Vec::store(to, v);
}

// Stores one group at `out`: kRandom vectors of stream from `counters` on, the last of them
// ANDed with `last_mask` if kMaskLast, then zeros.
template <unsigned kRandom, bool kMaskLast, bool kStreaming>
[[gnu::always_inline]] inline void store_group(const Keys& keys, Vec::T counters, Vec::T last_mask, std::uint8_t* out) {
  if constexpr (kRandom > 0) {
    stream_vectors<kRandom>(keys, counters, [&](unsigned i, Vec::T v) {
      store<kStreaming>(out + i * Vec::kBytes, kMaskLast && i + 1 == kRandom ? Vec::and_(v, last_mask) : v);
    });
  }
  for (unsigned i = kRandom; i < kGroup; ++i) store<kStreaming>(out + i * Vec::kBytes, Vec::zero());
}

// One sector whose first kRandom vectors hold random bytes, the last of them masked if kMask.
template <unsigned kRandom, bool kMask, bool kStreaming, unsigned... kG>
[[gnu::always_inline]] inline void store_sector(const Keys& keys, Vec::T counters, Vec::T last_mask, std::uint8_t* out,
                                                std::integer_sequence<unsigned, kG...>) {
  constexpr auto random_in = [](unsigned g) {
    return std::clamp(static_cast<int>(kRandom) - static_cast<int>(g * kGroup), 0, static_cast<int>(kGroup));
  };
  // clang-format 14 reads the fold expression's template arguments as comparisons:
  // clang-format off
  (store_group<random_in(kG), kMask && (kG + 1) * kGroup >= kRandom, kStreaming>(
       keys, Vec::add_counter(counters, kG * kGroupCounters), last_mask, out + kG * kGroupBytes),
   ...);
  // clang-format on
}

// The mask of the last random vector in a shorter [0] and a longer [1] sector.
struct LastMasks {
  Vec::T of[2];
};

template <unsigned kRandom, bool kMask, bool kStreaming>
void fill_sectors(const StreamKey& key, const std::uint64_t* content_ids, std::size_t count, std::uint32_t sectors,
                  const bool* longer_sector, const LastMasks& last_masks, std::uint8_t* out) {
  const Keys keys(key);  // local, so stores through `out` cannot alias it and it stays in registers
  for (std::size_t b = 0; b < count; ++b) {
    Vec::T counters = Vec::first_counters(content_ids[b]);
    for (std::uint32_t s = 0; s < sectors; ++s, out += kSectorBytes) {
      store_sector<kRandom, kMask, kStreaming>(keys, counters, kMask ? last_masks.of[longer_sector[s]] : Vec::zero(),
                                               out, std::make_integer_sequence<unsigned, kGroupsPerSector>());
      counters = Vec::add_counter(counters, kGroupsPerSector * kGroupCounters);
    }
  }
}

using FillSectorsFn = void (*)(const StreamKey&, const std::uint64_t*, std::size_t, std::uint32_t, const bool*,
                               const LastMasks&, std::uint8_t*);

// Entry n < kSectorVectors + 1: n random vectors per sector, the last masked; the entry after
// them: all random, nothing to mask (C = 1).
template <bool kStreaming, unsigned... kRandom>
constexpr std::array<FillSectorsFn, sizeof...(kRandom) + 1> sector_fills(std::integer_sequence<unsigned, kRandom...>) {
  return {fill_sectors<kRandom, true, kStreaming>..., fill_sectors<kSectorVectors, false, kStreaming>};
}

template <bool kStreaming>
void fill_blocks(const StreamKey& key, const std::uint64_t* content_ids, std::size_t count, std::uint32_t unit_bytes,
                 std::uint32_t random_bytes, std::uint8_t* out) {
  const std::uint32_t sectors = unit_bytes / kSectorBytes;
  const std::uint32_t fewer = random_bytes / sectors;  // random bytes of the shorter sectors
  // longer_sector[s]: sector s holds fewer + 1 random bytes.
  // floor((s+1) r / S) - floor(s r / S) exceeds floor(r / S) exactly when (s r mod S) + (r mod S)
  // reaches S: tracked incrementally, without a division per sector.
  bool longer_sector[(1u << 20) / kSectorBytes];
  const std::uint32_t spread = random_bytes % sectors;
  for (std::uint32_t s = 0, carried = 0; s < sectors; ++s) {
    carried += spread;
    longer_sector[s] = carried >= sectors;
    if (longer_sector[s]) carried -= sectors;
  }
  const bool any_longer = spread != 0;
  const std::uint32_t most = fewer + any_longer;  // random bytes of the longest sector
  const unsigned random_vectors = (most + Vec::kBytes - 1) / Vec::kBytes;
  LastMasks last_masks;
  for (unsigned longer = 0; longer < 2; ++longer) {
    alignas(64) std::uint8_t mask[Vec::kBytes];
    for (unsigned i = 0; i < Vec::kBytes; ++i)
      mask[i] = random_vectors > 0 && (random_vectors - 1) * Vec::kBytes + i < fewer + longer ? 0xff : 0;
    last_masks.of[longer] = Vec::load(mask);
  }
  static constexpr auto kFills = sector_fills<kStreaming>(std::make_integer_sequence<unsigned, kSectorVectors + 1>());
  kFills[random_bytes == unit_bytes ? kSectorVectors + 1 : random_vectors](key, content_ids, count, sectors,
                                                                           longer_sector, last_masks, out);
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
