// The backends against real files in a temporary directory: byte-exact round trips for any size
// and any chunking, the O_DIRECT tail handling, abort cleanup, listing, and the registry's errors.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include "sdgen/manifest.hpp"
#include "sdgen/storage.hpp"
#include "storage_test_support.hpp"

namespace sdgen {
namespace {

using test::Bytes;
using test::direct_io_supported;
using test::error_message;
using test::KiB;
using test::MiB;
using test::read_file;
using test::TempDir;

Bytes pattern(std::size_t size, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Bytes bytes(size);
  for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
  return bytes;
}

class BytesSource final : public ByteSource {
 public:
  explicit BytesSource(const Bytes& bytes) : bytes_(bytes) {}
  void read_at(std::uint64_t offset, std::span<std::uint8_t> out) override {
    std::copy_n(bytes_.begin() + static_cast<std::ptrdiff_t>(offset), out.size(), out.begin());
  }

 private:
  const Bytes& bytes_;
};

// Writes `bytes` through a writer in pieces of `piece` bytes taken from an aligned copy (as the
// pipeline's pool buffers are), optionally starting `misalign` bytes into it.
void write_in_pieces(Storage& storage, const std::string& name, const Bytes& bytes, std::size_t piece,
                     std::size_t misalign = 0) {
  auto* aligned = static_cast<std::uint8_t*>(std::aligned_alloc(4096, (bytes.size() + misalign + 4096) / 4096 * 4096));
  std::copy(bytes.begin(), bytes.end(), aligned + misalign);
  BytesSource source(bytes);
  auto writer = storage.create(name, bytes.size(), source);
  for (std::size_t at = 0; at < bytes.size(); at += piece)
    writer->write({aligned + misalign + at, std::min(piece, bytes.size() - at)});
  writer->complete();
  std::free(aligned);
}

class FileBackends : public test::FileTargetTest {};

// Sizes around the 4 KiB O_DIRECT granule and the staging buffer, in aligned and odd pieces.
TEST_P(FileBackends, ByteExactForAnySizeAndChunking) {
  const std::size_t sizes[] = {0, 1, 511, 4095, 4096, 4097, 65536 + 17, MiB + 4096 * 3 + 5};
  const std::size_t pieces[] = {4096, 64 * KiB, 3000, 1};
  std::uint64_t seed = 1;
  for (const std::size_t size : sizes)
    for (const std::size_t piece : pieces) {
      if (piece == 1 && size > 70000) continue;  // byte-by-byte writes of a MiB take too long to be worth it
      const Bytes bytes = pattern(size, seed++);
      const std::string name = "obj_" + std::to_string(size) + "_" + std::to_string(piece);
      write_in_pieces(*storage_, name, bytes, piece);
      EXPECT_EQ(read_file(dir_.file(name)), bytes) << name;
      EXPECT_EQ(storage_->size_of(name), size) << name;
      EXPECT_EQ(storage_->get_bytes(name), bytes) << name;
    }
}

TEST_P(FileBackends, UnalignedSourceBuffersStillWriteExactly) {
  const Bytes bytes = pattern(3 * 4096 + 100, 7);
  write_in_pieces(*storage_, "misaligned", bytes, 4096, 3);
  EXPECT_EQ(read_file(dir_.file("misaligned")), bytes);
}

TEST_P(FileBackends, ReadsAlignedAndUnalignedRanges) {
  const Bytes bytes = pattern(5 * 4096 + 123, 9);
  storage_->put_bytes("ranges", bytes);
  auto* buffer = static_cast<std::uint8_t*>(std::aligned_alloc(4096, 8 * 4096));
  // Aligned request running past the end: a short count, the exact tail.
  EXPECT_EQ(storage_->read("ranges", 4 * 4096, {buffer, 2 * 4096}), 4096u + 123);
  EXPECT_TRUE(std::equal(buffer, buffer + 4096 + 123, bytes.begin() + 4 * 4096));
  // Unaligned offset and size.
  EXPECT_EQ(storage_->read("ranges", 1000, {buffer + 1, 5000}), 5000u);
  EXPECT_TRUE(std::equal(buffer + 1, buffer + 5001, bytes.begin() + 1000));
  EXPECT_EQ(storage_->read("ranges", bytes.size(), {buffer, 4096}), 0u);
  std::free(buffer);
}

TEST_P(FileBackends, AbortRemovesThePartialObject) {
  const Bytes bytes = pattern(10000, 3);
  BytesSource source(bytes);
  auto writer = storage_->create("partial", bytes.size(), source);
  writer->write({bytes.data(), 4096});
  EXPECT_TRUE(std::filesystem::exists(dir_.file("partial")));
  writer->abort();
  EXPECT_FALSE(std::filesystem::exists(dir_.file("partial")));
  EXPECT_EQ(storage_->size_of("partial"), std::nullopt);
}

TEST_P(FileBackends, WriterDestroyedWithoutCompleteLeavesNothing) {
  const Bytes bytes = pattern(5000, 4);
  BytesSource source(bytes);
  storage_->create("dropped", bytes.size(), source)->write({bytes.data(), 100});
  EXPECT_FALSE(std::filesystem::exists(dir_.file("dropped")));
}

TEST_P(FileBackends, CreatesDirectoriesAndListsByPrefix) {
  storage_->put_bytes("a/b/one", pattern(10, 1));
  storage_->put_bytes("a/two", pattern(20, 2));
  storage_->put_bytes("other", pattern(30, 3));
  std::vector<ObjectInfo> listed = storage_->list("a/");
  std::sort(listed.begin(), listed.end(), [](const auto& x, const auto& y) { return x.name < y.name; });
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].name, "a/b/one");
  EXPECT_EQ(listed[0].size, 10u);
  EXPECT_EQ(listed[1].name, "a/two");
  EXPECT_EQ(storage_->list("").size(), 3u);
  storage_->remove("a/two");
  storage_->remove("a/two");  // removing a missing object is not an error
  EXPECT_EQ(storage_->list("a/").size(), 1u);
}

