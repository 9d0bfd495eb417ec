// The random byte stream behind every distinct block: reduced-round AES in counter mode.
//
// Stream R(key, content_id) is the sequence of 16-byte blocks
//   out[t] = AESENC^4(counter(t, content_id) ^ rk[0], rk[1..4])
// where counter(t, id) is the 128-bit little-endian value (id << 64) | t and AESENC is one full
// AES round (SubBytes, ShiftRows, MixColumns, AddRoundKey) as the x86 AESENC instruction does it.
// Four rounds give full diffusion, which is all incompressibility needs (no codec finds structure
// in it); the stream is counter-based, so any offset is reachable directly. The round keys come
// from the dataset seed, so different seeds share no blocks.
//
// The byte format is fixed: the portable implementation is the reference and every SIMD
// implementation must match it byte for byte (tests/aes_stream_test.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace sdgen::detail {

struct StreamKey {
  alignas(16) std::uint8_t round_keys[5][16];
};

// Derives the five round keys from a seed (SplitMix64 expansion).
StreamKey make_stream_key(std::uint64_t seed);

// Writes `block_count` 16-byte stream blocks of content `content_id`, counters first_counter,
// first_counter + 1, ..., to `out` (no alignment required).
using AesCtrFn = void (*)(const StreamKey& key, std::uint64_t content_id, std::uint64_t first_counter,
                          std::size_t block_count, std::uint8_t* out);

// Reference implementation in plain C++ (table S-box), slow and obviously correct.
void aes_ctr_portable(const StreamKey& key, std::uint64_t content_id, std::uint64_t first_counter,
                      std::size_t block_count, std::uint8_t* out);

// Writes stream bytes [begin, begin + length) of content `content_id` (any alignment).
void aes_ctr_bytes(AesCtrFn fn, const StreamKey& key, std::uint64_t content_id, std::uint64_t begin,
                   std::size_t length, std::uint8_t* out);

}  // namespace sdgen::detail
