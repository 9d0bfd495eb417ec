// The data generator (include/sdgen/generator.hpp, spec.hpp): determinism across call patterns,
// threads and seeds; exact dedup; incompressibility at C = 1; and the errors of impossible specs.
#include "sdgen/generator.hpp"

#include <gtest/gtest.h>
#include <xxhash.h>
#include <zstd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "generator/aes_stream.hpp"
#include "generator/block_map.hpp"
#include "sdgen/error.hpp"
#include "sdgen/spec.hpp"
#include "test_util.hpp"

namespace sdgen {
namespace {

using test::Bytes;
using test::error_message;
using test::KiB;
using test::MiB;

struct SpecArgs {
  double dedup = 1;
  double compress = 1;
  std::uint32_t unit = 4096;
  DedupScope scope = DedupScope::dataset;
  std::uint64_t seed = 1;
  std::optional<std::uint32_t> random_bytes{};
  std::string codec = "zstd:1";
  std::uint64_t codec_chunk = 64 * KiB;
};

DataSpec make_spec(const SpecArgs& a) {
  DataSpec spec;
  spec.dedup = a.dedup;
  spec.compress = a.compress;
  spec.unit_bytes = a.unit;
  spec.scope = a.scope;
  spec.seed = a.seed;
  spec.random_bytes_per_block = a.random_bytes;
  spec.codec = parse_codec(a.codec);
  spec.codec_chunk_bytes = a.codec_chunk;
  return spec;
}

std::string describe(const DataGenerator& g) {
  const DataSpec& s = g.spec();
  return "D=" + std::to_string(s.dedup) + " C=" + std::to_string(s.compress) + " unit " + std::to_string(s.unit_bytes) +
         " scope " + to_string(s.scope) + " seed " + std::to_string(s.seed) + ", " +
         std::to_string(g.layout().object_count) + " x " + std::to_string(g.layout().object_bytes) + " B";
}

// All objects, concatenated.
Bytes generate_dataset(const DataGenerator& g) {
  Bytes out(g.layout().object_count * g.layout().object_bytes);
  for (std::uint64_t i = 0; i < g.layout().object_count; ++i)
    g.fill(i, 0, std::span(out).subspan(i * g.layout().object_bytes, g.layout().object_bytes));
  return out;
}

// For each full unit block of the dataset (objects in order), the rank of its content among
// distinct contents in order of first appearance: equal ranks, equal blocks.
std::vector<std::uint64_t> block_ids(const DataGenerator& g) {
  std::unordered_map<test::BlockHash, std::uint64_t, test::BlockHashHasher> rank;
  std::vector<std::uint64_t> ids;
  for (std::uint64_t i = 0; i < g.layout().object_count; ++i) {
    const Bytes object = test::generate_object(g, i);
    for (const test::BlockHash& h : test::block_hashes(object, g.spec().unit_bytes))
      ids.push_back(rank.emplace(h, rank.size()).first->second);
  }
  return ids;
}

std::uint64_t count_distinct(const std::vector<std::uint64_t>& ids) {
  return std::set<std::uint64_t>(ids.begin(), ids.end()).size();
}

// ---- (a) streaming in any chunk sizes equals one fill of the whole object ----

using ChunkPattern = std::function<std::uint64_t(std::mt19937_64&, std::uint64_t offset)>;

struct NamedPattern {
  const char* name;
  ChunkPattern next;
};

std::vector<NamedPattern> chunk_patterns(std::uint64_t object_bytes, std::uint32_t unit) {
  std::vector<NamedPattern> patterns = {
      {"511", [](std::mt19937_64&, std::uint64_t) { return 511; }},
      {"4097", [](std::mt19937_64&, std::uint64_t) { return 4097; }},
      {"1MiB", [](std::mt19937_64&, std::uint64_t) { return MiB; }},
      {"unit-1", [unit](std::mt19937_64&, std::uint64_t) { return unit - 1; }},
      {"random up to 3 units", [unit](std::mt19937_64& rng, std::uint64_t) { return 1 + rng() % (3 * unit); }},
      {"random log-uniform up to 2 MiB",
       [](std::mt19937_64& rng, std::uint64_t) { return 1 + rng() % (std::uint64_t{2} << (rng() % 21)); }},
  };
  // One-byte chunks everywhere for small objects; across the first two block edges otherwise.
  if (object_bytes <= 64 * KiB)
    patterns.push_back({"1", [](std::mt19937_64&, std::uint64_t) { return 1; }});
  else
    patterns.push_back({"1 then rest", [unit](std::mt19937_64& rng, std::uint64_t offset) -> std::uint64_t {
                          return offset < 2 * unit + 3 ? 1 : 1 + rng() % (4 * MiB);
                        }});
  return patterns;
}

void expect_streaming_matches_fill(const DataGenerator& g, std::uint64_t object) {
  SCOPED_TRACE(describe(g) + ", object " + std::to_string(object));
  const Bytes whole = test::generate_object(g, object);
  std::mt19937_64 rng(object * 7 + 1);
  for (const NamedPattern& pattern : chunk_patterns(g.layout().object_bytes, g.spec().unit_bytes)) {
    SCOPED_TRACE(std::string("chunks ") + pattern.name);
    ObjectGen stream = g.begin_object(object);
    EXPECT_EQ(stream.object(), object);
    Bytes streamed(whole.size(), 0xee);
    std::uint64_t calls = 0;
    while (!stream.done()) {
      ASSERT_EQ(stream.offset() + stream.remaining(), whole.size());
      const std::uint64_t n = std::min(pattern.next(rng, stream.offset()), stream.remaining());
      const std::uint64_t at = stream.offset();
      stream.fill_chunk(std::span(streamed).subspan(at, n));
      ASSERT_EQ(stream.offset(), at + n);
      ++calls;
    }
    EXPECT_EQ(stream.remaining(), 0u);
    if (whole.size() > 0) {
      EXPECT_GT(calls, 0u);
    }
    ASSERT_TRUE(streamed == whole) << "first difference at byte "
                                   << (std::mismatch(streamed.begin(), streamed.end(), whole.begin()).first -
                                       streamed.begin());
  }
}

TEST(GeneratorStreaming, AnyChunkSizesEqualOneFill_D1C1) {
  const DataGenerator g(make_spec({}), {1, MiB + 123});
  expect_streaming_matches_fill(g, 0);
}

TEST(GeneratorStreaming, AnyChunkSizesEqualOneFill_D2C3Dataset) {
  const DataGenerator g(make_spec({.dedup = 2, .compress = 3}), {3, MiB + 123});
  for (std::uint64_t object : {0u, 2u}) expect_streaming_matches_fill(g, object);
}

TEST(GeneratorStreaming, AnyChunkSizesEqualOneFill_ObjectScopeUnit512) {
  const DataGenerator g(make_spec({.dedup = 2, .unit = 512, .scope = DedupScope::object, .random_bytes = 200}),
                        {2, MiB + 123});
  for (std::uint64_t object : {0u, 1u}) expect_streaming_matches_fill(g, object);
}

TEST(GeneratorStreaming, AnyChunkSizesEqualOneFill_Unit64KiB) {
  const DataGenerator g(make_spec({.dedup = 1.5, .unit = 65536, .random_bytes = 30000}), {2, 3 * MiB + 123});
  expect_streaming_matches_fill(g, 1);
}

TEST(GeneratorStreaming, AnyChunkSizesEqualOneFill_TinyObjects) {
  for (const std::uint64_t size : {0u, 1u, 511u, 4095u, 4096u, 4097u, 8191u}) {
    for (const std::optional<std::uint32_t> random :
         {std::optional<std::uint32_t>{}, std::optional<std::uint32_t>{700}}) {
      const DataGenerator g(make_spec({.random_bytes = random}), {3, size});
      expect_streaming_matches_fill(g, 0);
      expect_streaming_matches_fill(g, 2);
    }
  }
}

TEST(GeneratorStreaming, ZeroSizedObjectIsDoneAtOnce) {
  const DataGenerator g(make_spec({}), {2, 0});
  ObjectGen stream = g.begin_object(1);
  EXPECT_TRUE(stream.done());
  EXPECT_EQ(stream.remaining(), 0u);
  stream.fill_chunk({});  // an empty chunk at the end is fine
  EXPECT_EQ(g.total_full_blocks(), 0u);
  EXPECT_EQ(g.distinct_full_blocks(), 0u);
  EXPECT_EQ(g.expected_bytes().logical, 0u);
  EXPECT_EQ(g.expected_bytes().unique, 0u);
}

// ---- (b) multi-threaded fill ----

TEST(GeneratorParallel, FillParallelEqualsFill) {
  const std::uint64_t size = test::scaled(8 * MiB, 2 * MiB) + 123;
  const DataGenerator g(make_spec({.dedup = 2, .compress = 3}), {2, size});
  const Bytes whole = test::generate_object(g, 1);
  struct Range {
    std::uint64_t offset, length;
  };
  const Range ranges[] = {{0, size}, {1000, size - 1000 - 77}, {4096, size - 8192}, {size - MiB - 5, MiB + 5}};
  for (const unsigned threads : {1u, 2u, 3u, 7u}) {
    FillThreads pool(threads);
    for (const Range& r : ranges) {
      SCOPED_TRACE("threads " + std::to_string(threads) + " range at " + std::to_string(r.offset) + " length " +
                   std::to_string(r.length));
      Bytes out(r.length, 0xee);
      g.fill_parallel(1, r.offset, out, pool);
      ASSERT_EQ(0, std::memcmp(out.data(), whole.data() + r.offset, r.length));
    }
  }
}

// Several threads calling fill() on one generator at once get the same bytes as one thread.
TEST(GeneratorParallel, ConcurrentFillsOfOneGenerator) {
  const DataGenerator g(make_spec({.dedup = 3, .random_bytes = 1000}), {4, MiB + 1});
  std::vector<Bytes> sequential, concurrent(4);
  for (std::uint64_t i = 0; i < 4; ++i) sequential.push_back(test::generate_object(g, i));
  {
    std::vector<std::jthread> threads;
    for (std::uint64_t i = 0; i < 4; ++i) threads.emplace_back([&, i] { concurrent[i] = test::generate_object(g, i); });
  }
  EXPECT_TRUE(sequential == concurrent);
}

// A range past the object's end is refused with Error before any thread starts (it once reached
// the worker threads, and their exception ended the process).
TEST(GeneratorParallel, FillParallelRejectsARangePastTheEnd) {
  const DataGenerator g(make_spec({}), {1, MiB});
  Bytes out(4 * MiB);
  FillThreads pool(4);
  const std::string message = error_message([&] { g.fill_parallel(0, MiB - 100, out, pool); });
  EXPECT_NE(message.find("outside the object"), std::string::npos) << message;
}

// Fills of DataGenerator::kStreamingFillBytes and more take the non-temporal store path (when the
// destination is aligned): same bytes as small fills, at any alignment, with or without threads.
TEST(GeneratorParallel, LargeFillsEqualChunkedFills) {
  const std::uint64_t size = DataGenerator::kStreamingFillBytes + 8 * MiB + 123;
  const std::vector<SpecArgs> specs =
      test::small_scale() ? std::vector<SpecArgs>{SpecArgs{.dedup = 2, .random_bytes = 1000}}
                          : std::vector<SpecArgs>{SpecArgs{}, SpecArgs{.dedup = 2, .random_bytes = 1000}};
  for (const SpecArgs& args : specs) {
    const DataGenerator g(make_spec(args), {2, size});
    SCOPED_TRACE(describe(g));
    Bytes expected(size);
    ObjectGen stream = g.begin_object(1);
    for (std::uint64_t at = 0; at < size; at += MiB)
      stream.fill_chunk(std::span(expected).subspan(at, std::min<std::uint64_t>(MiB, size - at)));
    Bytes storage(size + 128);
    std::uint8_t* aligned = storage.data() + (64 - reinterpret_cast<std::uintptr_t>(storage.data()) % 64);
    for (const std::uint64_t misalign : {0u, 1u, 16u, 32u}) {
      for (const unsigned threads : {1u, 3u}) {
        SCOPED_TRACE("destination misaligned by " + std::to_string(misalign) + ", threads " + std::to_string(threads));
        if (test::small_scale() && misalign % 32 != 0) continue;
        std::memset(aligned, 0xee, size);
        const std::uint64_t offset = misalign == 1 ? 4097 : 0;  // also a range not starting on a block
        FillThreads pool(threads);
        g.fill_parallel(1, offset, {aligned + misalign, size - offset}, pool);
        ASSERT_EQ(0, std::memcmp(aligned + misalign, expected.data() + offset, size - offset));
      }
    }
  }
}

// ---- (c) seeds ----

TEST(GeneratorSeeds, SameSeedSameBytes) {
  const DatasetLayout layout{3, 2 * MiB + 5};
  const DataGenerator a(make_spec({.dedup = 2, .compress = 3, .seed = 99}), layout);
  const DataGenerator b(make_spec({.dedup = 2, .compress = 3, .seed = 99}), layout);
  const DataGenerator copy = a;
  EXPECT_EQ(a.random_bytes_per_block(), b.random_bytes_per_block());
  EXPECT_TRUE(generate_dataset(a) == generate_dataset(b));
  EXPECT_TRUE(generate_dataset(a) == generate_dataset(copy));
}

TEST(GeneratorSeeds, DifferentSeedsShareNoBlock) {
  const std::uint64_t objects = 4, size = test::scaled(4 * MiB, MiB);  // 16 MiB per dataset
  for (const SpecArgs& args :
       {SpecArgs{}, SpecArgs{.dedup = 2, .compress = 3}, SpecArgs{.dedup = 4, .random_bytes = 16}}) {
    const std::pair<std::uint64_t, std::uint64_t> seed_pairs[] = {{1, 2}, {0, 1ull << 63}};
    for (const auto& [seed_a, seed_b] : seed_pairs) {
      SpecArgs a_args = args, b_args = args;
      a_args.seed = seed_a, b_args.seed = seed_b;
      const DataGenerator a(make_spec(a_args), {objects, size}), b(make_spec(b_args), {objects, size});
      SCOPED_TRACE(describe(a) + " vs seed " + std::to_string(seed_b));
      const Bytes data_a = generate_dataset(a), data_b = generate_dataset(b);
      test::BlockHashSet blocks_a;
      for (const test::BlockHash& h : test::block_hashes(data_a, 4096)) blocks_a.insert(h);
      std::uint64_t shared = 0;
      for (const test::BlockHash& h : test::block_hashes(data_b, 4096)) shared += blocks_a.count(h);
      EXPECT_EQ(shared, 0u);
      EXPECT_EQ(test::duplicate_blocks(data_a, 4096) + blocks_a.size(), data_a.size() / 4096);
    }
  }
}

// ---- (d) random access ----

TEST(GeneratorRandomAccess, AnyRangeEqualsTheSliceOfTheWholeObject) {
  const std::uint64_t size = test::scaled(3 * MiB, MiB) + 100;
  const int trials = test::small_scale() ? 100 : 400;
  for (const SpecArgs& args :
       {SpecArgs{.dedup = 2, .compress = 2}, SpecArgs{.dedup = 2, .unit = 512, .random_bytes = 50},
        SpecArgs{.dedup = 1.5, .unit = 65536, .scope = DedupScope::object, .random_bytes = 9999}, SpecArgs{}}) {
    const DataGenerator g(make_spec(args), {3, size});
    SCOPED_TRACE(describe(g));
    std::mt19937_64 rng(17);
    for (const std::uint64_t object : {0u, 2u}) {
      const Bytes whole = test::generate_object(g, object);
      for (int trial = 0; trial < trials; ++trial) {
        const std::uint64_t offset = trial == 0 ? size : rng() % (size + 1);
        const std::uint64_t room = size - offset;
        const std::uint64_t length = trial % 3 == 0 ? rng() % (std::min<std::uint64_t>(room, 100) + 1)
                                                    : rng() % (std::min<std::uint64_t>(room, 300 * KiB) + 1);
        Bytes out(length + 1);  // never empty: memcmp of a null pointer is undefined even for 0 bytes
        g.fill(object, offset, std::span(out).subspan(0, length));
        ASSERT_EQ(0, std::memcmp(out.data(), whole.data() + offset, length))
            << "object " << object << " range [" << offset << ", " << offset + length << ")";
      }
    }
  }
}

// ---- (e) and (f) dedup across the dataset or within each object, and the stated counts ----

TEST(GeneratorDedup, DatasetScopeSharesBlocksAcrossObjects) {
  const DataGenerator g(make_spec({.dedup = 4}), {8, MiB});
  const std::uint64_t blocks_per_object = MiB / 4096, distinct = 8 * blocks_per_object / 4;
  ASSERT_EQ(g.distinct_full_blocks(), distinct);
  const std::vector<std::uint64_t> ids = block_ids(g);
  EXPECT_EQ(count_distinct(ids), distinct);
  std::vector<std::set<std::uint64_t>> objects_of(distinct);
  for (std::size_t b = 0; b < ids.size(); ++b) objects_of[ids[b]].insert(b / blocks_per_object);
  std::uint64_t in_several = 0;
  for (const auto& objects : objects_of) in_several += objects.size() > 1;
  // Four copies placed at random among eight objects all fall in one object about 0.2 % of times.
  EXPECT_GT(in_several, distinct * 9 / 10) << "distinct blocks with copies in more than one object";
}

TEST(GeneratorDedup, ObjectScopeSharesNothingBetweenObjects) {
  const std::uint64_t count = 8, blocks_per_object = MiB / 4096;
  const DataGenerator g(make_spec({.dedup = 4, .scope = DedupScope::object}), {count, MiB});
  EXPECT_EQ(g.distinct_full_blocks(), count * blocks_per_object / 4);
  const std::vector<std::uint64_t> ids = block_ids(g);
  std::vector<std::set<std::uint64_t>> per_object(count);
  for (std::size_t b = 0; b < ids.size(); ++b) per_object[b / blocks_per_object].insert(ids[b]);
  std::set<std::uint64_t> all;
  for (std::uint64_t i = 0; i < count; ++i) {
    EXPECT_EQ(per_object[i].size(), blocks_per_object / 4) << "object " << i;
    all.insert(per_object[i].begin(), per_object[i].end());
  }
  EXPECT_EQ(all.size(), count * blocks_per_object / 4) << "some block appears in two objects";
  // Objects repeat their blocks in different orders.
  auto pattern = [&](std::uint64_t object) {
    std::map<std::uint64_t, std::uint64_t> rank;
    std::vector<std::uint64_t> out;
    for (std::uint64_t b = 0; b < blocks_per_object; ++b)
      out.push_back(rank.emplace(ids[object * blocks_per_object + b], rank.size()).first->second);
    return out;
  };
  EXPECT_NE(pattern(0), pattern(1));
  EXPECT_NE(pattern(1), pattern(7));
}

struct CountCase {
  SpecArgs spec;
  DatasetLayout layout;
};

TEST(GeneratorDedup, StatedCountsMatchTheGeneratedData) {
  const CountCase cases[] = {
      {{.dedup = 3, .compress = 2}, {3, MiB + 1000}},
      {{.dedup = 1.5, .scope = DedupScope::object, .random_bytes = 333}, {5, 200 * KiB + 7}},
      {{.dedup = 2.5, .compress = 4, .unit = 512, .random_bytes = 100}, {2, 300 * KiB}},
      {{.dedup = 1.3, .unit = 16384}, {7, MiB + 16383}},
      {{.dedup = 256}, {1, MiB}},                                   // D = N: one distinct block
      {{.dedup = 16, .scope = DedupScope::object}, {4, 64 * KiB}},  // D = N in each object
      {{.dedup = 1}, {2, 100}},                                     // tails only
      {{.dedup = 1000, .random_bytes = 64}, {3, 2 * MiB + 1}},      // N / D rounds to 1.5 -> 2
  };
  for (const CountCase& c : cases) {
    const DataGenerator g(make_spec(c.spec), c.layout);
    SCOPED_TRACE(describe(g));
    const std::uint64_t unit = c.spec.unit, count = c.layout.object_count;
    const std::uint64_t full = c.layout.object_bytes / unit, tail = c.layout.object_bytes % unit;
    EXPECT_EQ(g.full_blocks_of(0), full);
    EXPECT_EQ(g.total_full_blocks(), full * count);
    const auto rounded = [&](std::uint64_t n) {
      return n == 0 ? 0
                    : std::max<std::uint64_t>(
                          1, static_cast<std::uint64_t>(std::llround(static_cast<double>(n) / c.spec.dedup)));
    };
    const std::uint64_t distinct = c.spec.scope == DedupScope::dataset ? rounded(full * count) : count * rounded(full);
    EXPECT_EQ(g.distinct_full_blocks(), distinct);

    // Measured: distinct full blocks by hash; every tail distinct from the others and the blocks.
    test::BlockHashSet blocks, tails;
    for (std::uint64_t i = 0; i < count; ++i) {
      const Bytes object = test::generate_object(g, i);
      for (const test::BlockHash& h : test::block_hashes(object, unit)) blocks.insert(h);
      if (tail > 0) tails.insert(test::hash_block(object.data() + full * unit, tail));
    }
    EXPECT_EQ(blocks.size(), distinct);
    EXPECT_EQ(tails.size(), tail > 0 ? count : 0);

    const ExpectedBytes expected = g.expected_bytes();
    EXPECT_EQ(expected.logical, count * c.layout.object_bytes);
    EXPECT_EQ(expected.unique, blocks.size() * unit + count * tail);
    EXPECT_EQ(expected.stored,
              static_cast<std::uint64_t>(std::llround(static_cast<double>(expected.unique) / c.spec.compress)));
  }
}

TEST(GeneratorDedup, RandomBytesPerBlock) {
  EXPECT_EQ(DataGenerator(make_spec({}), {1, MiB}).random_bytes_per_block(), 4096u);
  EXPECT_EQ(DataGenerator(make_spec({.unit = 65536}), {1, MiB}).random_bytes_per_block(), 65536u);
  EXPECT_EQ(DataGenerator(make_spec({.compress = 3, .random_bytes = 1234}), {1, MiB}).random_bytes_per_block(), 1234u);
  const DataGenerator calibrated(make_spec({.compress = 3}), {1, MiB});
  EXPECT_GE(calibrated.random_bytes_per_block(), 16u);
  EXPECT_LT(calibrated.random_bytes_per_block(), 4096u * 2 / 3);  // a third of the block stored, less headers
  EXPECT_EQ(calibrated.spec().random_bytes_per_block, calibrated.random_bytes_per_block());
}

// ---- (g), (h), (j) content properties ----

TEST(GeneratorContent, D1HasNoDuplicateBlockAtAnyGranularity) {
  const std::uint64_t objects = 4, size = test::scaled(16 * MiB, 2 * MiB);  // 64 MiB
  const Bytes data = generate_dataset(DataGenerator(make_spec({.seed = 5}), {objects, size}));
  for (const std::size_t granularity : {512u, 4096u, 65536u})
    EXPECT_EQ(test::duplicate_blocks(data, granularity), 0u) << "at " << granularity << " B";
  // Compressible blocks are distinct too, at the unit and at 512 B (every sector holds random bytes).
  for (const std::uint32_t unit : {512u, 4096u}) {
    const Bytes compressible =
        generate_dataset(DataGenerator(make_spec({.compress = 3, .unit = unit, .seed = 5}), {objects, size / 4}));
    EXPECT_EQ(test::duplicate_blocks(compressible, unit), 0u) << "C=3 at unit " << unit;
    EXPECT_EQ(test::duplicate_blocks(compressible, 512), 0u) << "C=3 at 512 B, unit " << unit;
  }
}

// zstd over the whole stream, with long-distance matching and a window as large as the data, finds
// any repeat anywhere: C = 1 must leave it nothing.
std::uint64_t zstd_whole_stream_size(std::span<const std::uint8_t> data, int level) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_enableLongDistanceMatching, 1);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_windowLog, 27);
  Bytes out(ZSTD_compressBound(data.size()));
  const std::size_t n = ZSTD_compress2(cctx, out.data(), out.size(), data.data(), data.size());
  ZSTD_freeCCtx(cctx);
  EXPECT_FALSE(ZSTD_isError(n)) << ZSTD_getErrorName(n);
  return n;
}

