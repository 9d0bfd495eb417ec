// Verification of read-back data against the generator (include/sdgen/verify.hpp).
#include "sdgen/verify.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "sdgen/dataset.hpp"
#include "sdgen/error.hpp"
#include "test_util.hpp"

namespace sdgen {
namespace {

using test::Bytes;
using test::KiB;
using test::MiB;

// Three objects of 3 MiB + 100 bytes: more than one of verify's 1 MiB pieces, and a tail block.
constexpr std::uint64_t kObjectBytes = 3 * MiB + 100;

DataGenerator make_generator(double dedup = 2, std::uint64_t seed = 1) {
  DataSpec spec;
  spec.dedup = dedup;
  spec.compress = 2;
  spec.random_bytes_per_block = 1500;
  spec.seed = seed;
  return DataGenerator(spec, {3, kObjectBytes});
}

// verify_range over the generator's objects (names play no part in verification).
VerifyResult verify_range(const DataGenerator& generator, std::uint64_t object, std::uint64_t offset,
                          std::span<const std::uint8_t> data) {
  return sdgen::verify_range(GeneratedObjects(generator, "o{}"), object, offset, data);
}

TEST(Verify, CorrectDataIsOk) {
  const DataGenerator g = make_generator();
  const Bytes data = test::generate_object(g, 1);
  const VerifyResult r = verify_range(g, 1, 0, data);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.bad_blocks, 0u);
  EXPECT_EQ(r.bytes_checked, kObjectBytes);
  EXPECT_FALSE(r.first_bad_offset.has_value());

