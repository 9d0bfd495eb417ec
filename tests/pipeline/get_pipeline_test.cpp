// get_objects against the in-memory storage: verification finds every kind of damage (a flipped
// byte at its offset, bad block counts, missing objects, wrong sizes, read errors) and reads
// everything else back clean.
#include <gtest/gtest.h>

#include "sdgen/dataset.hpp"
#include "storage_test_support.hpp"

namespace sdgen {
namespace {

using test::Bytes;
using test::KiB;
using test::MemoryStorage;
using test::MiB;

class GetPipeline : public ::testing::Test {
 protected:
  static constexpr std::uint64_t kCount = 12;
  static constexpr std::uint64_t kSize = 100 * KiB + 5;  // 25 full units and a 5-byte tail

  void SetUp() override {
    PipelineOptions options;
    options.chunk_bytes = 16 * KiB;
    options.queue_depth = 4;
    options.threads = 2;
    const PutResult put = put_objects(storage_, objects_, options);
    ASSERT_EQ(put.objects_written, kCount);
  }

  GetResult get(bool verify, PipelineOptions options = {}) {
    options.threads = options.threads ? options.threads : 2;
    return get_objects(storage_, objects_, verify, options);
  }

  static DataSpec spec() {
    DataSpec s;
    s.dedup = 2;
    s.compress = 2;
    s.seed = 77;
    return s;
  }