// Targets are directories: with or without the trailing slash, and whether it exists yet or not.
TEST_P(FileBackends, TargetWithoutTrailingSlashIsADirectory) {
  auto run1 = open_storage(GetParam() + "://" + dir_.path() + "/run1", {});
  EXPECT_EQ(run1->describe(), GetParam() + "://" + dir_.path() + "/run1/");
  run1->put_bytes("x", pattern(10, 1));
  EXPECT_TRUE(std::filesystem::exists(dir_.file("run1/x")));
  EXPECT_FALSE(std::filesystem::exists(dir_.file("run1x")));
  auto same = open_storage(GetParam() + "://" + dir_.path() + "/run1/", {});
  EXPECT_EQ(same->size_of("x"), 10u);
  const std::vector<ObjectInfo> listed = same->list("");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].name, "x");
  auto existing = open_storage(GetParam() + "://" + dir_.path(), {});
  EXPECT_EQ(existing->describe(), GetParam() + "://" + dir_.path() + "/");
  EXPECT_EQ(existing->size_of("run1/x"), 10u);
}

TEST_P(FileBackends, MissingObjectsAndUnreadableTargets) {
  EXPECT_EQ(storage_->size_of("nothing"), std::nullopt);
  EXPECT_EQ(storage_->get_bytes("nothing"), std::nullopt);
  std::uint8_t byte = 0;
  EXPECT_EQ(error_message(
                [&] {
                  storage_->read("nothing", 0, {&byte, 1});
                },
                ErrorKind::io),
            GetParam() + "://" + dir_.path() + "/nothing: cannot open: No such file or directory");
  std::filesystem::create_directory(dir_.file("a_directory"));
  EXPECT_EQ(error_message([&] { storage_->size_of("a_directory"); }, ErrorKind::io),
            GetParam() + "://" + dir_.path() + "/a_directory: not a regular file");
  // A path through a regular file cannot be created.
  storage_->put_bytes("plain", pattern(1, 1));
  const Bytes bytes = pattern(1, 1);
  BytesSource source(bytes);
  EXPECT_EQ(error_message([&] { storage_->create("plain/below", 1, source); }, ErrorKind::io),
            GetParam() + "://" + dir_.path() + "/plain/below: cannot create: Not a directory");
}