  std::mt19937_64 rng(1);
  for (int trial = 0; trial < 50; ++trial) {
    const std::uint64_t offset = rng() % kObjectBytes, length = rng() % (kObjectBytes - offset + 1);
    const VerifyResult part = verify_range(g, 1, offset, {data.data() + offset, length});
    EXPECT_TRUE(part.ok()) << "range at " << offset << " length " << length;
    EXPECT_EQ(part.bytes_checked, length);
  }
  EXPECT_TRUE(verify_range(g, 1, kObjectBytes, {}).ok());
}

TEST(Verify, OneFlippedByteIsFoundAtItsOffset) {
  const DataGenerator g = make_generator();
  const Bytes good = test::generate_object(g, 1);
  std::mt19937_64 rng(2);
  std::vector<std::uint64_t> offsets = {
      0, 1, 4095, 4096, 4097, MiB - 1, MiB, MiB + 1, 3 * MiB - 1, 3 * MiB, kObjectBytes - 1};
  for (int i = 0; i < (test::small_scale() ? 4 : 20); ++i) offsets.push_back(rng() % kObjectBytes);
  const std::vector<std::uint8_t> flips =
      test::small_scale() ? std::vector<std::uint8_t>{0x80} : std::vector<std::uint8_t>{0x01, 0x80, 0xff};
  for (const std::uint64_t x : offsets) {
    for (const std::uint8_t flip : flips) {
      Bytes data = good;
      data[x] ^= flip;
      const VerifyResult r = verify_range(g, 1, 0, data);
      EXPECT_FALSE(r.ok()) << "offset " << x;
      EXPECT_EQ(r.bad_blocks, 1u) << "offset " << x;
      ASSERT_TRUE(r.first_bad_offset.has_value()) << "offset " << x;
      EXPECT_EQ(*r.first_bad_offset, x);
    }
  }
}

TEST(Verify, CountsBadBlocksNotBadBytes) {
  const DataGenerator g = make_generator();
  const Bytes good = test::generate_object(g, 0);
  struct Case {
    const char* what;
    std::vector<std::uint64_t> corrupt;  // byte offsets
    std::uint64_t bad_blocks;
  };
  const Case cases[] = {
      {"three separate blocks", {3 * 4096 + 17, 100 * 4096, 700 * 4096 + 4095}, 3},
      {"three bytes of one block", {5 * 4096 + 1, 5 * 4096 + 2, 5 * 4096 + 4000}, 1},
      {"a run across a block edge", {4090, 4091, 4095, 4096, 4100}, 2},
      {"adjacent blocks, one byte each", {256 * 4096 - 1, 256 * 4096}, 2},
      {"the tail block", {kObjectBytes - 50}, 1},
      {"blocks in every verify piece", {10, MiB + 10, 2 * MiB + 10, 3 * MiB + 10}, 4},
  };
  for (const Case& c : cases) {
    Bytes data = good;
    for (const std::uint64_t x : c.corrupt) data[x] = static_cast<std::uint8_t>(~data[x]);
    const VerifyResult r = verify_range(g, 0, 0, data);
    EXPECT_EQ(r.bad_blocks, c.bad_blocks) << c.what;
    ASSERT_TRUE(r.first_bad_offset.has_value()) << c.what;
    EXPECT_EQ(*r.first_bad_offset, c.corrupt.front()) << c.what;
  }
}

TEST(Verify, OffsetsAreObjectOffsets) {
  const DataGenerator g = make_generator();
  const Bytes good = test::generate_object(g, 2);
  const std::uint64_t begin = 12345, end = 2 * MiB + 777;
  Bytes part(good.begin() + begin, good.begin() + end);
  part[100000] ^= 1;
  const VerifyResult r = verify_range(g, 2, begin, part);
  EXPECT_EQ(r.bytes_checked, end - begin);
  EXPECT_EQ(r.bad_blocks, 1u);
  ASSERT_TRUE(r.first_bad_offset.has_value());
  EXPECT_EQ(*r.first_bad_offset, begin + 100000);
}

TEST(Verify, MergeOfSeveralCallsEqualsOneCall) {
  const DataGenerator g = make_generator();
  Bytes data = test::generate_object(g, 1);
  const std::uint64_t bad[] = {40000, 1500000, 3000001};
  for (const std::uint64_t x : bad) data[x] ^= 0x10;
  const VerifyResult whole = verify_range(g, 1, 0, data);
  ASSERT_EQ(whole.bad_blocks, 3u);

  std::mt19937_64 rng(3);
  for (int trial = 0; trial < 20; ++trial) {
    // Cut points anywhere, block edges or not; each bad byte is in exactly one call.
    std::vector<std::uint64_t> cuts = {0};
    while (cuts.back() < kObjectBytes) cuts.push_back(std::min(kObjectBytes, cuts.back() + 1 + rng() % (700 * KiB)));
    VerifyResult merged;
    for (std::size_t k = 0; k + 1 < cuts.size(); ++k)
      merged.merge(verify_range(g, 1, cuts[k], {data.data() + cuts[k], cuts[k + 1] - cuts[k]}));
    EXPECT_EQ(merged.bytes_checked, kObjectBytes);
    EXPECT_EQ(merged.bad_blocks, 3u);
    ASSERT_TRUE(merged.first_bad_offset.has_value());
    EXPECT_EQ(*merged.first_bad_offset, bad[0]);
  }

  // A block bad on both sides of a cut counts once per call, as documented.
  Bytes straddle = test::generate_object(g, 1);
  straddle[8192 + 10] ^= 1;
  straddle[8192 + 4000] ^= 1;
  VerifyResult two_calls = verify_range(g, 1, 0, {straddle.data(), 8192 + 2048});
  two_calls.merge(verify_range(g, 1, 8192 + 2048, {straddle.data() + 8192 + 2048, kObjectBytes - 8192 - 2048}));
  EXPECT_EQ(two_calls.bad_blocks, 2u);
  EXPECT_EQ(two_calls.first_bad_offset, std::optional<std::uint64_t>(8192 + 10));

  // A clean first range leaves the first bad offset to the later one.
  VerifyResult clean_then_bad = verify_range(g, 1, 0, {data.data(), 30000});
  EXPECT_TRUE(clean_then_bad.ok());
  clean_then_bad.merge(verify_range(g, 1, 30000, {data.data() + 30000, 20000}));
  EXPECT_EQ(clean_then_bad.first_bad_offset, std::optional<std::uint64_t>(40000));
  EXPECT_EQ(clean_then_bad.bytes_checked, 50000u);
}

TEST(Verify, WrongObjectOrSeedFailsEveryBlock) {
  const DataGenerator g = make_generator(1.0);
  const Bytes object0 = test::generate_object(g, 0);
  const std::uint64_t blocks = (kObjectBytes + 4095) / 4096;  // the tail counts as a block
  const VerifyResult wrong_object = verify_range(g, 2, 0, object0);
  EXPECT_EQ(wrong_object.bad_blocks, blocks);
  EXPECT_EQ(wrong_object.first_bad_offset, std::optional<std::uint64_t>(0));
  const VerifyResult wrong_seed = verify_range(make_generator(1.0, 2), 0, 0, object0);
  EXPECT_EQ(wrong_seed.bad_blocks, blocks);
}

TEST(Verify, ThreadsVerifyConcurrently) {
  const DataGenerator g = make_generator();
  std::vector<Bytes> objects;
  for (std::uint64_t i = 0; i < 3; ++i) objects.push_back(test::generate_object(g, i));
  for (std::uint64_t i = 0; i < 3; ++i) objects[i][1000 * (i + 1)] ^= 1;
  std::vector<VerifyResult> results(6);
  {
    std::vector<std::jthread> threads;
    for (std::uint64_t t = 0; t < 6; ++t)
      threads.emplace_back([&, t] { results[t] = verify_range(g, t % 3, 0, objects[t % 3]); });
  }
  for (std::uint64_t t = 0; t < 6; ++t) {
    EXPECT_EQ(results[t].bad_blocks, 1u) << t;
    EXPECT_EQ(results[t].first_bad_offset, std::optional<std::uint64_t>(1000 * (t % 3 + 1))) << t;
  }
}

TEST(Verify, RangeOutsideTheObjectIsAnError) {
  const DataGenerator g = make_generator();
  const Bytes data(4096);
  EXPECT_THROW(verify_range(g, 0, kObjectBytes - 100, data), Error);
  EXPECT_THROW(verify_range(g, 3, 0, data), Error);
}

}  // namespace
}  // namespace sdgen
