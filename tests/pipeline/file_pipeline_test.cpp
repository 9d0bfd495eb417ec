// The pipeline against real file systems: put then read back byte-exact through file:// and
// direct://, verification of real damage, disk full on a 2 MiB tmpfs, and resident memory
// bounded by the options while a 2 GiB object streams to null://.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include "sdgen/dataset.hpp"
#include "sdgen/manifest.hpp"
#include "storage_test_support.hpp"

namespace sdgen {
namespace {

using test::Bytes;
using test::direct_io_supported;
using test::KiB;
using test::MiB;
using test::read_file;
using test::TempDir;

DataSpec spec_with(double dedup, double compress, std::uint64_t seed) {
  DataSpec spec;
  spec.dedup = dedup;
  spec.compress = compress;
  spec.seed = seed;
  return spec;
}

GetResult verify_all(Storage& storage, const DataGenerator& generator, const NameTemplate& names) {
  PipelineOptions options;
  options.chunk_bytes = 64 * KiB;
  options.threads = 2;
  return get_objects(storage, GeneratedObjects(generator, names.text()), true, options);
}

class FilePipeline : public test::FileTargetTest {};

TEST_P(FilePipeline, PutThenReadBackByteExact) {
  // Sizes that are not multiples of the unit, the chunk or the O_DIRECT granule, and tiny ones.
  for (const std::uint64_t size : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{511}, 300 * KiB + 77}) {
    const std::uint64_t count = 6;
    const DataGenerator generator(spec_with(size >= 2 * 4096 ? 2 : 1, 2, size + 1), {count, size});
    std::string name_template = "s";  // appended in pieces: GCC 12 warns falsely (-Wrestrict) on "s" + string&&
    name_template += std::to_string(size);
    name_template += "_{}_of_{}";
    const NameTemplate names(name_template, count);
    PipelineOptions options;
    options.chunk_bytes = 64 * KiB;
    options.queue_depth = 3;
    options.jobs = 3;
    options.threads = 2;
    const PutResult result = put_objects(*storage_, GeneratedObjects(generator, names.text()), options);
    ASSERT_EQ(result.objects_written, count) << (result.failures.empty() ? "" : result.failures[0].message);
    for (std::uint64_t i = 0; i < count; ++i)
      EXPECT_EQ(read_file(dir_.file(names.name(i))), test::generate_object(generator, i)) << names.name(i);
    EXPECT_TRUE(verify_all(*storage_, generator, names).all_ok());
  }
  EXPECT_TRUE(std::filesystem::exists(dir_.file("s511_5_of_6")));
}

TEST_P(FilePipeline, VerifyFindsCorruptionDeletionAndTruncation) {
  const std::uint64_t count = 5;
  const DataGenerator generator(spec_with(1, 1, 42), {count, 256 * KiB});
  const NameTemplate names(kDefaultNameTemplate, count);
  ASSERT_EQ(put_objects(*storage_, GeneratedObjects(generator, names.text()), {}).objects_written, count);
  {
    std::fstream file(dir_.file("obj_1_of_5.dat"), std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(100000);
    const char original = static_cast<char>(file.get());
    file.seekp(100000);
    file.put(static_cast<char>(original ^ 0x5a));
  }
  std::filesystem::remove(dir_.file("obj_3_of_5.dat"));
  std::filesystem::resize_file(dir_.file("obj_4_of_5.dat"), 1000);

  const GetResult result = verify_all(*storage_, generator, names);
  ASSERT_EQ(result.problems.size(), 3u);
  EXPECT_EQ(result.problems[0].name, "obj_1_of_5.dat");
  EXPECT_EQ(result.problems[0].status, ObjectStatus::mismatch);
  EXPECT_EQ(result.problems[0].verify.first_bad_offset, 100000u);
  EXPECT_EQ(result.problems[0].verify.bad_blocks, 1u);
  EXPECT_EQ(result.problems[1].name, "obj_3_of_5.dat");
  EXPECT_EQ(result.problems[1].status, ObjectStatus::missing);
  EXPECT_EQ(result.problems[2].name, "obj_4_of_5.dat");
  EXPECT_EQ(result.problems[2].status, ObjectStatus::wrong_size);
  EXPECT_EQ(result.problems[2].actual_bytes, 1000u);
  EXPECT_EQ(result.objects_ok, 2u);
}

INSTANTIATE_TEST_SUITE_P(Storage, FilePipeline, ::testing::Values("file", "direct"),
                         [](const auto& info) { return info.param; });

// A 2 MiB tmpfs: mounting needs root (or CAP_SYS_ADMIN); the test skips, saying so, without it.
class SmallFileSystem : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::mount("tmpfs", dir_.path().c_str(), "tmpfs", 0, "size=2m") != 0)
      GTEST_SKIP() << "cannot mount a 2 MiB tmpfs on " << dir_.path() << " (" << std::strerror(errno)
                   << "): disk-full behaviour needs root";
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) ::umount2(dir_.path().c_str(), MNT_DETACH);
  }
  TempDir dir_;
  bool mounted_ = false;
};