TEST_P(FileBackends, FsyncOptionStillWritesExactly) {
  StorageOptions options;
  options.set("fsync", "true");
  auto synced = open_storage(GetParam() + "://" + dir_.path() + "/", options);
  const Bytes bytes = pattern(3 * 4096 + 1, 11);
  write_in_pieces(*synced, "synced", bytes, 4096);
  EXPECT_EQ(read_file(dir_.file("synced")), bytes);
}

INSTANTIATE_TEST_SUITE_P(Storage, FileBackends, ::testing::Values("file", "direct"),
                         [](const auto& info) { return info.param; });

TEST(DirectBackend, AsksForAlignedChunks) {
  TempDir dir;
  const StorageCapabilities caps = open_storage("direct://" + dir.path() + "/", {})->capabilities();
  EXPECT_EQ(caps.buffer_alignment, 4096u);
  EXPECT_EQ(caps.size_granularity, 4096u);
  EXPECT_TRUE(caps.readable);
  const StorageCapabilities file = open_storage("file://" + dir.path() + "/", {})->capabilities();
  EXPECT_EQ(file.buffer_alignment, 1u);
  EXPECT_TRUE(file.concurrent_objects);
}

// Where the file system refuses O_DIRECT (tmpfs before Linux 6.6), direct:// says so and names
// the way out, at the first object.
TEST(DirectBackend, AFileSystemWithoutODirectIsNamed) {
  if (!std::filesystem::is_directory("/dev/shm")) GTEST_SKIP() << "no /dev/shm here";
  TempDir dir("/dev/shm");
  if (direct_io_supported(dir.path())) GTEST_SKIP() << "/dev/shm takes O_DIRECT here (Linux 6.6 or later)";
  auto storage = open_storage("direct://" + dir.path() + "/", {});
  const Bytes bytes = pattern(10, 1);
  BytesSource source(bytes);
  EXPECT_EQ(error_message([&] { storage->create("x", bytes.size(), source); }, ErrorKind::io),
            "direct://" + dir.path() + "/x: the file system refuses O_DIRECT (use file:// there)");
}

TEST(NullBackend, DiscardsAndCannotBeRead) {
  auto storage = open_storage("null://", {});
  EXPECT_TRUE(storage->capabilities().discards_data);
  EXPECT_FALSE(storage->capabilities().readable);
  const Bytes bytes = pattern(100, 1);
  storage->put_bytes("anything", bytes);
  EXPECT_EQ(storage->size_of("anything"), std::nullopt);
  std::uint8_t byte = 0;
  EXPECT_EQ(error_message([&] {
              storage->read("x", 0, {&byte, 1});
            }),
            "null://x: null:// discards data, nothing can be read back");
}

TEST(StdoutBackend, WritesObjectsInOrderToStandardOutput) {
  TempDir dir;
  const std::string path = dir.file("captured");
  const int saved = ::dup(STDOUT_FILENO);
  const int file = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(file, 0);
  ::dup2(file, STDOUT_FILENO);
  ::close(file);
  const Bytes first = pattern(5000, 1), second = pattern(3, 2);
  {
    auto storage = open_storage("-", {});
    EXPECT_FALSE(storage->capabilities().concurrent_objects);
    EXPECT_FALSE(storage->capabilities().readable);
    storage->put_bytes("a", first);
    storage->put_bytes("b", second);
  }
  ::dup2(saved, STDOUT_FILENO);
  ::close(saved);
  Bytes expected = first;
  expected.insert(expected.end(), second.begin(), second.end());
  EXPECT_EQ(read_file(path), expected);
}