TEST(GeneratorContent, C1IsIncompressible) {
  const std::uint64_t objects = 4, size = test::scaled(16 * MiB, 4 * MiB);  // a 64 MiB stream
  const Bytes data = generate_dataset(DataGenerator(make_spec({.seed = 6}), {objects, size}));
  const double zstd3 = static_cast<double>(data.size()) / static_cast<double>(zstd_whole_stream_size(data, 3));
  EXPECT_LE(zstd3, 1.01) << "zstd:3 over the whole " << data.size() << "-byte stream";
  const std::span<const std::uint8_t> part(data.data(),
                                           std::min<std::size_t>(data.size(), test::scaled(16 * MiB, 4 * MiB)));
  for (const char* codec : {"lz4", "zlib:6", "zstd:1"}) {
    for (const std::size_t chunk : {std::size_t{4096}, std::size_t{MiB}}) {
      const double ratio = test::compression_ratio_direct(parse_codec(codec), part, chunk);
      EXPECT_LE(ratio, 1.01) << codec << " at " << chunk << " B chunks";
    }
  }
}

TEST(GeneratorContent, NoAllZeroUnitBlock) {
  const std::uint64_t size = test::scaled(8 * MiB, 2 * MiB);
  for (const double compress : {1.0, 2.0, 5.0}) {
    const DataGenerator g(make_spec({.dedup = 2, .compress = compress}), {2, size});
    const Bytes data = generate_dataset(g);
    std::uint64_t zero_blocks = 0;
    for (std::size_t at = 0; at < data.size(); at += 4096)
      zero_blocks +=
          std::all_of(data.begin() + static_cast<std::ptrdiff_t>(at),
                      data.begin() + static_cast<std::ptrdiff_t>(at + 4096), [](std::uint8_t b) { return b == 0; });
    EXPECT_EQ(zero_blocks, 0u) << "C=" << compress << " (random bytes per block " << g.random_bytes_per_block() << ")";
  }
}

