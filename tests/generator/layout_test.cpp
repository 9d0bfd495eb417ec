// Per-object layouts (include/sdgen/spec.hpp): each object its own size, the global block index
// exact, ratios exact over mixed sizes, and a per-object layout of equal sizes byte-identical to
// the fixed layout (so the data format did not change).
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <set>
#include <vector>

#include "sdgen/analyze.hpp"
#include "sdgen/error.hpp"
#include "sdgen/generator.hpp"
#include "test_util.hpp"

namespace sdgen {
namespace {

using test::KiB;
using test::MiB;

DataSpec spec_of(double dedup, DedupScope scope, std::uint64_t seed = 5) {
  DataSpec spec;
  spec.dedup = dedup;
  spec.compress = 2;
  spec.random_bytes_per_block = 2000;  // no calibration: these tests are about placement
  spec.seed = seed;
  spec.scope = scope;
  return spec;
}

class LayoutScopes : public ::testing::TestWithParam<DedupScope> {};

TEST_P(LayoutScopes, EqualSizesPerObjectMatchTheFixedLayoutByteForByte) {
  for (const double dedup : {1.0, 3.0}) {
    const std::uint64_t size = 64 * KiB + 100;  // 16 full blocks and a tail
    const DataGenerator fixed(spec_of(dedup, GetParam()), {5, size});
    const DataGenerator per_object(spec_of(dedup, GetParam()), DatasetLayout::per_object(std::vector(5, size)));
    EXPECT_EQ(per_object.total_full_blocks(), fixed.total_full_blocks());
    EXPECT_EQ(per_object.distinct_full_blocks(), fixed.distinct_full_blocks());
    for (std::uint64_t i = 0; i < 5; ++i)
      EXPECT_EQ(test::generate_object(per_object, i), test::generate_object(fixed, i)) << "object " << i;
  }
}

// Mixed sizes: dedup holds exactly over the dataset (or each object), measured by hashing.
TEST_P(LayoutScopes, MixedSizesKeepDedupExact) {
  std::mt19937_64 rng(3);
  std::vector<std::uint64_t> sizes;
  for (int i = 0; i < 40; ++i) sizes.push_back(std::uniform_int_distribution<std::uint64_t>(40 * KiB, 300 * KiB)(rng));
  sizes[7] = 0;
  sizes[8] = 4095;  // a tail alone
  const bool object_scope = GetParam() == DedupScope::object;
  if (object_scope) sizes[7] = sizes[8] = 40 * KiB;  // every object needs D blocks of its own
  const double dedup = 4;
  const DataGenerator g(spec_of(dedup, GetParam()), DatasetLayout::per_object(sizes));

  test::BlockHashSet distinct;
  std::uint64_t full_blocks = 0;
  std::uint64_t expected_distinct = 0;
  std::uint64_t bytes = 0;
  test::BlockHashSet previous_objects;
  for (std::uint64_t i = 0; i < sizes.size(); ++i) {
    const test::Bytes object = test::generate_object(g, i);
    ASSERT_EQ(object.size(), sizes[i]);
    bytes += object.size();
    const std::vector<test::BlockHash> hashes = test::block_hashes(object, 4096);
    full_blocks += hashes.size();
    test::BlockHashSet own(hashes.begin(), hashes.end());
    if (object_scope) {
      const auto want = static_cast<std::uint64_t>(std::llround(static_cast<double>(hashes.size()) / dedup));
      EXPECT_EQ(own.size(), want) << "object " << i;
      expected_distinct += want;
      for (const test::BlockHash& hash : own) EXPECT_FALSE(previous_objects.count(hash)) << "object " << i;
      previous_objects.insert(own.begin(), own.end());
    }
    distinct.insert(own.begin(), own.end());
  }
  EXPECT_EQ(full_blocks, g.total_full_blocks());
  if (!object_scope)
    expected_distinct = static_cast<std::uint64_t>(std::llround(static_cast<double>(full_blocks) / dedup));
  EXPECT_EQ(distinct.size(), expected_distinct);
  EXPECT_EQ(g.distinct_full_blocks(), expected_distinct);
  EXPECT_EQ(g.expected_bytes().logical, bytes);
  EXPECT_EQ(g.expected_bytes().unique, expected_distinct * 4096 + (bytes - full_blocks * 4096));
}

INSTANTIATE_TEST_SUITE_P(Scopes, LayoutScopes, ::testing::Values(DedupScope::dataset, DedupScope::object),
                         [](const auto& info) { return to_string(info.param); });

TEST(Layout, RandomAccessMatchesStreamingForEveryObject) {
  const std::vector<std::uint64_t> sizes{10, 0, 8192, 1 * MiB + 3, 4096 * 3 + 7};
  const DataGenerator g(spec_of(2, DedupScope::dataset), DatasetLayout::per_object(sizes));
  for (std::uint64_t i = 0; i < sizes.size(); ++i) {
    const test::Bytes whole = test::generate_object(g, i);
    ObjectGen stream = g.begin_object(i);
    EXPECT_EQ(stream.remaining(), sizes[i]);
    test::Bytes pieces(sizes[i]);
    for (std::uint64_t at = 0; at < sizes[i]; at += 1000) {
      const std::uint64_t n = std::min<std::uint64_t>(1000, sizes[i] - at);
      stream.fill_chunk({pieces.data() + at, n});
    }
    EXPECT_TRUE(stream.done());
    EXPECT_EQ(pieces, whole) << "object " << i;
  }
  std::uint8_t byte = 0;
  EXPECT_EQ(test::error_message([&] {
              g.fill(0, 10, {&byte, 1});
            }),
            "range [10, 11) is outside the object of 10 bytes");
}

TEST(Layout, RefusesWhatCannotHold) {
  EXPECT_EQ(test::error_message([] {
              DatasetLayout layout = DatasetLayout::per_object({4096, 4096});
              layout.object_count = 3;
              DataGenerator(spec_of(1, DedupScope::dataset), layout);
            }),
            "layout: 2 object sizes for 3 objects");
  EXPECT_EQ(test::error_message([] {
              DataGenerator(spec_of(2, DedupScope::dataset), DatasetLayout::per_object({100, 4095}));
            }),
            "dedup 2 needs objects of at least one unit (4 KiB); the largest object is 4095 bytes");
  EXPECT_EQ(test::error_message([] {
              DataGenerator(spec_of(3, DedupScope::object), DatasetLayout::per_object({64 * KiB, 8192}));
            }),
            "dedup 3: more than the 2 blocks of 4 KiB in the smallest object (at least one block must be distinct)");
  EXPECT_EQ(test::error_message([] {
              DataGenerator(spec_of(1, DedupScope::dataset),
                            DatasetLayout::per_object({std::uint64_t{1} << 61, std::uint64_t{1} << 61, 1}));
            }),
            "dataset too large: the sizes must add up to less than 4 EiB");
}

}  // namespace
}  // namespace sdgen
