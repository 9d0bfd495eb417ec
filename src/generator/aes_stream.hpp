// The random byte stream behind every distinct block: reduced-round AES in counter mode.
//
// Stream R(key, content_id) is a sequence of 128-byte lines. Line j comes from the four counters
// t = 4j .. 4j+3, where counter(t, id) is the 128-bit little-endian value (id << 64) | t:
//   x[t] = AESENC^4(counter(t, id) ^ rk[0], rk[1..4])
//   y[t] = AESENC(x[t], rk[5])
//   line j = x[4j] x[4j+1] x[4j+2] x[4j+3] y[4j] y[4j+1] y[4j+2] y[4j+3]   (16 bytes each)
// AESENC is one full AES round (SubBytes, ShiftRows, MixColumns, AddRoundKey) as the x86 AESENC
// instruction does it. Four rounds give full diffusion, which is all incompressibility needs (no
// codec finds structure in it, and three rounds would leave AES's zero-sum over 256 consecutive
// counters); the fifth round turns each x into a second, equally mixed block, so every 32 bytes
// cost five rounds instead of eight. The stream is counter-based, so any line is reachable
// directly. The round keys come from the dataset seed, so different seeds share no blocks.
//
// The byte format is fixed: the portable implementation is the reference and every SIMD
// implementation must match it byte for byte (tests/aes_stream_test.cpp).
// Internal to libsdgen: not installed, not part of the API (include/sdgen/ is).
#pragma once

#include <cstddef>
#include <cstdint>

namespace sdgen::detail {

inline constexpr std::size_t kLineBytes = 128;
inline constexpr int kRoundKeys = 6;

struct StreamKey {
  alignas(16) std::uint8_t round_keys[kRoundKeys][16];
};

// Derives the round keys from a seed (SplitMix64 expansion).
StreamKey make_stream_key(std::uint64_t seed);

// Writes lines first_line .. first_line + line_count - 1 of stream `content_id` to `out` (no
// alignment required). Counters wrap modulo 2^64.
using StreamLinesFn = void (*)(const StreamKey& key, std::uint64_t content_id, std::uint64_t first_line,
                               std::size_t line_count, std::uint8_t* out);

// Reference implementation in plain C++ (table S-box), slow and obviously correct.
void stream_lines_portable(const StreamKey& key, std::uint64_t content_id, std::uint64_t first_line,
                           std::size_t line_count, std::uint8_t* out);

// Writes stream bytes [begin, begin + length) of content `content_id` (any alignment).
void stream_bytes(StreamLinesFn fn, const StreamKey& key, std::uint64_t content_id, std::uint64_t begin,
                  std::size_t length, std::uint8_t* out);

}  // namespace sdgen::detail