// ---- (i) duplicates are scattered, not periodic ----

void expect_not_periodic(const std::vector<std::uint64_t>& ids, const std::string& what) {
  SCOPED_TRACE(what);
  const std::size_t n = ids.size();
  // No period p: for every shift some block differs from the one p later.
  for (std::size_t p = 1; p <= n / 2; ++p) {
    bool differs = false;
    for (std::size_t g = 0; g + p < n && !differs; ++g) differs = ids[g] != ids[g + p];
    ASSERT_TRUE(differs) << "the block sequence has period " << p;
  }
  // The gaps between successive copies of a block vary: a stride would give one gap.
  std::map<std::uint64_t, std::size_t> last_seen;
  std::set<std::size_t> gaps;
  for (std::size_t g = 0; g < n; ++g) {
    if (auto it = last_seen.find(ids[g]); it != last_seen.end()) gaps.insert(g - it->second);
    last_seen[ids[g]] = g;
  }
  EXPECT_GT(gaps.size(), n / 20) << "distinct gaps between copies";
  // Copies are not next to each other most of the time.
  std::size_t adjacent = 0;
  for (std::size_t g = 1; g < n; ++g) adjacent += ids[g] == ids[g - 1];
  EXPECT_LT(adjacent, n / 20);
}

TEST(GeneratorDedup, DuplicatesAreNotPeriodic) {
  const DataGenerator dataset(make_spec({.dedup = 2, .random_bytes = 64}), {8, MiB});
  const std::vector<std::uint64_t> ids = block_ids(dataset);
  EXPECT_EQ(count_distinct(ids), ids.size() / 2);
  expect_not_periodic(ids, "dataset scope D=2");

  const DataGenerator other_seed(make_spec({.dedup = 2, .seed = 2, .random_bytes = 64}), {8, MiB});
  EXPECT_NE(block_ids(other_seed), ids) << "the placement of copies depends on the seed";

  const DataGenerator per_object(make_spec({.dedup = 2, .scope = DedupScope::object, .random_bytes = 64}),
                                 {2, 4 * MiB});
  const std::vector<std::uint64_t> object_ids = block_ids(per_object);
  const std::size_t half = object_ids.size() / 2;
  expect_not_periodic({object_ids.begin(), object_ids.begin() + static_cast<std::ptrdiff_t>(half)},
                      "object 0, scope object D=2");
}

