// The seeded permutation that places duplicates (src/generator/block_map.hpp).
#include "generator/block_map.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <set>
#include <vector>

#include "test_util.hpp"

namespace sdgen::detail {
namespace {

const std::uint64_t kSizes[] = {1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 100, 1000, 4096, 4097, 65536, 65537, 1000003};

std::vector<std::uint64_t> image(const Permutation& p) {
  std::vector<std::uint64_t> out(p.size());
  for (std::uint64_t i = 0; i < p.size(); ++i) out[i] = p(i);
  return out;
}

TEST(Permutation, IsABijectionOnItsRange) {
  std::mt19937_64 rng(1);
  for (const std::uint64_t size : kSizes) {
    for (const std::uint64_t key : {std::uint64_t{0}, std::uint64_t{1}, rng(), rng()}) {
      SCOPED_TRACE("size " + std::to_string(size) + " key " + std::to_string(key));
      const Permutation p(size, key);
      ASSERT_EQ(p.size(), size);
      std::vector<bool> hit(size, false);
      for (std::uint64_t i = 0; i < size; ++i) {
        const std::uint64_t v = p(i);
        ASSERT_LT(v, size) << "index " << i;
        ASSERT_FALSE(hit[v]) << "index " << i << " maps to " << v << " twice";
        hit[v] = true;
      }
    }
  }
}

TEST(Permutation, IsDeterministic) {
  for (const std::uint64_t size : {7ull, 1000ull, 65537ull})
    EXPECT_EQ(image(Permutation(size, 99)), image(Permutation(size, 99))) << size;
}

TEST(Permutation, DifferentKeysGiveDifferentOrders) {
  for (const std::uint64_t size : kSizes) {
    if (size < 16) continue;
    SCOPED_TRACE(size);
    const std::vector<std::uint64_t> a = image(Permutation(size, 1)), b = image(Permutation(size, 2)),
                                     c = image(Permutation(size, 0x123456789abcdefull));
    EXPECT_NE(a, b);
    EXPECT_NE(a, c);
    EXPECT_NE(b, c);
    if (size >= 1000) {  // two random orders agree in about one place
      std::uint64_t same = 0;
      for (std::uint64_t i = 0; i < size; ++i) same += a[i] == b[i];
      EXPECT_LT(same, size / 50) << "positions mapped alike by keys 1 and 2";
    }
  }
}

TEST(Permutation, IsNotTheIdentityNorAShift) {
  for (const std::uint64_t size : kSizes) {
    if (size < 16 || (test::small_scale() && size > 100000)) continue;
    for (const std::uint64_t key : {0ull, 1ull, 42ull}) {
      SCOPED_TRACE("size " + std::to_string(size) + " key " + std::to_string(key));
      const std::vector<std::uint64_t> v = image(Permutation(size, key));
      std::uint64_t fixed = 0;
      std::vector<std::uint64_t> steps;  // v[i+1] - v[i] mod size: one value for a shift or a stride
      for (std::uint64_t i = 0; i < size; ++i) {
        fixed += v[i] == i;
        if (i + 1 < size) steps.push_back((v[i + 1] + size - v[i]) % size);
      }
      std::sort(steps.begin(), steps.end());
      const auto distinct_steps = static_cast<std::uint64_t>(std::unique(steps.begin(), steps.end()) - steps.begin());
      EXPECT_LT(fixed, size / 4 + 2);
      EXPECT_GT(distinct_steps, std::min<std::uint64_t>(size / 4, 1000)) << "neighbours land at few distinct strides";
    }
  }
}

// Sizes of real datasets reach 2^40 blocks and more: spot-check range and injectivity there.
TEST(Permutation, HugeSizesStayInRange) {
  std::mt19937_64 rng(5);
  for (const std::uint64_t size : {(1ull << 40) + 1, (1ull << 50) - 3, 3ull << 60}) {
    const Permutation p(size, rng());
    std::set<std::uint64_t> seen;
    for (int i = 0; i < 2000; ++i) {
      const std::uint64_t index = i < 1000 ? static_cast<std::uint64_t>(i) : rng() % size;
      const std::uint64_t v = p(index);
      ASSERT_LT(v, size);
      seen.insert(v);
    }
    EXPECT_GE(seen.size(), 1999u) << "size " << size;  // the random indices may repeat once
  }
}

TEST(Mix64, SpreadsNearbyInputs) {
  std::set<std::uint64_t> outputs;
  for (std::uint64_t i = 0; i < 100000; ++i) outputs.insert(mix64(i));
  EXPECT_EQ(outputs.size(), 100000u);
  // One flipped input bit flips about half the output bits.
  int total = 0;
  for (std::uint64_t i = 1; i <= 64; ++i) total += __builtin_popcountll(mix64(i) ^ mix64(i ^ 1));
  EXPECT_GT(total, 64 * 20);
  EXPECT_LT(total, 64 * 44);
}

}  // namespace
}  // namespace sdgen::detail
