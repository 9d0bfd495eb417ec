// The AES counter-mode line stream and the block kernels (src/generator/aes_stream.hpp, block_kernels.hpp,
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
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<std::uint8_t>(std::stoi(text.substr(2 * i, 2), nullptr, 16));
  return out;
}

// Content ids worth trying: both ends of the range, the tail and calibration domains, random.
std::uint64_t interesting_id(std::mt19937_64& rng, int trial) {
  switch (trial % 6) {
    case 0:
      return 0;
    case 1:
      return ~std::uint64_t{0};
    case 2:
      return kTailDomain | (rng() & 0xffff);
    case 3:
      return kCalibrationDomain | (rng() & 0xffff);
    case 4:
      return rng() & 0xff;
    default:
      return rng();
  }
}

std::uint64_t interesting_line(std::mt19937_64& rng, int trial) {
  switch (trial % 5) {
    case 0:
      return 0;
    case 1:
      return (std::uint64_t{1} << 62) - (rng() % 20);  // the 64-bit counter 4 * line wraps inside the call
    case 2:
      return rng() % 4096;
    case 3:
      return (std::uint64_t{1} << 30) - (rng() % 20);  // a 32-bit carry in the counter
    default:
      return rng();
  }
}

TEST(AesStream, KernelListStartsWithPortableAndEndsWithTheBest) {
  const auto kernels = all_kernels();
  ASSERT_GE(kernels.size(), 1u);
  EXPECT_EQ(kernels.front(), &kPortableKernels);
  EXPECT_EQ(kernels.back(), &best_kernels());
  for (const BlockKernels* k : kernels) std::printf("kernel available: %s\n", k->name);
}

// A change of these values means the data format changed: data written by earlier versions would
// no longer verify. Pinned from stream_lines_portable(make_stream_key(0), content 0, line 0):
// x[0], x[1] (after four rounds) and y[0], y[1] (after the fifth).
TEST(AesStream, GoldenVector) {
  const StreamKey key = make_stream_key(0);
  std::uint8_t out[kLineBytes];
  stream_lines_portable(key, 0, 0, 1, out);
  EXPECT_EQ(hex(out, 32), "9ea8abbb485333802a9a1bda15a2217425238a4db8370e6138d564b39f296f09");
  EXPECT_EQ(hex(out + 64, 32), "0e8fbf5cbd235019c6240ce89be92c8680e991a64b8664a79de52f12e13ad4e3");
  for (const BlockKernels* kernels : all_kernels()) {
    std::uint8_t simd[kLineBytes] = {};
    kernels->stream_lines(key, 0, 0, 1, simd);
    EXPECT_EQ(hex(simd, kLineBytes), hex(out, kLineBytes)) << kernels->name;
  }
}

// One AES round is FIPS-197's: with the round keys of the FIPS-197 Appendix A.1 key and the
// state at the start of round 1 of Appendix B, four rounds give the state at the start of
// round 5 printed there (x[0]), and the fifth round the state at the start of round 6 (y[0]).
// The counter block (counter 0, content 0) is all zeros, so round key 0 is that start state.
TEST(AesStream, RoundsMatchFips197AppendixB) {
  StreamKey key{};
  const char* round_keys[kRoundKeys] = {"193de3bea0f4e22b9ac68d2ae9f84808", "a0fafe1788542cb123a339392a6c7605",
                                        "f2c295f27a96b9435935807a7359f67f", "3d80477d4716fe3e1e237e446d7a883b",
                                        "ef44a541a8525b7fb671253bdb0bad00", "d4d1c6f87c839d87caf2b8bc11f915bc"};
  for (int r = 0; r < kRoundKeys; ++r) std::memcpy(key.round_keys[r], from_hex(round_keys[r]).data(), 16);
  for (const BlockKernels* kernels : all_kernels()) {
    std::uint8_t out[kLineBytes];
    kernels->stream_lines(key, 0, 0, 1, out);
    EXPECT_EQ(hex(out, 16), "e0927fe8c86363c0d9b1355085b8be01") << kernels->name << ": start of round 5";
    EXPECT_EQ(hex(out + 64, 16), "f1006f55c1924cef7cc88b325db5d50c") << kernels->name << ": start of round 6";
  }
}

TEST(AesStream, StreamKeyIsAFunctionOfTheSeed) {
  const StreamKey a = make_stream_key(42), b = make_stream_key(42), c = make_stream_key(43);
  EXPECT_EQ(std::memcmp(a.round_keys, b.round_keys, sizeof a.round_keys), 0);
  for (int r = 0; r < kRoundKeys; ++r)
    EXPECT_NE(std::memcmp(a.round_keys[r], c.round_keys[r], 16), 0) << "round key " << r;
}