// ---- a slow, obviously-correct reference generator (docs/DESIGN.md), compared byte for byte ----

// Block j of object i is a copy of content id c; its bytes are, in every 512-byte sector s, the
// sector's Bresenham share of the k random bytes taken from AES-CTR stream c at the same offsets,
// then zeros. Ids: dataset scope, global block g = i * blocks + j, U = max(1, round(N / D)),
// c = pi(g) mod U (c = g when U = N); object scope, the same per object with a permutation keyed
// by the object and ids offset by i * U; a partial tail block has id 2^63 | i.
Bytes reference_object(const DataSpec& spec, const DatasetLayout& layout, std::uint32_t random_bytes,
                       std::uint64_t object) {
  const std::uint64_t unit = spec.unit_bytes, blocks = layout.object_bytes / unit;
  const bool dataset = spec.scope == DedupScope::dataset;
  const std::uint64_t in_scope = dataset ? blocks * layout.object_count : blocks;
  const std::uint64_t distinct = std::min(
      in_scope,
      std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::llround(static_cast<double>(in_scope) / spec.dedup))));
  const std::uint64_t permutation_key = detail::mix64(spec.seed ^ 0x7065726d75746521ull);
  const detail::Permutation permutation =
      dataset ? detail::Permutation(in_scope, permutation_key)
              : detail::Permutation(blocks, detail::mix64(permutation_key ^ detail::mix64(object + 1)));
  const detail::StreamKey key = detail::make_stream_key(spec.seed);
  Bytes out(layout.object_bytes, 0);
  Bytes stream(unit);
  for (std::uint64_t j = 0; j * unit < layout.object_bytes; ++j) {
    std::uint64_t id;
    if (j >= blocks)
      id = (std::uint64_t{1} << 63) | object;
    else if (dataset)
      id = distinct == in_scope ? object * blocks + j : permutation(object * blocks + j) % distinct;
    else
      id = distinct == in_scope ? object * blocks + j : object * distinct + permutation(j) % distinct;
    detail::stream_lines_portable(key, id, 0, unit / detail::kLineBytes, stream.data());
    const std::uint64_t sectors = unit / 512;
    for (std::uint64_t sector = 0; sector < sectors; ++sector) {
      const std::uint64_t share = (sector + 1) * random_bytes / sectors - sector * random_bytes / sectors;
      for (std::uint64_t b = 0; b < share; ++b) {
        const std::uint64_t at = j * unit + sector * 512 + b;
        if (at < layout.object_bytes) out[at] = stream[sector * 512 + b];
      }
    }
  }
  return out;
}

