// The backends' option tables and StorageOptions: each option accepted by a backend that takes
// it, refused naming it by any other; values read by the table's kind and default. No server.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "sdgen/error.hpp"
#include "sdgen/storage.hpp"
#include "storage/s3/s3_config.hpp"

namespace sdgen {
namespace {

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::invalid_argument) << error.what();
    return error.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

const BackendOption* option_of(const std::string& uri, std::string_view name) {
  const auto options = storage_backend_of(uri).options;
  const auto row =
      std::find_if(options.begin(), options.end(), [&](const auto& option) { return option.name == name; });
  return row == options.end() ? nullptr : &*row;
}

TEST(StorageOptions, EachBackendTakesItsOwnOptions) {
  for (const char* uri : {"file:///tmp/x", "direct:///tmp/x"}) {
    ASSERT_NE(option_of(uri, "fsync"), nullptr) << uri;
    EXPECT_EQ(option_of(uri, "fsync")->kind, BackendOption::Kind::flag);
    EXPECT_TRUE(option_of(uri, "fsync")->writing_only);
    EXPECT_EQ(option_of(uri, "part-size"), nullptr) << uri;
  }
  EXPECT_TRUE(storage_backend_of("null://").options.empty());
  EXPECT_TRUE(storage_backend_of("-").options.empty());
  EXPECT_EQ(storage_backend_of("-").target, "- (stdout)");
  for (const auto& [name, default_value] :
       std::vector<std::pair<std::string, std::string>>{{"endpoint", ""},
                                                        {"region", ""},
                                                        {"profile", ""},
                                                        {"create-bucket", ""},
                                                        {"part-size", "8MiB"},
                                                        {"multipart-threshold", "64MiB"},
                                                        {"parts-in-flight", "4"},
                                                        {"max-attempts", "5"},
                                                        {"timeout-ms", "30000"}}) {
    const BackendOption* option = option_of("s3://bucket/", name);
    ASSERT_NE(option, nullptr) << name;
    EXPECT_EQ(option->default_value, default_value) << name;
  }
  EXPECT_EQ(option_of("s3://bucket/", "fsync"), nullptr);
  EXPECT_FALSE(option_of("s3://bucket/", "endpoint")->writing_only) << "get and verify need the endpoint too";
  EXPECT_TRUE(option_of("s3://bucket/", "part-size")->writing_only);
}

TEST(StorageOptions, AnOptionOfAnotherBackendIsRefusedNamingIt) {
  const std::string directory = ::testing::TempDir() + "sdgen-options-refused/";
  StorageOptions part_size;
  part_size.set("part-size", "16MiB");
  EXPECT_EQ(error_of([&] { open_storage("file://" + directory, part_size); }),
            "storage option 'part-size' does not apply to file:// targets");
  EXPECT_FALSE(std::filesystem::exists(directory));
  StorageOptions fsync;
  fsync.set("fsync", "true");
  EXPECT_EQ(error_of([&] { open_storage("null://", fsync); }),
            "storage option 'fsync' does not apply to null:// targets");
  EXPECT_EQ(error_of([&] { open_storage("s3://bucket/", fsync); }),
            "storage option 'fsync' does not apply to s3:// targets");
  EXPECT_EQ(error_of([&] { open_storage("-", fsync); }), "storage option 'fsync' does not apply to - (stdout) targets");
  EXPECT_NO_THROW(open_storage("file://" + directory, fsync));
  StorageOptions unknown;
  unknown.set("fsnyc", "true");
  EXPECT_EQ(error_of([&] { open_storage("file://" + directory, unknown); }),
            "storage option 'fsnyc' does not apply to file:// targets");
  StorageOptions bad_flag;
  bad_flag.set("fsync", "sometimes");
  EXPECT_EQ(error_of([&] { open_storage("file://" + directory, bad_flag); }),
            "storage option 'fsync' = 'sometimes': must be true or false");
}

TEST(StorageOptions, S3OptionsReadByTheTableWithItsDefaults) {
  const s3::S3Options defaults = s3::read_s3_options({});
  EXPECT_EQ(defaults.part_bytes, 8ull << 20);
  EXPECT_EQ(defaults.multipart_threshold, 64ull << 20);
  EXPECT_EQ(defaults.parts_in_flight, 4u);
  EXPECT_EQ(defaults.max_attempts, 5u);
  EXPECT_EQ(defaults.timeout_ms, 30000u);
  EXPECT_FALSE(defaults.create_bucket);
  StorageOptions given;
  given.set("part-size", "16MiB").set("multipart-threshold", "1GiB").set("parts-in-flight", "2");
  given.set("create-bucket", "true").set("endpoint", "http://127.0.0.1:9000").set("timeout-ms", "1500");
  const s3::S3Options read = s3::read_s3_options(given);
  EXPECT_EQ(read.part_bytes, 16ull << 20);
  EXPECT_EQ(read.multipart_threshold, 1ull << 30);
  EXPECT_EQ(read.parts_in_flight, 2u);
  EXPECT_TRUE(read.create_bucket);
  EXPECT_EQ(read.endpoint, "http://127.0.0.1:9000");
  EXPECT_EQ(read.timeout_ms, 1500u);
  StorageOptions small;
  small.set("part-size", "1MiB");
  EXPECT_EQ(error_of([&] { s3::read_s3_options(small); }), "s3 part size 1048576: must be from 5 MiB to 5 GiB");
  StorageOptions zero;
  zero.set("parts-in-flight", "0");
  EXPECT_EQ(error_of([&] { s3::read_s3_options(zero); }), "s3 parts in flight 0: must be from 1 to 256");
}

}  // namespace
}  // namespace sdgen