TEST(AesStream, EveryKernelsStreamLinesMatchPortable) {
  std::mt19937_64 rng(1);
  const int trials = 400;
  for (const BlockKernels* kernels : all_kernels()) {
    SCOPED_TRACE(kernels->name);
    for (int trial = 0; trial < trials; ++trial) {
      const StreamKey key = make_stream_key(rng());
      const std::uint64_t id = interesting_id(rng, trial);
      const std::uint64_t line = interesting_line(rng, trial / 6);
      const std::size_t lines = static_cast<std::size_t>(trial % 11);
      const std::size_t misalign = static_cast<std::size_t>(rng() % 64);
      constexpr std::uint8_t kGuard = 0xa5;
      Bytes expected(kLineBytes * lines + 64, kGuard), actual(kLineBytes * lines + 64 + misalign, kGuard);
      stream_lines_portable(key, id, line, lines, expected.data());
      kernels->stream_lines(key, id, line, lines, actual.data() + misalign);
      ASSERT_EQ(0, std::memcmp(expected.data(), actual.data() + misalign, expected.size()))
          << "id " << id << " line " << line << " lines " << lines << " (or a write past the end)";
      for (std::size_t i = 0; i < misalign; ++i) ASSERT_EQ(actual[i], kGuard) << "write before the start";
    }
  }
}

// Line j of content id is the same wherever a call starts: the first line only selects where the
// output starts.
TEST(AesStream, LinesAreSeekable) {
  const StreamKey key = make_stream_key(7);
  Bytes whole(kLineBytes * 100);
  stream_lines_portable(key, 5, 1000, 100, whole.data());
  for (std::size_t start = 0; start < 100; start += 13) {
    Bytes part(kLineBytes * 7);
    stream_lines_portable(key, 5, 1000 + start, 7, part.data());
    const std::size_t n = std::min<std::size_t>(7, 100 - start);
    EXPECT_EQ(0, std::memcmp(part.data(), whole.data() + kLineBytes * start, kLineBytes * n)) << start;
  }
  // Different content ids and different keys give different streams.
  Bytes other(kLineBytes * 100), other_key(kLineBytes * 100);
  stream_lines_portable(key, 6, 1000, 100, other.data());
  stream_lines_portable(make_stream_key(8), 5, 1000, 100, other_key.data());
  EXPECT_EQ(test::duplicate_blocks(whole, 16), 0u);
  Bytes all = whole;
  all.insert(all.end(), other.begin(), other.end());
  all.insert(all.end(), other_key.begin(), other_key.end());
  EXPECT_EQ(test::duplicate_blocks(all, 16), 0u);
}

TEST(AesStream, StreamBytesIsTheSliceOfTheStream) {
  std::mt19937_64 rng(2);
  const StreamKey key = make_stream_key(3);
  Bytes stream(kLineBytes * 40);
  stream_lines_portable(key, 9, 0, 40, stream.data());
  for (const BlockKernels* kernels : all_kernels()) {
    SCOPED_TRACE(kernels->name);
    for (int trial = 0; trial < 500; ++trial) {
      const std::uint64_t begin = rng() % stream.size();
      const std::size_t length =
          static_cast<std::size_t>(trial % 3 == 0 ? rng() % 300 : rng() % (stream.size() - begin + 1));
      const std::size_t len = std::min<std::size_t>(length, stream.size() - begin);
      Bytes out(len + 32, 0x5a);
      stream_bytes(kernels->stream_lines, key, 9, begin, len, out.data());
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
      stream_lines_portable(key, 77, 0, unit / kLineBytes, stream.data());
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
        SCOPED_TRACE(std::string(kernels->name) + " unit " + std::to_string(unit) + " random " +
                     std::to_string(random));
        const StreamKey key = make_stream_key(rng());
        const std::uint64_t id = rng() >> 2;
        Bytes whole(unit);
        kPortableKernels.fill_blocks(key, &id, 1, unit, random, whole.data());
        const BlockContent content{kernels->stream_lines, &key, unit, random};
        Bytes written(unit);
        content.write(id, 0, unit, written.data());
        ASSERT_TRUE(written == whole) << "whole block through write()";
        for (int trial = 0; trial < ranges; ++trial) {
          const std::uint64_t begin = trial == 0 ? unit : rng() % (unit + 1);
          // Short ranges often, to land inside and across sector and line edges.
          const std::uint64_t room = unit - begin;
          const std::uint64_t length = trial % 2 ? rng() % (std::min<std::uint64_t>(room, 40) + 1) : rng() % (room + 1);
          Bytes out(length + 16, 0x5a);
          content.write(id, begin, length, out.data());
          ASSERT_EQ(0, std::memcmp(out.data(), whole.data() + begin, length))
              << "range [" << begin << ", " << begin + length << ")";
          for (std::size_t i = length; i < out.size(); ++i) ASSERT_EQ(out[i], 0x5a) << "write past the range";
        }
      }
    }
  }
}

}  // namespace
}  // namespace sdgen::detail