TEST(GeneratorReference, FillEqualsTheReferenceGenerator) {
  const CountCase cases[] = {
      {{}, {2, 300 * KiB + 5}},
      {{.dedup = 2.5, .seed = 3, .random_bytes = 1000}, {3, 256 * KiB}},
      {{.dedup = 1.7, .unit = 512, .seed = 4, .random_bytes = 77}, {2, 100 * KiB + 300}},
      {{.dedup = 3, .unit = 65536, .seed = 5, .random_bytes = 20000}, {2, 640 * KiB + 1}},
      {{.dedup = 2, .scope = DedupScope::object, .seed = 6, .random_bytes = 16}, {3, 200 * KiB + 4095}},
      {{.dedup = 4, .scope = DedupScope::object, .seed = 7}, {2, 128 * KiB}},
      {{.dedup = 1, .unit = 16384, .seed = 8, .random_bytes = 5000}, {2, 100 * KiB}},
      {{.compress = 3, .seed = 9}, {1, 512 * KiB + 100}},  // calibrated random bytes
  };
  for (const CountCase& c : cases) {
    const DataGenerator g(make_spec(c.spec), c.layout);
    SCOPED_TRACE(describe(g) + ", " + std::to_string(g.random_bytes_per_block()) + " random bytes per block");
    for (std::uint64_t object = 0; object < c.layout.object_count; ++object) {
      const Bytes expected = reference_object(g.spec(), c.layout, g.random_bytes_per_block(), object);
      const Bytes actual = test::generate_object(g, object);
      ASSERT_TRUE(actual == expected) << "object " << object << ", first difference at byte "
                                      << (std::mismatch(actual.begin(), actual.end(), expected.begin()).first -
                                          actual.begin());
    }
  }
}

