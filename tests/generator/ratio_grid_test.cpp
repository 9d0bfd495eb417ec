// The ratio contract (SPEC section 1.3-1.4) over a grid of specs, measured independently of sdgen:
// blocks hashed with XXH3-128, the deduplicated data compressed by calling zstd, lz4 and zlib
// directly.
//
// What is covered (each case is its own ctest test, so they run in parallel):
//
// RatioGrid: every (C, codec, codec chunk, unit) cell, C in {1, 1.5, 2, 3, 5}, codec in {zstd:1,
//   zstd:3, lz4, zlib:6}, chunk in {4 KiB, 64 KiB, 1 MiB}, unit in {4 KiB, 16 KiB}: 120 cases.
//   The full cross product with D would be 600; instead D cycles through {1, 1.5, 2, 4, 10}
//   with the cell index, D = D[(c + 6k + 2h + u) mod 5] for indices c (C), k (codec), h (chunk),
//   u (unit), so that every (D, C) pair occurs at least 4 times, every (D, codec) pair 6 times,
//   (D, chunk) 8 times, (D, unit) 12 times, and every D value 24 times. Scope is `object` where
//   c + h is odd, else `dataset` (every (D, scope) pair at least 10 times).
//   Each case generates 4 objects of 8 MiB, asserts the distinct block count equals
//   distinct_full_blocks() and max(1, round(N / D)) (per object in object scope) exactly, and
//   that the deduplicated data (distinct blocks in order of first appearance; the first 8 MiB,
//   whole chunks, when there is more) compressed in chunk pieces shrinks by C within 3 %.
// DedupGrid: dedup alone for every D x unit x scope, on two layouts (4 x 8 MiB, and 3 objects of
//   5 MiB + 1000 B that end in partial blocks), with 16, 1000 or all random bytes per block: 40
//   cases, exact distinct counts, tails distinct from every block.
//
// SDGEN_TEST_SCALE=small (the sanitized run): datasets of 4 x 1 MiB, the deduplicated data
// compressed up to 2 MiB, and a quarter of the RatioGrid cases, those with (6k + 2h + u + 3c) mod 4
// = 0 (30 cases: every C 6 times, every codec 7-8, chunk 10, unit 12-18, D 5-7 times, all 25
// (D, C) pairs; the others skip).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ostream>
#include <string>
#include <vector>

#include "sdgen/generator.hpp"
#include "test_util.hpp"

