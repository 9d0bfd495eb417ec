// put_objects against the in-memory storage: every object byte-exact and its own content for any
// size, chunk, queue depth, job and thread count; capabilities obeyed; failures honest.
#include <gtest/gtest.h>
#include <xxhash.h>

#include <set>
#include <stop_token>

#include "sdgen/dataset.hpp"
#include "storage_test_support.hpp"

namespace sdgen {
namespace {

using test::Bytes;
using test::KiB;
using test::MemoryStorage;
using test::MiB;

DataSpec spec_with(double dedup, double compress, std::uint64_t seed = 11) {
  DataSpec spec;
  spec.dedup = dedup;
  spec.compress = compress;
  spec.seed = seed;
  return spec;
}

PipelineOptions pipeline(unsigned jobs, unsigned threads, std::uint64_t chunk, unsigned depth) {
  PipelineOptions options;
  options.jobs = jobs;
  options.threads = threads;
  options.chunk_bytes = chunk;
  options.queue_depth = depth;
  return options;
}

void expect_all_objects_exact(MemoryStorage& storage, const DataGenerator& generator, const NameTemplate& names) {
  const auto objects = storage.objects();
  ASSERT_EQ(objects.size(), generator.layout().object_count);
  for (std::uint64_t i = 0; i < generator.layout().object_count; ++i) {
    const auto found = objects.find(names.name(i));
    ASSERT_NE(found, objects.end()) << names.name(i);
    EXPECT_EQ(found->second, test::generate_object(generator, i)) << names.name(i);
  }
}

struct Shape {
  std::uint64_t count;
  std::uint64_t size;
  std::uint64_t chunk;
  unsigned depth;
  unsigned jobs;
  unsigned threads;
};

class PutShapes : public ::testing::TestWithParam<Shape> {};

// Sizes below, at and across the unit and the chunk; a pool of one buffer; more jobs than
// buffers; more threads than objects.
TEST_P(PutShapes, EveryObjectByteExact) {
  const Shape s = GetParam();
  const DataGenerator generator(spec_with(1, 1), {s.count, s.size});
  const NameTemplate names(kDefaultNameTemplate, s.count);
  MemoryStorage storage;
  TransferProgress progress;
  const PutResult result = put_objects(storage, GeneratedObjects(generator, names.text()),
                                       pipeline(s.jobs, s.threads, s.chunk, s.depth), {}, &progress);
  EXPECT_EQ(result.objects_written, s.count);
  EXPECT_EQ(result.objects_failed, 0u);
  EXPECT_EQ(result.objects_skipped, 0u);
  EXPECT_EQ(result.bytes_written, s.count * s.size);
  EXPECT_EQ(result.bytes_transferred, s.count * s.size);
  EXPECT_EQ(result.object_latency.count(), s.count);
  EXPECT_EQ(result.complete_latency.count(), s.count);
  EXPECT_EQ(result.chunk_latency.count(),
            s.count * ((s.size + result.effective.chunk_bytes - 1) / result.effective.chunk_bytes));
  EXPECT_EQ(progress.bytes.load(), s.count * s.size);
  EXPECT_EQ(progress.objects.load(), s.count);
  EXPECT_LE(storage.largest_chunk(), result.effective.chunk_bytes);
  EXPECT_LE(storage.max_open_writers(), s.jobs);
  EXPECT_TRUE(storage.aborted().empty());
  expect_all_objects_exact(storage, generator, names);
}

INSTANTIATE_TEST_SUITE_P(Pipeline, PutShapes,
                         ::testing::Values(Shape{3, 0, 4 * KiB, 2, 2, 2},                // empty objects
                                           Shape{5, 1, 4 * KiB, 2, 2, 2},                // one byte
                                           Shape{5, 511, 4 * KiB, 1, 3, 2},              // below a sector, one buffer
                                           Shape{4, 4096, 4 * KiB, 3, 2, 1},             // exactly one unit and chunk
                                           Shape{4, 3 * 4096 + 7, 4 * KiB, 2, 4, 3},     // odd size across chunks
                                           Shape{2, 1 * MiB + 3, 64 * KiB, 1, 2, 2},     // one buffer for two jobs
                                           Shape{7, 300 * KiB + 11, 20 * KiB, 5, 3, 4},  // chunk not a unit multiple
                                           Shape{40, 10 * KiB, 4 * KiB, 16, 8, 2},       // many small objects
                                           Shape{1, 5 * MiB + 1, 1 * MiB, 4, 4, 3}),     // one large object
                         [](const auto& info) {
                           // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string&&.
                           const Shape& s = info.param;
                           std::string name = "n";
                           for (const auto& [label, value] : {std::pair{"", s.count},
                                                              {"_s", s.size},
                                                              {"_c", s.chunk},
                                                              {"_q", s.depth},
                                                              {"_j", s.jobs},
                                                              {"_t", s.threads}}) {
                             name += label;
                             name += std::to_string(value);
                           }
                           return name;
                         });

// The reference library uploads one payload under every name; sdgen objects are each their own.
TEST(PutPipeline, EveryObjectItsOwnContent) {
  for (const double compress : {1.0, 3.0})
    for (const std::uint64_t size : {std::uint64_t{5000}, 64 * KiB, std::uint64_t{511}}) {
      const std::uint64_t count = 100;
      const DataGenerator generator(spec_with(1, compress, 5), {count, size});
      MemoryStorage storage;
      const PutResult result = put_objects(storage, GeneratedObjects(generator, "o{}"), pipeline(4, 2, 16 * KiB, 8));
      ASSERT_EQ(result.objects_written, count);
      std::set<std::pair<std::uint64_t, std::uint64_t>> distinct;  // 128-bit content hashes
      for (const auto& [name, bytes] : storage.objects()) {
        const XXH128_hash_t hash = XXH3_128bits(bytes.data(), bytes.size());
        distinct.insert({hash.low64, hash.high64});
      }
      EXPECT_EQ(distinct.size(), count) << "compress " << compress << ", size " << size;
    }
}

TEST(PutPipeline, DedupAcrossObjectsSurvivesThePipeline) {
  // D = 4 over 16 objects of 16 blocks: exactly 64 distinct blocks among 256.
  const DataGenerator generator(spec_with(4, 1), {16, 16 * 4096});
  MemoryStorage storage;
  put_objects(storage, GeneratedObjects(generator, "o{}"), pipeline(3, 2, 12 * KiB, 4));
  std::set<std::pair<std::uint64_t, std::uint64_t>> blocks;  // 128-bit block hashes
  std::uint64_t total = 0;
  for (const auto& [name, bytes] : storage.objects())
    for (std::size_t at = 0; at < bytes.size(); at += 4096, ++total) {
      const XXH128_hash_t hash = XXH3_128bits(bytes.data() + at, 4096);
      blocks.insert({hash.low64, hash.high64});
    }
  EXPECT_EQ(total, 256u);
  EXPECT_EQ(blocks.size(), 64u);
}

TEST(PutPipeline, HonoursAlignmentAndGranularity) {
  MemoryStorage storage;
  storage.capabilities_value.buffer_alignment = 4096;
  storage.capabilities_value.size_granularity = 4096;
  const DataGenerator generator(spec_with(1, 1), {5, 100 * KiB + 123});
  // A chunk that is not a multiple of the granularity is rounded up to one.
  const PutResult result = put_objects(storage, GeneratedObjects(generator, "o{}"), pipeline(2, 2, 10000, 3));
  EXPECT_EQ(result.effective.chunk_bytes, 12288u);
  EXPECT_EQ(storage.misfit_chunks(), 0u);
  expect_all_objects_exact(storage, generator, NameTemplate("o{}", 5));
}

TEST(PutPipeline, SmallObjectsShrinkTheBuffers) {
  MemoryStorage storage;
  const DataGenerator generator(spec_with(1, 1), {3, 1000});
  const PutResult result = put_objects(storage, GeneratedObjects(generator, "o{}"), pipeline(8, 4, 4 * MiB, 8));
  EXPECT_EQ(result.effective.chunk_bytes, 1000u);
  EXPECT_EQ(result.effective.jobs, 3u);  // capped at the object count
}

TEST(PutPipeline, OneObjectAtATimeInOrderWhenTheStorageAsks) {
  MemoryStorage storage;
  storage.capabilities_value.concurrent_objects = false;
  const std::uint64_t count = 30;
  const DataGenerator generator(spec_with(1, 1), {count, 20 * KiB + 1});
  const NameTemplate names("o{}", count);
  const PutResult result = put_objects(storage, GeneratedObjects(generator, names.text()), pipeline(8, 3, 4 * KiB, 6));
  EXPECT_EQ(result.effective.jobs, 1u);
  EXPECT_EQ(storage.max_open_writers(), 1u);
  const std::vector<std::string> created = storage.created();
  ASSERT_EQ(created.size(), count);
  for (std::uint64_t i = 0; i < count; ++i) EXPECT_EQ(created[i], names.name(i));
}

// A write fails mid-object: that object is aborted and listed, never counted, and no new object
// starts. With one job the outcome is exact; with several, objects in flight beside it finish.
TEST(PutPipeline, FailedWriteIsListedAbortedAndStopsNewObjects) {
  const std::uint64_t count = 50;
  const DataGenerator generator(spec_with(1, 1), {count, 16 * KiB});
  for (const unsigned jobs : {1u, 4u}) {
    MemoryStorage storage;
    storage.before_write = [](const std::string& name, std::uint64_t offset, std::size_t) {
      if (name == "o3" && offset >= 8 * KiB) throw_io("memory://o3: injected write failure");
    };
    TransferProgress progress;
    const PutResult result =
        put_objects(storage, GeneratedObjects(generator, "o{}"), pipeline(jobs, 2, 4 * KiB, 4), {}, &progress);
    ASSERT_EQ(result.failures.size(), 1u);
    EXPECT_EQ(result.failures[0].index, 3u);
    EXPECT_EQ(result.failures[0].name, "o3");
    EXPECT_EQ(result.failures[0].message, "memory://o3: injected write failure");
    EXPECT_EQ(result.objects_failed, 1u);
    EXPECT_EQ(progress.failed.load(), 1u);
    EXPECT_EQ(result.objects_written + result.objects_failed + result.objects_skipped, count);
    EXPECT_EQ(storage.aborted(), std::set<std::string>{"o3"});
    const auto objects = storage.objects();
    EXPECT_EQ(objects.size(), result.objects_written);
    EXPECT_FALSE(objects.contains("o3"));
    EXPECT_EQ(result.bytes_written, result.objects_written * 16 * KiB);
    EXPECT_EQ(result.object_latency.count(), result.objects_written);
    if (jobs == 1) {
      EXPECT_EQ(result.objects_written, 3u);
      EXPECT_EQ(result.objects_skipped, count - 4);
      EXPECT_EQ(result.bytes_transferred, 3 * 16 * KiB + 8 * KiB);
    }
  }
}

// A stop request (Ctrl-C in the CLI) aborts the object in flight and starts no other.
TEST(PutPipeline, StopAbortsInFlightAndStartsNothingMore) {
  const std::uint64_t count = 50;
  const DataGenerator generator(spec_with(1, 1), {count, 16 * KiB});
  std::stop_source stop;
  MemoryStorage storage;
  storage.before_write = [&](const std::string& name, std::uint64_t offset, std::size_t) {
    if (name == "o2" && offset == 8 * KiB) stop.request_stop();
  };
  const PutResult result = put_objects(storage, GeneratedObjects(generator, "o{}"), pipeline(1, 2, 4 * KiB, 4), {},
                                       nullptr, stop.get_token());
  EXPECT_TRUE(result.interrupted);
  EXPECT_EQ(result.objects_written, 2u);
  ASSERT_EQ(result.failures.size(), 1u);
  EXPECT_EQ(result.failures[0].name, "o2");
  EXPECT_EQ(result.failures[0].message, "interrupted after 12288 bytes");
  EXPECT_EQ(result.objects_skipped, count - 3);
  EXPECT_EQ(storage.aborted(), std::set<std::string>{"o2"});
  EXPECT_EQ(storage.objects().size(), 2u);
}

TEST(PutPipeline, KeepGoingWritesEverythingElse) {
  MemoryStorage storage;
  storage.before_complete = [](const std::string& name) {
    if (name == "o2" || name == "o7") throw_io("memory://" + name + ": injected completion failure");
  };
  const std::uint64_t count = 12;
  const DataGenerator generator(spec_with(1, 1), {count, 9 * KiB});
  PipelineOptions options = pipeline(3, 2, 4 * KiB, 4);
  options.keep_going = true;
  const NameTemplate names("o{}", count);
  const PutResult result = put_objects(storage, GeneratedObjects(generator, names.text()), options);
  ASSERT_EQ(result.failures.size(), 2u);
  EXPECT_EQ(result.failures[0].name, "o2");
  EXPECT_EQ(result.failures[1].name, "o7");
  EXPECT_EQ(result.objects_written, 10u);
  EXPECT_EQ(result.objects_skipped, 0u);
  EXPECT_EQ(storage.aborted(), (std::set<std::string>{"o2", "o7"}));
  for (std::uint64_t i = 0; i < count; ++i) {
    if (i == 2 || i == 7) continue;
    EXPECT_EQ(storage.object(names.name(i)), test::generate_object(generator, i));
  }
}

TEST(PutPipeline, FailingCreateIsAFailureToo) {
  class RefusingStorage final : public Storage {
   public:
    StorageCapabilities capabilities() const override { return {}; }
    std::string describe() const override { return "refusing://"; }
    std::unique_ptr<ObjectWriter> open_writer(const std::string& name, std::uint64_t, ByteSource&) override {
      throw_io("refusing://" + name + ": cannot create: Permission denied");
    }
    std::uint64_t read(const std::string&, std::uint64_t, std::span<std::uint8_t>) override { return 0; }
    std::optional<std::uint64_t> size_of(const std::string&) override { return std::nullopt; }
    std::vector<ObjectInfo> list(const std::string&) override { return {}; }
    void remove(const std::string&) override {}
  } storage;
  const DataGenerator generator(spec_with(1, 1), {100, 4096});
  const PutResult result = put_objects(storage, GeneratedObjects(generator, "o{}"), pipeline(4, 2, 4 * KiB, 4));
  EXPECT_EQ(result.objects_written, 0u);
  EXPECT_GE(result.objects_failed, 1u);
  EXPECT_LE(result.objects_failed, 4u);
  EXPECT_EQ(result.objects_failed + result.objects_skipped, 100u);
  EXPECT_EQ(result.failures[0].message, "refusing://o0: cannot create: Permission denied");
}

}  // namespace
}  // namespace sdgen