// ---- golden vectors: a change means the data format changed ----

// Pinned XXH3-64 of whole objects for fixed specs (random bytes per block given explicitly, so
// the values do not depend on the codec build's calibration). If one changes, data written by an
// earlier build no longer verifies: bump the format version, do not just update the numbers.
TEST(GeneratorGolden, ObjectHashesArePinned) {
  struct Golden {
    SpecArgs spec;
    DatasetLayout layout;
    std::uint64_t object;
    std::uint64_t xxh64;
  };
  const Golden goldens[] = {
      {{.seed = 0}, {1, MiB}, 0, 0x371ac16ac3fde559ull},
      {{.dedup = 2, .compress = 2, .seed = 42, .random_bytes = 1500}, {2, MiB + 100}, 1, 0x06a9751eae6be56eull},
      {{.dedup = 3, .unit = 512, .scope = DedupScope::object, .seed = 7, .random_bytes = 100},
       {3, 64 * KiB + 1},
       2,
       0xce530dca88d263cdull},
  };
  for (const Golden& golden : goldens) {
    const DataGenerator g(make_spec(golden.spec), golden.layout);
    const Bytes object = test::generate_object(g, golden.object);
    EXPECT_EQ(XXH3_64bits(object.data(), object.size()), golden.xxh64)
        << describe(g) << ", object " << golden.object << std::hex << ": 0x"
        << XXH3_64bits(object.data(), object.size());
  }
}

