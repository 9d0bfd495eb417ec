// The AES-CTR block stream and the block kernels (src/generator/aes_stream.hpp, block_kernels.hpp,
// block_content.hpp): every SIMD implementation this CPU runs must match the portable reference
// byte for byte, because the portable code defines the data format.
#include "generator/aes_stream.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "generator/block_content.hpp"
#include "generator/block_kernels.hpp"
#include "test_util.hpp"

namespace sdgen::detail {
namespace {

using test::Bytes;

std::vector<const BlockKernels*> all_kernels() {
  const BlockKernels* kernels[16];
  const int n = available_kernels(kernels, 16);
  return {kernels, kernels + n};
}

std::string hex(const std::uint8_t* data, std::size_t size) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < size; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 15];
  }
  return out;
}

Bytes from_hex(const std::string& text) {
  Bytes out(text.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(std::stoi(text.substr(2 * i, 2), nullptr, 16));
  return out;
}

// Content ids worth trying: both ends of the range, the tail and calibration domains, random.
std::uint64_t interesting_id(std::mt19937_64& rng, int trial) {
  switch (trial % 6) {
    case 0: return 0;
    case 1: return ~std::uint64_t{0};
    case 2: return kTailDomain | (rng() & 0xffff);
    case 3: return kCalibrationDomain | (rng() & 0xffff);
    case 4: return rng() & 0xff;
    default: return rng();
  }
}

std::uint64_t interesting_counter(std::mt19937_64& rng, int trial) {
  switch (trial % 5) {
    case 0: return 0;
    case 1: return ~std::uint64_t{0} - (rng() % 20);  // the 64-bit counter wraps inside the call
    case 2: return rng() % 4096;
    case 3: return (std::uint64_t{1} << 32) - (rng() % 20);  // a 32-bit carry
    default: return rng();
  }
}

TEST(AesStream, KernelListStartsWithPortableAndEndsWithTheBest) {
  const auto kernels = all_kernels();
  ASSERT_GE(kernels.size(), 1u);
  EXPECT_EQ(kernels.front(), &kPortableKernels);
  EXPECT_EQ(kernels.back(), &best_kernels());
  for (const BlockKernels* k : kernels) std::printf("kernel available: %s\n", k->name);
}

// A change of this value means the data format changed: data written by earlier versions would
// no longer verify. Pinned from aes_ctr_portable(make_stream_key(0), content 0, counter 0).
TEST(AesStream, GoldenVector) {
  const StreamKey key = make_stream_key(0);
  std::uint8_t out[32];
  aes_ctr_portable(key, 0, 0, 2, out);
  EXPECT_EQ(hex(out, 32), "9ea8abbb485333802a9a1bda15a2217425238a4db8370e6138d564b39f296f09");
  for (const BlockKernels* kernels : all_kernels()) {
    std::uint8_t simd[32] = {};
    kernels->aes_ctr(key, 0, 0, 2, simd);
    EXPECT_EQ(hex(simd, 32), hex(out, 32)) << kernels->name;
  }
}

// One AES round is FIPS-197's: with the round keys of the FIPS-197 Appendix A.1 key and the
// state at the start of round 1 of Appendix B, four rounds give the state at the start of
// round 5 printed there. The counter block (counter 0, content 0) is all zeros, so round key 0
// is that start state.
TEST(AesStream, RoundsMatchFips197AppendixB) {
  StreamKey key{};
  const char* round_keys[5] = {"193de3bea0f4e22b9ac68d2ae9f84808", "a0fafe1788542cb123a339392a6c7605",
                               "f2c295f27a96b9435935807a7359f67f", "3d80477d4716fe3e1e237e446d7a883b",
                               "ef44a541a8525b7fb671253bdb0bad00"};
  for (int r = 0; r < 5; ++r) std::memcpy(key.round_keys[r], from_hex(round_keys[r]).data(), 16);
  const std::string start_of_round_5 = "e0927fe8c86363c0d9b1355085b8be01";
  for (const BlockKernels* kernels : all_kernels()) {
    std::uint8_t out[16];
    kernels->aes_ctr(key, 0, 0, 1, out);
    EXPECT_EQ(hex(out, 16), start_of_round_5) << kernels->name;
  }
}

TEST(AesStream, StreamKeyIsAFunctionOfTheSeed) {
  const StreamKey a = make_stream_key(42), b = make_stream_key(42), c = make_stream_key(43);
  EXPECT_EQ(std::memcmp(a.round_keys, b.round_keys, sizeof a.round_keys), 0);
  for (int r = 0; r < 5; ++r) EXPECT_NE(std::memcmp(a.round_keys[r], c.round_keys[r], 16), 0) << "round key " << r;
}

TEST(AesStream, EveryKernelsAesCtrMatchesPortable) {
  std::mt19937_64 rng(1);
  const int trials = 400;
  for (const BlockKernels* kernels : all_kernels()) {
    SCOPED_TRACE(kernels->name);
    for (int trial = 0; trial < trials; ++trial) {
      const StreamKey key = make_stream_key(rng());
      const std::uint64_t id = interesting_id(rng, trial);
      const std::uint64_t counter = interesting_counter(rng, trial / 6);
      const std::size_t blocks = static_cast<std::size_t>(trial % 41);  // 0..40: every lane remainder
      const std::size_t misalign = static_cast<std::size_t>(rng() % 16);
      constexpr std::uint8_t kGuard = 0xa5;
      Bytes expected(16 * blocks + 64, kGuard), actual(16 * blocks + 64 + misalign, kGuard);
      aes_ctr_portable(key, id, counter, blocks, expected.data());
      kernels->aes_ctr(key, id, counter, blocks, actual.data() + misalign);
      ASSERT_EQ(0, std::memcmp(expected.data(), actual.data() + misalign, expected.size()))
          << "id " << id << " counter " << counter << " blocks " << blocks << " (or a write past the end)";
      for (std::size_t i = 0; i < misalign; ++i) ASSERT_EQ(actual[i], kGuard) << "write before the start";
    }
  }
}

// Stream block t of content id is out[t]: the first counter only selects where the output starts.
TEST(AesStream, CounterIsSeekable) {
  const StreamKey key = make_stream_key(7);
  Bytes whole(16 * 100);
  aes_ctr_portable(key, 5, 1000, 100, whole.data());
  for (std::size_t start = 0; start < 100; start += 13) {
    Bytes part(16 * 7);
    aes_ctr_portable(key, 5, 1000 + start, 7, part.data());
    const std::size_t n = std::min<std::size_t>(7, 100 - start);
    EXPECT_EQ(0, std::memcmp(part.data(), whole.data() + 16 * start, 16 * n)) << start;
  }
  // Different content ids and different keys give different streams.
  Bytes other(16 * 100), other_key(16 * 100);
  aes_ctr_portable(key, 6, 1000, 100, other.data());
  aes_ctr_portable(make_stream_key(8), 5, 1000, 100, other_key.data());
  EXPECT_EQ(test::duplicate_blocks(whole, 16), 0u);
  Bytes all = whole;
  all.insert(all.end(), other.begin(), other.end());
  all.insert(all.end(), other_key.begin(), other_key.end());
  EXPECT_EQ(test::duplicate_blocks(all, 16), 0u);
}

TEST(AesStream, AesCtrBytesIsTheSliceOfTheStream) {
  std::mt19937_64 rng(2);
  const StreamKey key = make_stream_key(3);
  Bytes stream(16 * 300);
  aes_ctr_portable(key, 9, 0, 300, stream.data());
  for (const BlockKernels* kernels : all_kernels()) {
    SCOPED_TRACE(kernels->name);
    for (int trial = 0; trial < 500; ++trial) {
      const std::uint64_t begin = rng() % stream.size();
      const std::size_t length = static_cast<std::size_t>(trial % 3 == 0 ? rng() % 40 : rng() % (stream.size() - begin + 1));
      const std::size_t len = std::min<std::size_t>(length, stream.size() - begin);
      Bytes out(len + 32, 0x5a);
      aes_ctr_bytes(kernels->aes_ctr, key, 9, begin, len, out.data());
      ASSERT_EQ(0, std::memcmp(out.data(), stream.data() + begin, len)) << "begin " << begin << " length " << len;
      for (std::size_t i = len; i < out.size(); ++i) ASSERT_EQ(out[i], 0x5a) << "write past the end";
    }
  }
}

TEST(BlockKernels, EveryKernelsFillBlocksMatchesPortable) {
  std::mt19937_64 rng(3);
  const std::vector<std::uint32_t> units = test::small_scale()
                                               ? std::vector<std::uint32_t>{512, 4096, 16384, 65536}
                                               : std::vector<std::uint32_t>{512, 1024, 4096, 16384, 65536, 1u << 20};
  for (const BlockKernels* kernels : all_kernels()) {
    for (const std::uint32_t unit : units) {
      std::vector<std::uint32_t> random_counts = {0, 1, 15, 16, 17, 100, 333, unit / 3, unit / 2 + 1, unit - 1, unit};
      for (std::uint32_t i = 0; i < 4; ++i) random_counts.push_back(static_cast<std::uint32_t>(rng() % unit) | 1u);
      for (const std::uint32_t random : random_counts) {
        SCOPED_TRACE(std::string(kernels->name) + " unit " + std::to_string(unit) + " random bytes " +
                     std::to_string(random));
        const std::size_t count = unit >= (1u << 20) ? 1 : 3;
        std::uint64_t ids[3] = {rng(), rng() & 0xfff, kTailDomain | 5};
        const StreamKey key = make_stream_key(rng());
        Bytes expected(count * unit + 64, 0xa5), actual(count * unit + 64, 0xa5);
        kPortableKernels.fill_blocks(key, ids, count, unit, random, expected.data());
        kernels->fill_blocks(key, ids, count, unit, random, actual.data());
        ASSERT_TRUE(expected == actual);
        // The non-temporal variant, into a destination aligned as it requires.
        Bytes storage(count * unit + 64 + 128, 0xa5);
        const std::size_t alignment = kernels->streaming_alignment;
        ASSERT_TRUE(alignment >= 1 && alignment <= 64 && (alignment & (alignment - 1)) == 0) << alignment;
        std::uint8_t* aligned = storage.data() + (64 - reinterpret_cast<std::uintptr_t>(storage.data()) % 64);
        kernels->fill_blocks_streaming(key, ids, count, unit, random, aligned);
        ASSERT_EQ(0, std::memcmp(aligned, expected.data(), expected.size())) << "streaming stores";
      }
    }
  }
}

// The portable fill itself: in each 512-byte sector, its Bresenham share of the random bytes taken
// from the stream at the same offsets, then zeros; blocks with the same id are equal.
TEST(BlockKernels, PortableLayoutIsRandomPrefixPerSectorThenZeros) {
  const StreamKey key = make_stream_key(11);
  for (const std::uint32_t unit : {512u, 4096u, 65536u}) {
    for (const std::uint32_t random : {16u, 100u, unit / 3, unit - 1}) {
      SCOPED_TRACE("unit " + std::to_string(unit) + " random " + std::to_string(random));
      const std::uint64_t ids[2] = {77, 77};
      Bytes block(2 * unit), stream(unit);
      kPortableKernels.fill_blocks(key, ids, 2, unit, random, block.data());
      aes_ctr_portable(key, 77, 0, unit / 16, stream.data());
      EXPECT_EQ(0, std::memcmp(block.data(), block.data() + unit, unit));
      const std::uint32_t sectors = unit / kSectorBytes;
      std::uint64_t random_total = 0;
      for (std::uint32_t s = 0; s < sectors; ++s) {
        const std::uint64_t share = std::uint64_t{s + 1} * random / sectors - std::uint64_t{s} * random / sectors;
        random_total += share;
        const std::uint8_t* sector = block.data() + s * kSectorBytes;
        EXPECT_EQ(0, std::memcmp(sector, stream.data() + s * kSectorBytes, share)) << "sector " << s;
        EXPECT_TRUE(std::all_of(sector + share, sector + kSectorBytes, [](std::uint8_t b) { return b == 0; }))
            << "sector " << s;
        EXPECT_GE(share, random / sectors);
        EXPECT_LE(share, random / sectors + 1);
      }
      EXPECT_EQ(random_total, random);
    }
  }
}

TEST(BlockContent, WriteOfAnySubRangeEqualsTheWholeBlockFill) {
  std::mt19937_64 rng(4);
  const int ranges = test::small_scale() ? 60 : 300;
  for (const BlockKernels* kernels : all_kernels()) {
    for (const std::uint32_t unit : {512u, 4096u, 65536u}) {
      for (const std::uint32_t random : {16u, 17u, 100u, unit / 3, unit - 1, unit}) {
        SCOPED_TRACE(std::string(kernels->name) + " unit " + std::to_string(unit) + " random " + std::to_string(random));
        const StreamKey key = make_stream_key(rng());
        const std::uint64_t id = rng() >> 2;
        Bytes whole(unit);
        kPortableKernels.fill_blocks(key, &id, 1, unit, random, whole.data());
        const BlockContent content{kernels->aes_ctr, &key, unit, random};
        Bytes written(unit);
        content.write(id, 0, unit, written.data());
        ASSERT_TRUE(written == whole) << "whole block through write()";
        for (int trial = 0; trial < ranges; ++trial) {
          const std::uint64_t begin = trial == 0 ? unit : rng() % (unit + 1);
          // Short ranges often, to land inside and across sector and 16-byte edges.
          const std::uint64_t room = unit - begin;
          const std::uint64_t length = trial % 2 ? rng() % (std::min<std::uint64_t>(room, 40) + 1) : rng() % (room + 1);
          Bytes out(length + 16, 0x5a);
          content.write(id, begin, length, out.data());
          ASSERT_EQ(0, std::memcmp(out.data(), whole.data() + begin, length)) << "range [" << begin << ", "
                                                                              << begin + length << ")";
          for (std::size_t i = length; i < out.size(); ++i) ASSERT_EQ(out[i], 0x5a) << "write past the range";
        }
      }
    }
  }
}

}  // namespace
}  // namespace sdgen::detail