namespace sdgen {
namespace {

using test::Bytes;
using test::KiB;
using test::MiB;

constexpr double kDedups[] = {1, 1.5, 2, 4, 10};
constexpr double kCompressions[] = {1, 1.5, 2, 3, 5};
const char* const kCodecs[] = {"zstd:1", "zstd:3", "lz4", "zlib:6"};
constexpr std::uint64_t kChunks[] = {4 * KiB, 64 * KiB, MiB};
constexpr std::uint32_t kUnits[] = {4096, 16384};

struct GridCase {
  int index;
  double dedup;
  double compress;
  std::string codec;
  std::uint64_t chunk;
  std::uint32_t unit;
  DedupScope scope;
  DatasetLayout layout;            // normal scale
  std::uint32_t random_bytes = 0;  // 0: calibrated from `compress`
};

// Test names and gtest's messages show the case by name, not as raw bytes.
std::string describe_case(const GridCase& c);
void PrintTo(const GridCase& c, std::ostream* out) { *out << describe_case(c); }

std::string number_name(double value) {
  std::string text = std::to_string(value);
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') text.pop_back();
  for (char& ch : text)
    if (ch == '.') ch = '_';
  return text;
}

std::string size_name(std::uint64_t bytes) {
  return bytes % MiB == 0 ? std::to_string(bytes / MiB) + "MiB" : std::to_string(bytes / KiB) + "KiB";
}

std::string case_name(const ::testing::TestParamInfo<GridCase>& info) { return describe_case(info.param); }

std::string describe_case(const GridCase& c) {
  std::string codec = c.codec;
  for (char& ch : codec)
    if (ch == ':') ch = '_';
  // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string&&.
  std::string name = "D";
  name += number_name(c.dedup);
  name += "_C";
  name += number_name(c.compress);
  name += "_";
  name += codec;
  name += "_chunk";
  name += size_name(c.chunk);
  name += "_unit";
  name += size_name(c.unit);
  name += "_";
  name += to_string(c.scope);
  if (c.layout.object_bytes % MiB) name += "_tails";
  if (c.random_bytes) {
    name += "_random";
    name += std::to_string(c.random_bytes);
  }
  return name;
}

std::vector<GridCase> ratio_cases() {
  std::vector<GridCase> cases;
  for (int c = 0; c < 5; ++c)
    for (int k = 0; k < 4; ++k)
      for (int h = 0; h < 3; ++h)
        for (int u = 0; u < 2; ++u) {
          const int i = 6 * k + 2 * h + u;
          cases.push_back({static_cast<int>(cases.size()),
                           kDedups[(c + i) % 5],
                           kCompressions[c],
                           kCodecs[k],
                           kChunks[h],
                           kUnits[u],
                           (c + h) % 2 ? DedupScope::object : DedupScope::dataset,
                           {4, 8 * MiB}});
        }
  return cases;
}

std::vector<GridCase> dedup_cases() {
  std::vector<GridCase> cases;
  const DatasetLayout layouts[] = {{4, 8 * MiB}, {3, 5 * MiB + 1000}};
  for (const double dedup : kDedups)
    for (const std::uint32_t unit : kUnits)
      for (const DedupScope scope : {DedupScope::dataset, DedupScope::object})
        for (const DatasetLayout& layout : layouts) {
          const std::uint32_t random_choices[] = {unit, 16, 1000};
          cases.push_back({static_cast<int>(cases.size()), dedup, 1, "zstd:1", 64 * KiB, unit, scope, layout,
                           random_choices[cases.size() % 3]});
        }
  return cases;
}

DataSpec spec_of(const GridCase& c) {
  DataSpec spec;
  spec.dedup = c.dedup;
  spec.compress = c.compress;
  spec.unit_bytes = c.unit;
  spec.codec = parse_codec(c.codec);
  spec.codec_chunk_bytes = c.chunk;
  spec.scope = c.scope;
  spec.seed = 1000 + static_cast<std::uint64_t>(c.index);
  if (c.random_bytes) spec.random_bytes_per_block = c.random_bytes;
  return spec;
}

DatasetLayout scaled_layout(const DatasetLayout& layout) {
  if (!test::small_scale()) return layout;
  return {layout.object_count, MiB + layout.object_bytes % MiB};
}

// The expected distinct count: max(1, round(N / D)) over the dataset, or per object.
std::uint64_t expected_distinct(const GridCase& c, const DatasetLayout& layout) {
  const std::uint64_t per_object = layout.object_bytes / c.unit;
  const auto rounded = [&](std::uint64_t n) {
    return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::llround(static_cast<double>(n) / c.dedup)));
  };
  return c.scope == DedupScope::dataset ? rounded(per_object * layout.object_count)
                                        : layout.object_count * rounded(per_object);
}

struct Measured {
  std::uint64_t full_blocks = 0;
  std::uint64_t distinct = 0;
  std::uint64_t tails_distinct = 0;
  Bytes unique;  // distinct blocks in order of first appearance, up to the cap
};