// ---- (k) requests that cannot hold ----

void expect_invalid(const SpecArgs& args, const DatasetLayout& layout, std::initializer_list<const char*> words) {
  const std::string message = error_message([&] { DataGenerator g(make_spec(args), layout); });
  for (const char* word : words)
    EXPECT_NE(message.find(word), std::string::npos) << "'" << word << "' not in: " << message;
}

TEST(GeneratorErrors, RatiosOutOfRange) {
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  expect_invalid({.dedup = 0.5}, {1, MiB}, {"dedup", "0.5", ">= 1"});
  expect_invalid({.dedup = 0}, {1, MiB}, {"dedup"});
  expect_invalid({.dedup = -2}, {1, MiB}, {"dedup"});
  expect_invalid({.dedup = nan}, {1, MiB}, {"dedup"});
  expect_invalid({.dedup = inf}, {1, MiB}, {"dedup"});
  expect_invalid({.compress = 0.9}, {1, MiB}, {"compress", "0.9", ">= 1"});
  expect_invalid({.compress = nan}, {1, MiB}, {"compress"});
  expect_invalid({.compress = inf}, {1, MiB}, {"compress"});
}

TEST(GeneratorErrors, UnitAndChunkOutOfRange) {
  for (const std::uint32_t unit : {0u, 1u, 511u, 1000u, 4095u, (2u << 20), (1u << 20) + 512})
    expect_invalid({.unit = unit}, {1, 4 * MiB}, {"unit", std::to_string(unit).c_str()});
  for (const std::uint64_t chunk : {std::uint64_t{0}, std::uint64_t{100}, std::uint64_t{511}, (64 * MiB) + 1})
    expect_invalid({.codec_chunk = chunk}, {1, MiB}, {"codec chunk"});
  expect_invalid({.random_bytes = 4097}, {1, MiB}, {"random bytes"});
  // The edges themselves are valid.
  EXPECT_NO_THROW(DataGenerator(make_spec({.unit = 512}), {1, MiB}));
  EXPECT_NO_THROW(DataGenerator(make_spec({.unit = 1u << 20}), {1, MiB}));
  EXPECT_NO_THROW(DataGenerator(make_spec({.codec_chunk = 512}), {1, MiB}));
  EXPECT_NO_THROW(DataGenerator(make_spec({.codec_chunk = 64 * MiB}), {1, MiB}));
}

