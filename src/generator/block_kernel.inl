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
#include <cstddef>
#include <cstdint>

#include "generator/aes_stream.hpp"
#include "generator/block_content.hpp"

namespace sdgen::detail {
namespace {

struct Keys {
  Vec::T round[5];
  explicit Keys(const StreamKey& key) {
    for (int i = 0; i < 5; ++i) round[i] = Vec::key(key.round_keys[i]);
  }
  Vec::T encrypt(Vec::T counters) const {
    Vec::T s = Vec::xor_(counters, round[0]);
    s = Vec::aes_round(s, round[1]);
    s = Vec::aes_round(s, round[2]);
    s = Vec::aes_round(s, round[3]);
    return Vec::aes_round(s, round[4]);
  }
};

constexpr unsigned kLanes = Vec::kBytes / 16;

void kernel_aes_ctr(const StreamKey& key, std::uint64_t content_id, std::uint64_t first_counter,
                    std::size_t block_count, std::uint8_t* out) {
  const Keys keys(key);
  const Vec::T first = Vec::add_counter(Vec::first_counters(content_id), first_counter);
  std::size_t i = 0;
  for (; i + kLanes <= block_count; i += kLanes) Vec::store(out + 16 * i, keys.encrypt(Vec::add_counter(first, i)));
  if (i < block_count) {
    const Vec::T last = keys.encrypt(Vec::add_counter(first, i));
    alignas(64) std::uint8_t spill[Vec::kBytes];
    Vec::store(spill, last);
    for (std::size_t b = 0; b < 16 * (block_count - i); ++b) out[16 * i + b] = spill[b];
  }
}

// Whole unit blocks in the layout of block_content.hpp: in each 512-byte sector, the sector's
// share of the random bytes from the stream, then zeros; every byte stored once. Vectors go in
// groups of eight independent AES states (AESENC is pipelined, not fast); a group that holds no
// random byte is stored as zeros without encrypting. Bresenham spreading gives every sector
// either floor(random / sectors) or one more random bytes, so two precomputed byte masks cover
// every sector and the loop needs no per-vector arithmetic or branches.
//
// kStreaming: non-temporal stores for destinations far larger than the caches (`out` must be
// aligned to the vector size); they skip the read-for-ownership that halves store bandwidth to
// memory, but would evict a chunk that is about to be used, so only large fills use them.
template <bool kStreaming>
void fill_blocks(const StreamKey& key, const std::uint64_t* content_ids, std::size_t count,
                 std::uint32_t unit_bytes, std::uint32_t random_bytes, std::uint8_t* out) {
  const auto store = [](std::uint8_t* to, Vec::T v) {
    if constexpr (kStreaming)
      Vec::store_streaming(to, v);
    else
      Vec::store(to, v);
  };
  const Keys keys(key);
  constexpr unsigned kGroup = 8;
  constexpr unsigned kGroupBytes = kGroup * Vec::kBytes;
  static_assert(kSectorBytes % kGroupBytes == 0, "a group is a whole sector or a part of one");
  const std::uint32_t sectors = unit_bytes / kSectorBytes;
  const std::uint32_t fewer = random_bytes / sectors;  // random bytes of the shorter sectors
  // longer_sector[s]: sector s holds fewer + 1 random bytes.
  bool longer_sector[(1u << 20) / kSectorBytes];
  for (std::uint32_t s = 0; s < sectors; ++s)
    longer_sector[s] = (std::uint64_t{s} + 1) * random_bytes / sectors - std::uint64_t{s} * random_bytes / sectors > fewer;
  alignas(64) std::uint8_t masks[2][kSectorBytes];
  for (std::uint32_t i = 0; i < kSectorBytes; ++i) {
    masks[0][i] = i < fewer ? 0xff : 0;
    masks[1][i] = i < fewer + 1 ? 0xff : 0;
  }
  for (std::size_t b = 0; b < count; ++b, out += unit_bytes) {
    const Vec::T first = Vec::first_counters(content_ids[b]);
    for (std::uint32_t at = 0; at < unit_bytes; at += kGroupBytes) {
      const std::uint32_t in_sector = at % kSectorBytes;
      const bool longer = longer_sector[at / kSectorBytes];
      if (random_bytes != unit_bytes && in_sector >= fewer + longer) {
        for (unsigned v = 0; v < kGroup; ++v) store(out + at + v * Vec::kBytes, Vec::zero());
        continue;
      }
      Vec::T state[kGroup];
      for (unsigned v = 0; v < kGroup; ++v)
        state[v] = Vec::xor_(Vec::add_counter(first, at / 16 + v * kLanes), keys.round[0]);
      for (int round = 1; round <= 4; ++round)
        for (unsigned v = 0; v < kGroup; ++v) state[v] = Vec::aes_round(state[v], keys.round[round]);
      if (random_bytes == unit_bytes) {  // C = 1: nothing to mask
        for (unsigned v = 0; v < kGroup; ++v) store(out + at + v * Vec::kBytes, state[v]);
        continue;
      }
      const std::uint8_t* mask = masks[longer] + in_sector;
      for (unsigned v = 0; v < kGroup; ++v)
        store(out + at + v * Vec::kBytes, Vec::and_(state[v], Vec::load(mask + v * Vec::kBytes)));
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