TEST(Registry, UnknownSchemesAndBadUris) {
  EXPECT_EQ(error_message([] { open_storage("ftp://host/x", {}); }),
            "target 'ftp://host/x': unknown scheme 'ftp' (use file:///dir/prefix, direct:///dir/prefix, "
            "s3://bucket/prefix, null:// or -)");
  EXPECT_EQ(error_message([] { open_storage("/tmp/data", {}); }),
            "target '/tmp/data': no scheme (use file:///dir/prefix, direct:///dir/prefix, s3://bucket/prefix, null:// "
            "or -)");
  EXPECT_EQ(error_message([] { open_storage("file://", {}); }),
            "target 'file://': no path (use file:///dir/ or file:///dir/prefix)");
  EXPECT_EQ(error_message([] { open_storage("direct://", {}); }),
            "target 'direct://': no path (use direct:///dir/ or direct:///dir/prefix)");
}

TEST(Manifest, RoundTripsEverythingVerificationNeeds) {
  DataSpec spec;
  spec.dedup = 2.5;
  spec.compress = 3;
  spec.unit_bytes = 8192;
  spec.codec = parse_codec("lz4");
  spec.codec_chunk_bytes = 128 * KiB;
  spec.seed = 0xfedcba9876543210ull;
  spec.scope = DedupScope::object;
  const DataGenerator generator(spec, {7, 100 * KiB});
  const Manifest written = make_manifest(generator, "f{}.bin");
  ASSERT_TRUE(written.spec.random_bytes_per_block);
  EXPECT_EQ(*written.spec.random_bytes_per_block, generator.random_bytes_per_block());

  TempDir dir;
  auto storage = open_storage("file://" + dir.path() + "/", {});
  EXPECT_EQ(read_manifest(*storage), std::nullopt);
  write_manifest(*storage, written);
  EXPECT_TRUE(std::filesystem::exists(dir.file(kManifestName)));
  const std::optional<Manifest> read = read_manifest(*storage);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->spec.dedup, 2.5);
  EXPECT_EQ(read->spec.compress, 3);
  EXPECT_EQ(read->spec.unit_bytes, 8192u);
  EXPECT_EQ(read->spec.codec, spec.codec);
  EXPECT_EQ(read->spec.codec_chunk_bytes, 128 * KiB);
  EXPECT_EQ(read->spec.seed, spec.seed);
  EXPECT_EQ(read->spec.scope, DedupScope::object);
  EXPECT_EQ(read->spec.random_bytes_per_block, written.spec.random_bytes_per_block);
  EXPECT_EQ(read->layout.object_count, 7u);
  EXPECT_EQ(read->layout.object_bytes, 100 * KiB);
  EXPECT_EQ(read->name_template, "f{}.bin");
  EXPECT_EQ(read->sdgen_version, written.sdgen_version);
  // The generator rebuilt from the manifest produces the same bytes.
  const DataGenerator again(read->spec, read->layout);
  EXPECT_EQ(test::generate_object(again, 6), test::generate_object(generator, 6));
}

TEST(Manifest, InvalidDocumentsNameTheProblem) {
  EXPECT_EQ(error_message([] { parse_manifest("{", "m"); }), "m: not an sdgen manifest: not valid JSON");
  EXPECT_EQ(error_message([] { parse_manifest("{}", "m"); }), "m: not an sdgen manifest: no field 'format'");
  EXPECT_EQ(error_message([] { parse_manifest(R"({"format":"sdgen-manifest","format_version":1})", "m"); }),
            "m: manifest format version 1 is not supported (this sdgen reads 2; data of another version cannot be "
            "regenerated here)");
  const DataGenerator generator(DataSpec{}, {1, 4096});
  std::string text = format_manifest(make_manifest(generator, "x"));
  const std::string seed_field = "\"seed\": 0";
  ASSERT_NE(text.find(seed_field), std::string::npos);
  text.replace(text.find(seed_field), seed_field.size(), "\"seed\": \"zero\"");
  EXPECT_EQ(error_message([&] { parse_manifest(text, "m"); }), "m: field 'spec.seed' has the wrong type: \"zero\"");
  std::string bad_dedup = format_manifest(make_manifest(generator, "x"));
  bad_dedup.replace(bad_dedup.find("\"dedup\": 1.0"), 12, "\"dedup\": 0.5");
  EXPECT_EQ(error_message([&] { parse_manifest(bad_dedup, "m"); }), "m: dedup 0.5: must be a finite number >= 1");
}

}  // namespace
}  // namespace sdgen