// DataSpec::random_bytes_per_block may come from a user or a manifest. Any value the generator
// accepts must keep distinct blocks distinct (D = 1: no block repeats); a value too small for
// that must be refused, naming the field.
TEST(GeneratorErrors, TooFewRandomBytesToKeepBlocksDistinct) {
  for (const std::uint32_t random : {0u, 1u, 2u, 8u, 15u}) {
    SCOPED_TRACE(std::to_string(random) + " random bytes per block");
    try {
      const DataGenerator g(make_spec({.random_bytes = random}), {1, MiB});
      const Bytes data = test::generate_object(g, 0);
      EXPECT_EQ(test::duplicate_blocks(data, 4096), 0u) << "accepted, but D=1 data repeats blocks (distinct "
                                                        << 256 - test::duplicate_blocks(data, 4096) << " of 256)";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::invalid_argument);
      EXPECT_NE(std::string(e.what()).find("random bytes"), std::string::npos) << e.what();
    }
  }
}

TEST(GeneratorErrors, LayoutsThatCannotHoldTheDedupRatio) {
  expect_invalid({.dedup = 2}, {4, 4095}, {"dedup", "object", "unit"});     // objects smaller than the unit
  expect_invalid({.dedup = 17}, {1, 64 * KiB}, {"dedup 17", "16 blocks"});  // more copies than blocks
  expect_invalid({.dedup = 65}, {4, 64 * KiB}, {"dedup 65", "64 blocks"});
  expect_invalid({.dedup = 17, .scope = DedupScope::object}, {4, 64 * KiB}, {"dedup 17", "16 blocks", "object"});
  expect_invalid({}, {0, MiB}, {"count"});
  // At the edge: D = number of blocks, and D = 1 with objects smaller than the unit, are valid.
  EXPECT_NO_THROW(DataGenerator(make_spec({.dedup = 64}), {4, 64 * KiB}));
  EXPECT_NO_THROW(DataGenerator(make_spec({}), {4, 100}));
  EXPECT_NO_THROW(DataGenerator(make_spec({}), {4, 0}));
}

TEST(GeneratorErrors, UnreachableCompression) {
  expect_invalid({.compress = 5000, .codec = "lz4"}, {1, MiB}, {"compress", "unreachable", "lz4"});
  expect_invalid({.compress = 1e6, .codec = "zstd:1", .codec_chunk = 4096}, {1, MiB}, {"compress", "unreachable"});
}

TEST(GeneratorErrors, UnknownCodecsAndScopes) {
  for (const char* text :
       {"bzip2", "", "zstd:99", "zstd:0", "zstd:", "zstd:x", "zstd:3x", "zlib:10", "lz4:1", "ZSTD"}) {
    SCOPED_TRACE(text);
    const std::string message = error_message([&] { parse_codec(text); });
    EXPECT_NE(message.find("codec '" + std::string(text) + "'"), std::string::npos) << message;
  }
  EXPECT_EQ(parse_codec("zstd").name(), "zstd:1");
  EXPECT_EQ(parse_codec("zstd:19").name(), "zstd:19");
  EXPECT_EQ(parse_codec("lz4").name(), "lz4");
  EXPECT_EQ(parse_codec("zlib").name(), "zlib:6");
  EXPECT_EQ(parse_codec("zlib:1").name(), "zlib:1");
  const std::string message = error_message([] { parse_scope("global"); });
  EXPECT_NE(message.find("scope 'global'"), std::string::npos) << message;
  EXPECT_EQ(parse_scope("object"), DedupScope::object);
  EXPECT_EQ(parse_scope("dataset"), DedupScope::dataset);
}

TEST(GeneratorErrors, RangesOutsideTheDataset) {
  const DataGenerator g(make_spec({}), {8, MiB});
  Bytes buffer(4096);
  std::string message = error_message([&] { g.fill(0, MiB - 10, buffer); });
  EXPECT_NE(message.find("outside the object"), std::string::npos) << message;
  message = error_message([&] { g.fill(0, MiB + 1, std::span(buffer).subspan(0, 0)); });
  EXPECT_NE(message.find("outside the object"), std::string::npos) << message;
  message = error_message([&] { g.fill(0, ~std::uint64_t{0} - 100, buffer); });  // offset + size wraps
  EXPECT_NE(message.find("outside the object"), std::string::npos) << message;
  message = error_message([&] { g.fill(8, 0, buffer); });
  EXPECT_NE(message.find("object 8"), std::string::npos) << message;
  message = error_message([&] { g.begin_object(8); });
  EXPECT_NE(message.find("object 8"), std::string::npos) << message;
  FillThreads pool(2);
  message = error_message([&] { g.fill_parallel(9, 0, buffer, pool); });
  EXPECT_NE(message.find("object 9"), std::string::npos) << message;
  EXPECT_NO_THROW(g.fill(7, MiB - 4096, buffer));
  EXPECT_NO_THROW(g.fill(7, MiB, std::span(buffer).subspan(0, 0)));

  // Streaming past the end throws and leaves the cursor where it was.
  ObjectGen stream = g.begin_object(3);
  Bytes big(MiB - 100);
  stream.fill_chunk(big);
  message = error_message([&] { stream.fill_chunk(std::span(buffer).subspan(0, 101)); });
  EXPECT_NE(message.find("outside the object"), std::string::npos) << message;
  EXPECT_EQ(stream.offset(), MiB - 100);
  stream.fill_chunk(std::span(buffer).subspan(0, 100));
  EXPECT_TRUE(stream.done());
  message = error_message([&] { stream.fill_chunk(std::span(buffer).subspan(0, 1)); });
  EXPECT_NE(message.find("outside the object"), std::string::npos) << message;
}

}  // namespace
}  // namespace sdgen