Measured measure(const DataGenerator& g, std::uint64_t unique_cap) {
  Measured m;
  test::BlockHashSet blocks, tails;
  const std::uint64_t unit = g.spec().unit_bytes, size = g.layout().object_bytes;
  Bytes object(size);
  for (std::uint64_t i = 0; i < g.layout().object_count; ++i) {
    g.fill(i, 0, object);
    for (std::uint64_t at = 0; at + unit <= size; at += unit) {
      ++m.full_blocks;
      if (blocks.insert(test::hash_block(object.data() + at, unit)).second && m.unique.size() < unique_cap)
        m.unique.insert(m.unique.end(), object.begin() + static_cast<std::ptrdiff_t>(at),
                        object.begin() + static_cast<std::ptrdiff_t>(at + unit));
    }
    if (size % unit) tails.insert(test::hash_block(object.data() + size / unit * unit, size % unit));
  }
  m.distinct = blocks.size();
  // A tail must be distinct from the other tails and from every full block.
  for (const test::BlockHash& tail : tails) m.tails_distinct += blocks.count(tail) == 0;
  return m;
}

class RatioGrid : public ::testing::TestWithParam<GridCase> {};

TEST_P(RatioGrid, DedupExactAndCompressionWithinThreePercent) {
  const GridCase& c = GetParam();
  if (test::small_scale() && (c.index % 24 + 3 * (c.index / 24)) % 4 != 0)
    GTEST_SKIP() << "SDGEN_TEST_SCALE=small runs a quarter of the cases";
  const DatasetLayout layout = scaled_layout(c.layout);
  const DataGenerator g(spec_of(c), layout);

  const std::uint64_t cap = (test::scaled(8 * MiB, 2 * MiB) + c.chunk - 1) / c.chunk * c.chunk;
  const Measured m = measure(g, cap);
  EXPECT_EQ(m.distinct, g.distinct_full_blocks());
  EXPECT_EQ(m.distinct, expected_distinct(c, layout));

  const std::span<const std::uint8_t> sample(m.unique.data(), std::min<std::size_t>(m.unique.size(), cap));
  const CodecSpec codec = parse_codec(c.codec);
  const double ratio = test::compression_ratio_direct(codec, sample, c.chunk);
  std::printf("measured compression %.4f for C=%g (%+.2f %%), %s at %llu B chunks, %u random bytes per block\n", ratio,
              c.compress, (ratio / c.compress - 1) * 100, c.codec.c_str(), static_cast<unsigned long long>(c.chunk),
              g.random_bytes_per_block());
  EXPECT_NEAR(ratio / c.compress, 1.0, 0.03)
      << "measured " << ratio << " for C=" << c.compress << " with " << c.codec << " at " << c.chunk
      << " B chunks over " << sample.size() << " B of deduplicated data (" << g.random_bytes_per_block()
      << " random bytes per " << c.unit << " B block)";
}

INSTANTIATE_TEST_SUITE_P(Cells, RatioGrid, ::testing::ValuesIn(ratio_cases()), case_name);

class DedupGrid : public ::testing::TestWithParam<GridCase> {};

TEST_P(DedupGrid, DistinctBlocksExact) {
  const GridCase& c = GetParam();
  const DatasetLayout layout = scaled_layout(c.layout);
  const DataGenerator g(spec_of(c), layout);
  const Measured m = measure(g, 0);
  EXPECT_EQ(m.full_blocks, g.total_full_blocks());
  EXPECT_EQ(m.distinct, g.distinct_full_blocks());
  EXPECT_EQ(m.distinct, expected_distinct(c, layout));
  const std::uint64_t tails = layout.object_bytes % c.unit ? layout.object_count : 0;
  EXPECT_EQ(m.tails_distinct, tails);
  const double measured_dedup = static_cast<double>(m.full_blocks) / static_cast<double>(m.distinct);
  // Exact up to the rounding of the distinct count to a whole number: over the dataset, or in
  // each object for scope object (relative error at most 0.5 / distinct blocks rounded).
  const std::uint64_t rounded_count = c.scope == DedupScope::dataset ? m.distinct : m.distinct / layout.object_count;
  EXPECT_NEAR(measured_dedup, c.dedup, c.dedup * 0.5 / static_cast<double>(rounded_count) + 1e-9)
      << "measured dedup " << measured_dedup;
}

INSTANTIATE_TEST_SUITE_P(Cells, DedupGrid, ::testing::ValuesIn(dedup_cases()), case_name);

}  // namespace
}  // namespace sdgen