// Disk full: the failing object is reported with the system's reason and removed; nothing that
// was not written is counted; every object counted is complete and correct.
TEST_F(SmallFileSystem, DiskFullIsReportedAndNothingUnwrittenIsCounted) {
  for (const std::string scheme : {"file", "direct"}) {
    if (scheme == "direct" && !direct_io_supported(dir_.path())) continue;  // tmpfs before Linux 6.6
    for (const bool keep_going : {false, true}) {
      const std::string sub = dir_.path() + "/" + scheme + (keep_going ? "-all" : "-stop");
      auto storage = open_storage(scheme + "://" + sub + "/", {});
      const std::uint64_t count = 8;
      const DataGenerator generator(spec_with(1, 1, 3), {count, 300 * KiB});
      const NameTemplate names("o{}", count);
      PipelineOptions options;
      options.chunk_bytes = 64 * KiB;
      options.jobs = 2;
      options.keep_going = keep_going;
      const PutResult result = put_objects(*storage, GeneratedObjects(generator, names.text()), options);
      SCOPED_TRACE(scheme + (keep_going ? " keep going" : " stop"));
      ASSERT_FALSE(result.failures.empty());
      EXPECT_NE(result.failures[0].message.find("No space left on device"), std::string::npos)
          << result.failures[0].message;
      EXPECT_EQ(result.objects_written + result.objects_failed + result.objects_skipped, count);
      if (keep_going) {
        EXPECT_EQ(result.objects_skipped, 0u);
      }
      std::set<std::uint64_t> failed;
      for (const ObjectFailure& f : result.failures) failed.insert(f.index);
      std::uint64_t present = 0;
      for (std::uint64_t i = 0; i < count; ++i) {
        const bool exists = std::filesystem::exists(sub + "/" + names.name(i));
        present += exists;
        if (failed.contains(i)) {
          EXPECT_FALSE(exists) << names.name(i) << " failed but was left behind";
        }
        if (exists) {
          EXPECT_EQ(read_file(sub + "/" + names.name(i)), test::generate_object(generator, i)) << names.name(i);
        }
      }
      EXPECT_EQ(present, result.objects_written);
      std::filesystem::remove_all(sub);  // room for the next round
    }
  }
}

std::uint64_t status_kib(const char* field) {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind(field, 0) == 0) return std::stoull(line.substr(std::strlen(field)));
  return 0;
}

// Resident memory while a 2 GiB object streams to null:// stays within the pool (8 x 4 MiB)
// plus a fixed allowance for thread stacks and the generator's tables: far below the object.
TEST(MemoryBound, LargeObjectToNullStaysWithinThePool) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer's shadow memory and quarantine make resident memory meaningless here";
#endif
  const std::uint64_t object_bytes = std::uint64_t{2} << 30;
  PipelineOptions options;
  options.chunk_bytes = 4 * MiB;
  options.queue_depth = 8;
  options.jobs = 1;
  options.threads = 2;
  const DataGenerator generator(spec_with(1, 1, 9), {1, object_bytes});
  auto storage = open_storage("null://", {});
  {
    std::ofstream reset("/proc/self/clear_refs");
    reset << "5";  // resets VmHWM (the peak) to the current resident size (Linux >= 4.0)
  }
  const std::uint64_t before_kib = status_kib("VmRSS:");
  const PutResult result = put_objects(*storage, GeneratedObjects(generator, "big"), options);
  const std::uint64_t peak_kib = status_kib("VmHWM:");
  ASSERT_EQ(result.objects_written, 1u);
  ASSERT_EQ(result.bytes_written, object_bytes);
  const std::uint64_t pool_bytes = options.queue_depth * options.chunk_bytes;
  const std::uint64_t allowance = 32 * MiB;
  const std::uint64_t grown = (peak_kib > before_kib ? peak_kib - before_kib : 0) * 1024;
  EXPECT_LE(grown, pool_bytes + allowance)
      << "grew by " << grown / MiB << " MiB streaming a " << object_bytes / MiB << " MiB object";
  RecordProperty("resident_growth_bytes", std::to_string(grown));
}

}  // namespace
}  // namespace sdgen