  const GeneratedObjects objects_{spec(), {kCount, kSize}};
  const DataGenerator& generator_ = objects_.generator();
  const NameTemplate& names_ = objects_.names();
  MemoryStorage storage_;
};

TEST_F(GetPipeline, CleanDatasetVerifies) {
  for (const std::uint64_t chunk : {4 * KiB, 12 * KiB, 1 * MiB})
    for (const unsigned depth : {1u, 3u, 16u}) {
      PipelineOptions options;
      options.chunk_bytes = chunk;
      options.queue_depth = depth;
      options.jobs = 3;
      TransferProgress progress;
      const GetResult result = get_objects(storage_, objects_, true, options, {}, &progress);
      EXPECT_TRUE(result.verified);
      EXPECT_TRUE(result.all_ok()) << "chunk " << chunk << " depth " << depth;
      EXPECT_EQ(result.objects_ok, kCount);
      EXPECT_EQ(result.bytes_read, kCount * kSize);
      EXPECT_EQ(progress.bytes.load(), kCount * kSize);
      EXPECT_EQ(progress.objects.load(), kCount);
      EXPECT_EQ(result.object_latency.count(), kCount);
    }
}

TEST_F(GetPipeline, FindsEachKindOfDamage) {
  Bytes& flipped = storage_.object(names_.name(2));
  flipped[12345] ^= 0x01;  // block 3
  Bytes& smeared = storage_.object(names_.name(5));
  for (std::size_t at = 4096 * 7 + 100; at < 4096 * 10 + 1; ++at) smeared[at] ^= 0xff;  // blocks 7, 8, 9, 10
  Bytes& tail = storage_.object(names_.name(6));
  tail.back() ^= 0x80;  // the partial last block
  storage_.remove(names_.name(8));
  storage_.object(names_.name(9)).resize(50000);           // truncated, prefix intact
  storage_.object(names_.name(10)).push_back(0);           // one byte too long
  storage_.object(names_.name(11)).resize(4096 * 3);       // truncated ...
  storage_.object(names_.name(11))[4096 * 2 + 1] ^= 0x10;  // ... and damaged

  const GetResult result = get(true);
  EXPECT_EQ(result.objects_ok, 5u);
  EXPECT_EQ(result.objects_mismatched, 3u);
  EXPECT_EQ(result.objects_missing, 1u);
  EXPECT_EQ(result.objects_wrong_size, 3u);
  ASSERT_EQ(result.problems.size(), 7u);

  const ObjectCheck& byte = result.problems[0];
  EXPECT_EQ(byte.index, 2u);
  EXPECT_EQ(byte.status, ObjectStatus::mismatch);
  EXPECT_EQ(byte.verify.first_bad_offset, 12345u);
  EXPECT_EQ(byte.verify.bad_blocks, 1u);

  const ObjectCheck& range = result.problems[1];
  EXPECT_EQ(range.index, 5u);
  EXPECT_EQ(range.verify.first_bad_offset, 4096u * 7 + 100);
  EXPECT_EQ(range.verify.bad_blocks, 4u);

  const ObjectCheck& last = result.problems[2];
  EXPECT_EQ(last.index, 6u);
  EXPECT_EQ(last.verify.first_bad_offset, kSize - 1);
  EXPECT_EQ(last.verify.bad_blocks, 1u);

  EXPECT_EQ(result.problems[3].index, 8u);
  EXPECT_EQ(result.problems[3].status, ObjectStatus::missing);
  EXPECT_EQ(result.problems[3].name, "obj_8_of_12.dat");

  const ObjectCheck& truncated = result.problems[4];
  EXPECT_EQ(truncated.status, ObjectStatus::wrong_size);
  EXPECT_EQ(truncated.actual_bytes, 50000u);
  EXPECT_EQ(truncated.expected_bytes, kSize);
  EXPECT_EQ(truncated.verify.bytes_checked, 50000u);
  EXPECT_TRUE(truncated.verify.ok());

  const ObjectCheck& longer = result.problems[5];
  EXPECT_EQ(longer.status, ObjectStatus::wrong_size);
  EXPECT_EQ(longer.actual_bytes, kSize + 1);
  EXPECT_EQ(longer.verify.bytes_checked, kSize);
  EXPECT_TRUE(longer.verify.ok());

  const ObjectCheck& both = result.problems[6];
  EXPECT_EQ(both.status, ObjectStatus::wrong_size);
  EXPECT_EQ(both.verify.first_bad_offset, 4096u * 2 + 1);
  EXPECT_EQ(both.verify.bad_blocks, 1u);
}

// Bad block counts stay exact when a chunk size is not a multiple of the unit: chunks are
// rounded up to whole units for verification, so no block is split and counted twice.
TEST_F(GetPipeline, BadBlockCountExactWhateverTheChunk) {
  Bytes& object = storage_.object(names_.name(4));
  for (std::size_t block = 0; block < 25; block += 2) object[block * 4096 + 4095] ^= 1;  // 13 blocks' last bytes
  PipelineOptions options;
  options.chunk_bytes = 6000;
  const GetResult result = get(true, options);
  EXPECT_EQ(result.effective.chunk_bytes % 4096, 0u);
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems[0].verify.bad_blocks, 13u);
  EXPECT_EQ(result.problems[0].verify.first_bad_offset, 4095u);
}

TEST_F(GetPipeline, WithoutVerifyOnlySizesAndReadsCount) {
  storage_.object(names_.name(1))[0] ^= 1;  // not noticed without verification
  storage_.remove(names_.name(3));
  const GetResult result = get(false);
  EXPECT_FALSE(result.verified);
  EXPECT_EQ(result.objects_ok, kCount - 1);
  EXPECT_EQ(result.objects_missing, 1u);
  EXPECT_EQ(result.bytes_read, (kCount - 1) * kSize);
}

TEST_F(GetPipeline, ReadErrorsAreReportedPerObject) {
  storage_.before_read = [&](const std::string& name, std::uint64_t offset) {
    if (name == names_.name(7) && offset > 0) throw_io("memory://" + name + ": injected read failure");
  };
  PipelineOptions options;
  options.chunk_bytes = 16 * KiB;
  const GetResult result = get(true, options);
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems[0].status, ObjectStatus::read_error);
  EXPECT_EQ(result.problems[0].message, "memory://obj_7_of_12.dat: injected read failure");
  EXPECT_EQ(result.objects_read_errors, 1u);
  EXPECT_EQ(result.objects_ok, kCount - 1);
}

TEST_F(GetPipeline, StopCutsTheObjectInFlightShortAndStartsNoOther) {
  std::stop_source stop;
  storage_.before_read = [&](const std::string& name, std::uint64_t offset) {
    if (name == names_.name(3) && offset == 0) stop.request_stop();
  };
  PipelineOptions options;
  options.jobs = 1;
  options.chunk_bytes = 16 * KiB;
  const GetResult result = get_objects(storage_, objects_, true, options, {}, nullptr, stop.get_token());
  EXPECT_TRUE(result.interrupted);
  EXPECT_EQ(result.objects_ok, 3u);
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems[0].status, ObjectStatus::read_error);
  EXPECT_EQ(result.problems[0].message, "obj_3_of_12.dat: interrupted after 16384 bytes");
  EXPECT_EQ(result.objects_skipped, kCount - 4);
}

TEST(GetPipelineTargets, WriteOnlyStorageIsRefused) {
  MemoryStorage storage;
  storage.capabilities_value.readable = false;
  EXPECT_EQ(test::error_message([&] {
              get_objects(storage, ListedObjects({{"x", 1}}), false, {});
            }),
            "memory://: this storage cannot be read back");
}

}  // namespace
}  // namespace sdgen
