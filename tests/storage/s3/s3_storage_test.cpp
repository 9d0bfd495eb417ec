// The s3:// backend against a real moto server with signature checking on (run_s3_tests.sh).
#include "storage/s3/s3_storage.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include "s3_test_support.hpp"
#include "sdgen/error.hpp"
#include "sdgen/size.hpp"

namespace sdgen::testing {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Runs `action`, expects an Error of `kind` whose message contains every one of `parts`.
template <typename Action>
std::string expect_error(ErrorKind kind, const std::vector<std::string>& parts, Action action) {
  try {
    action();
  } catch (const Error& error) {
    const std::string message = error.what();
    std::cout << "  error: " << message << "\n";
    EXPECT_EQ(error.kind(), kind) << message;
    for (const auto& part : parts)
      EXPECT_NE(message.find(part), std::string::npos) << "'" << part << "' not in: " << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << "not one line: " << message;
    return message;
  }
  ADD_FAILURE() << "no Error thrown";
  return "";
}

class S3Storage : public ::testing::Test {
 protected:
  void SetUp() override {
    if (moto_endpoint().empty()) GTEST_SKIP() << "no S3 server: run through tests/storage/s3/run_s3_tests.sh";
  }
};

TEST_F(S3Storage, ManySmallObjectsRoundTripExactAndListed) {
  // Sizes around the edges: empty, one byte, under a sector, unit multiples and not.
  const std::vector<std::uint64_t> sizes = {0, 1, 511, 4096, 65537, 300000, (1u << 20) + 3};
  const int objects_per_size = 6;
  const std::string bucket = unique_bucket("small");
  auto storage = open_s3_storage("s3://" + bucket, test_options(moto_endpoint()));

  std::vector<DataGenerator> generators;
  for (std::size_t s = 0; s < sizes.size(); ++s)
    generators.push_back(make_generator(objects_per_size, sizes[s], 42 + s));
  const auto name_of = [&](std::size_t s, int object) {
    return "size" + std::to_string(sizes[s]) + "/obj_" + std::to_string(object);
  };
  // Four writer threads at once, each with its own objects, as the pipeline's jobs would.
  std::vector<std::thread> writers;
  std::mutex failures_mutex;
  std::vector<std::string> failures;
  for (int thread = 0; thread < 4; ++thread) {
    writers.emplace_back([&, thread] {
      for (std::size_t s = 0; s < sizes.size(); ++s) {
        for (int object = thread; object < objects_per_size; object += 4) {
          try {
            write_object(*storage, name_of(s, object), generators[s], object, 64 * 1024 + 13);
          } catch (const std::exception& error) {
            std::lock_guard lock(failures_mutex);
            failures.push_back(error.what());
          }
        }
      }
    });
  }
  for (auto& writer : writers) writer.join();
  ASSERT_TRUE(failures.empty()) << failures.front();

  std::map<std::string, std::uint64_t> written;
  for (std::size_t s = 0; s < sizes.size(); ++s) {
    for (int object = 0; object < objects_per_size; ++object) {
      written[name_of(s, object)] = sizes[s];
      EXPECT_EQ(storage->size_of(name_of(s, object)), sizes[s]) << name_of(s, object);
      EXPECT_EQ(first_difference(*storage, name_of(s, object), generators[s], object, 100000), -1)
          << name_of(s, object);
    }
  }
  // Every object is its own content: two objects of one size differ.
  std::vector<std::uint8_t> first(4096), second(4096);
  storage->read("size4096/obj_0", 0, first);
  storage->read("size4096/obj_1", 0, second);
  EXPECT_NE(first, second);

  std::map<std::string, std::uint64_t> listed;
  for (const auto& info : storage->list("")) listed[info.name] = info.size;
  EXPECT_EQ(listed, written);
}

TEST_F(S3Storage, DatasetDedupIsExactOverTheObjectsReadBack) {
  // D = 3 across 12 objects of 300 KiB (75 blocks of 4 KiB each, 900 in all): the distinct
  // blocks read back from the store are exactly the generator's count, 300.
  DataSpec spec;
  spec.dedup = 3;
  spec.seed = 77;
  const DataGenerator generator(spec, DatasetLayout{12, 300 * 1024});
  ASSERT_EQ(generator.distinct_full_blocks(), 300u);
  auto storage = open_s3_storage("s3://" + unique_bucket("dedup"), test_options(moto_endpoint()));
  for (std::uint64_t object = 0; object < 12; ++object)
    write_object(*storage, "obj_" + std::to_string(object), generator, object, 100000);
  std::set<std::string> distinct;
  std::vector<std::uint8_t> data(300 * 1024);
  for (std::uint64_t object = 0; object < 12; ++object) {
    ASSERT_EQ(storage->read("obj_" + std::to_string(object), 0, data), data.size());
    for (std::size_t block = 0; block < data.size(); block += 4096)
      distinct.emplace(reinterpret_cast<const char*>(data.data() + block), 4096);
  }
  EXPECT_EQ(distinct.size(), 300u);
}

// On the unchecked server: prefixes with '/' in the listing query (see unchecked_endpoint()).
TEST_F(S3Storage, ListingUnderPrefixesFollowsContinuationTokens) {
  const std::string bucket = unique_bucket("pages");
  auto storage = open_s3_storage("s3://" + bucket + "/run1/", test_options(unchecked_endpoint()));
  // 1000 keys per page: 1003 objects need two pages.
  const auto generator = make_generator(1003, 1, 7);
  std::vector<std::thread> writers;
  for (int thread = 0; thread < 8; ++thread)
    writers.emplace_back([&, thread] {
      for (int object = thread; object < 1003; object += 8)
        write_object(*storage, std::string("o").append(std::to_string(object)), generator, object, 1);
    });
  for (auto& writer : writers) writer.join();
  const auto listed = storage->list("");
  ASSERT_EQ(listed.size(), 1003u);
  std::vector<std::string> names;
  for (const auto& info : listed) names.push_back(info.name);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(std::unique(names.begin(), names.end()), names.end());
  EXPECT_EQ(names.front(), "o0");
  EXPECT_EQ(storage->list("o100").size(), 4u);  // o100, o1000, o1001, o1002
  EXPECT_TRUE(storage->list("nothing-here/").empty());

  // Names are appended to the prefix as text: "run1/" holds these, "run2/" none of them, and
  // "run" sees them as "1/o...".
  EXPECT_TRUE(open_s3_storage("s3://" + bucket + "/run2/", test_options(unchecked_endpoint()))->list("").empty());
  auto run = open_s3_storage("s3://" + bucket + "/run", test_options(unchecked_endpoint()));
  EXPECT_EQ(run->list("1/o100").size(), 4u);
  EXPECT_EQ(run->size_of("1/o100"), 1u);
  EXPECT_EQ(open_s3_storage("s3://" + bucket, test_options(unchecked_endpoint()))->list("run1/o100").size(), 4u);

  // Keys that need percent-encoding round-trip and list under their own names.
  const auto odd = make_generator(1, 3000, 8);
  const std::string name = "dir with space/a+b=c&d%e~f.dat";
  write_object(*storage, name, odd, 0, 1000);
  EXPECT_EQ(first_difference(*storage, name, odd, 0, 1024), -1);
  ASSERT_EQ(storage->list("dir with space/").size(), 1u);
  EXPECT_EQ(storage->list("dir with space/")[0].name, name);
}

// Through open_storage, a target is a directory as the AWS CLI reads it: s3://b/run1 and
// s3://b/run1/ are the same place, and the keys are run1/NAME, never run1NAME.
TEST_F(S3Storage, TargetWithoutTrailingSlashIsADirectory) {
  const std::string bucket = unique_bucket("dirs");
  const StorageOptions options = test_options(unchecked_endpoint());
  auto run1 = open_storage("s3://" + bucket + "/run1", options);
  EXPECT_EQ(run1->describe(), "s3://" + bucket + "/run1/");
  const auto generator = make_generator(1, 100, 9);
  write_object(*run1, "x", generator, 0, 64);
  EXPECT_EQ(open_storage("s3://" + bucket + "/run1/", options)->size_of("x"), 100u);
  const auto listed = open_storage("s3://" + bucket, options)->list("");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].name, "run1/x");
}

TEST_F(S3Storage, MultipartObjectRoundTripsWithMultipartEtag) {
  // 17 MiB in 5 MiB parts: parts of 5, 5, 5 and 2 MiB, written in chunks that straddle parts.
  const std::uint64_t size = 17ull << 20;
  const std::string bucket = unique_bucket("multipart");
  auto storage = open_s3_storage("s3://" + bucket + "/big/", test_options(moto_endpoint()));
  const auto generator = make_generator(2, size, 99);
  // Each part's CRC32C comes from the source before the part streams (s3_writer.hpp): the object
  // is generated once more, and no byte beyond that, since nothing needed a resend.
  EXPECT_EQ(write_object(*storage, "object_0", generator, 0, (1u << 20) + 7), size) << "a resend or a second pass";
  EXPECT_EQ(write_object(*storage, "object_1", generator, 1, 3u << 20), size);

  EXPECT_EQ(storage->size_of("object_0"), size);
  EXPECT_EQ(first_difference(*storage, "object_0", generator, 0, 4u << 20), -1);
  EXPECT_EQ(first_difference(*storage, "object_1", generator, 1, 3u << 20), -1);
  const std::string head = aws("s3api head-object --checksum-mode ENABLED --bucket " + bucket + " --key big/object_0");
  EXPECT_NE(head.find("-4\\\"\""), std::string::npos) << "ETag of a 4-part upload: " << head;
  EXPECT_NE(head.find("\"ChecksumCRC32C\""), std::string::npos) << "parts were sent with CRC32C: " << head;
  EXPECT_EQ(open_multipart_uploads(bucket), 0);
}

TEST_F(S3Storage, DefaultPartsAreEightMiBLikeTheAwsCli) {
  // The default part size is what docs/PERFORMANCE-S3.md measured against moto: 17 MiB go as
  // parts of 8, 8 and 1 MiB (a 3-part ETag).
  StorageOptions options;
  options.set("endpoint", moto_endpoint()).set("create-bucket", "true").set("multipart-threshold", "5MiB");
  const auto table = s3_storage_options();
  const auto part_size =
      std::find_if(table.begin(), table.end(), [](const auto& row) { return row.name == "part-size"; });
  ASSERT_NE(part_size, table.end());
  ASSERT_EQ(parse_size(part_size->default_value), 8ull << 20);
  const std::string bucket = unique_bucket("defaults");
  auto storage = open_s3_storage("s3://" + bucket, options);
  const auto generator = make_generator(1, 17ull << 20, 41);
  write_object(*storage, "object", generator, 0, 1u << 20);
  const std::string head = aws("s3api head-object --bucket " + bucket + " --key object");
  EXPECT_NE(head.find("-3\\\"\""), std::string::npos) << "ETag of a 3-part upload: " << head;
  EXPECT_EQ(first_difference(*storage, "object", generator, 0, 4u << 20), -1);
}

TEST_F(S3Storage, SinglePutCarriesTheCrc32cOfTheObject) {
  // The checksum goes in the PUT's headers before the body streams, so the writer generates the
  // object once more for it: the source is asked for exactly the object's size. moto keeps the
  // value without checking it (S3Faults.EveryPutsCrc32cIsCheckedOnTheWay checks it).
  const std::string bucket = unique_bucket("crc");
  auto storage = open_s3_storage("s3://" + bucket, test_options(moto_endpoint()));
  for (const std::uint64_t size : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{300000}, std::uint64_t{5} << 20}) {
    SCOPED_TRACE(size);  // 5 MiB: the multipart threshold of test_options(), still one PUT
    const auto generator = make_generator(1, size, 31 + size);
    const std::string name = "object_" + std::to_string(size);
    EXPECT_EQ(write_object(*storage, name, generator, 0, 65536 + 5), size);
    const std::string expected = crc32c_of_object(generator, 0);
    EXPECT_EQ(stored_crc32c(bucket, name), expected);
    if (size == 0) {
      EXPECT_EQ(expected, "AAAAAA==");
    }
    EXPECT_EQ(first_difference(*storage, name, generator, 0, 1u << 20), -1);
  }
  EXPECT_EQ(open_multipart_uploads(bucket), 0);
}

// On the unchecked server: keys with ' ' and '+' (see unchecked_endpoint()).
TEST_F(S3Storage, ListingReturnsNamesWithAnyCharacterExactly) {
  // The listing asks for encoding-type=url: as plain XML text, "\r" would come back as "\n", a
  // name of blanks only as "", and control characters are no XML at all. (No "\n": moto's
  // router refuses keys with it; S3 takes them.)
  const std::vector<std::string> names = {"space in name",
                                          "plus+sign",
                                          "percent%41%",
                                          "  ",
                                          "trailing blank ",
                                          "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac",
                                          "control\x01\x02\x1f\x7f",
                                          "carriage\rreturn",
                                          "tab\t",
                                          "xml<&>\"'",
                                          "query?a=b&c#fragment",
                                          "dir/../dot"};
  const std::string bucket = unique_bucket("names");
  auto storage = open_s3_storage("s3://" + bucket + "/odd dir+%/", test_options(unchecked_endpoint()));
  const auto generator = make_generator(names.size(), 1000, 9);
  for (std::size_t i = 0; i < names.size(); ++i) write_object(*storage, names[i], generator, i, 1000);

  std::set<std::string> listed;
  for (const auto& info : storage->list("")) {
    listed.insert(info.name);
    EXPECT_EQ(info.size, 1000u) << info.name;
  }
  EXPECT_EQ(listed, std::set<std::string>(names.begin(), names.end()));
  for (std::size_t i = 0; i < names.size(); ++i)
    EXPECT_EQ(first_difference(*storage, names[i], generator, i, 1000), -1) << names[i];
  // Prefixes with such characters select exactly their names.
  EXPECT_EQ(storage->list("plus+").size(), 1u);
  EXPECT_EQ(storage->list("percent%41").size(), 1u);
  EXPECT_EQ(storage->list(" ").size(), 1u);
  EXPECT_EQ(storage->list("carriage\r").size(), 1u);
  EXPECT_EQ(storage->list("caf\xc3\xa9 ").size(), 1u);
  EXPECT_EQ(open_s3_storage("s3://" + bucket, test_options(unchecked_endpoint()))->list("odd dir+%/").size(),
            names.size());
}

TEST_F(S3Storage, ReadsAtTheEdgesAndRemoves) {
  const std::string bucket = unique_bucket("edges");
  auto storage = open_s3_storage("s3://" + bucket, test_options(moto_endpoint()));
  const auto generator = make_generator(1, 10000, 5);
  write_object(*storage, "a/b.dat", generator, 0, 4096);
  std::vector<std::uint8_t> out(5000), expected(1000);
  EXPECT_EQ(storage->read("a/b.dat", 9000, out), 1000u);  // short only at the end
  generator.fill(0, 9000, expected);
  EXPECT_TRUE(std::equal(expected.begin(), expected.end(), out.begin()));
  EXPECT_EQ(storage->read("a/b.dat", 10000, out), 0u);
  EXPECT_EQ(storage->read("a/b.dat", 20000, out), 0u);
  EXPECT_EQ(storage->size_of("missing"), std::nullopt);
  expect_error(ErrorKind::io, {"missing", "no such object"}, [&] { storage->read("missing", 0, out); });
  ASSERT_EQ(storage->list("").size(), 1u);
  EXPECT_EQ(storage->list("")[0].name, "a/b.dat");
  storage->remove("a/b.dat");
  EXPECT_EQ(storage->size_of("a/b.dat"), std::nullopt);
  storage->remove("a/b.dat");  // removing what is gone is fine
  EXPECT_EQ(storage->describe(), "s3://" + bucket);
}

TEST_F(S3Storage, WriterMisuseAndAbortLeaveNothing) {
  const std::string bucket = unique_bucket("abort");
  auto storage = open_s3_storage("s3://" + bucket, test_options(moto_endpoint()));
  for (const std::uint64_t size : {std::uint64_t{100000}, std::uint64_t{12} << 20}) {
    SCOPED_TRACE(size);
    const auto generator = make_generator(1, size, 3);
    GeneratedSource source(generator, 0);
    std::vector<std::uint8_t> chunk(size / 2);
    generator.fill(0, 0, chunk);
    {  // abandoned half way: abort()
      auto writer = storage->create("half", size, source);
      writer->write(chunk);
      writer->abort();
      writer->abort();  // twice is harmless
    }
    {  // complete() before all bytes: refused, nothing stored
      auto writer = storage->create("short", size, source);
      writer->write(chunk);
      expect_error(ErrorKind::invalid_argument, {"bytes written before complete()"}, [&] { writer->complete(); });
    }
    {  // more bytes than declared: refused
      auto writer = storage->create("long", size, source);
      writer->write(chunk);
      writer->write(chunk);
      expect_error(ErrorKind::invalid_argument, {"more bytes"}, [&] { writer->write(chunk); });
    }
    {  // every byte written, then abort() instead of complete(): the object must not stay
      auto writer = storage->create("all-then-abort", size, source);
      writer->write(chunk);
      writer->write(std::span<const std::uint8_t>(chunk).first(size - chunk.size()));
      writer->abort();
    }
    {  // destroyed without complete(): same as abort()
      auto writer = storage->create("dropped", size, source);
      writer->write(chunk);
    }
    for (const auto& info : storage->list("")) ADD_FAILURE() << "left behind: " << info.name;
    EXPECT_EQ(open_multipart_uploads(bucket), 0);
  }
}

TEST_F(S3Storage, CredentialsFromAProfileFile) {
  const std::string directory = ::testing::TempDir();
  const std::string file = directory + "/sdgen-s3-credentials";
  std::ofstream(file) << "[default]\naws_access_key_id = nobody\naws_secret_access_key = wrong\n\n"
                      << "[sdgen]\naws_access_key_id = " << std::getenv("AWS_ACCESS_KEY_ID")
                      << "\naws_secret_access_key=" << std::getenv("AWS_SECRET_ACCESS_KEY") << "\n";
  ScopedEnv key("AWS_ACCESS_KEY_ID", nullptr), secret("AWS_SECRET_ACCESS_KEY", nullptr);
  ScopedEnv credentials_file("AWS_SHARED_CREDENTIALS_FILE", file.c_str());
  auto options = test_options(moto_endpoint());
  const std::string uri = "s3://" + unique_bucket("profile");

  options.set("profile", "sdgen");
  EXPECT_NO_THROW(open_s3_storage(uri, options));
  {
    options.set("profile", "");
    ScopedEnv profile("AWS_PROFILE", "sdgen");
    EXPECT_NO_THROW(open_s3_storage(uri, options));
  }
  expect_error(ErrorKind::io, {"InvalidAccessKeyId", "profile 'default'"}, [&] { open_s3_storage(uri, options); });
  options.set("profile", "absent");
  expect_error(ErrorKind::invalid_argument, {"no AWS credentials", "profile 'absent'", file},
               [&] { open_s3_storage(uri, options); });
  options.set("profile", "");
  ScopedEnv no_file("AWS_SHARED_CREDENTIALS_FILE", (directory + "/no-such-file").c_str());
  expect_error(ErrorKind::invalid_argument, {"no AWS credentials", "AWS_ACCESS_KEY_ID"},
               [&] { open_s3_storage(uri, options); });
}

TEST_F(S3Storage, TemporaryCredentialsSendTheSessionToken) {
  const char* session_key = std::getenv("SDGEN_S3_SESSION_KEY_ID");
  if (!session_key || !*session_key) GTEST_SKIP() << "no temporary credentials from run_s3_tests.sh";
  ScopedEnv key("AWS_ACCESS_KEY_ID", session_key);
  ScopedEnv secret("AWS_SECRET_ACCESS_KEY", std::getenv("SDGEN_S3_SESSION_SECRET"));
  const std::string uri = "s3://" + unique_bucket("session");
  {
    ScopedEnv token("AWS_SESSION_TOKEN", std::getenv("SDGEN_S3_SESSION_TOKEN"));
    auto storage = open_s3_storage(uri, test_options(moto_endpoint()));
    const auto generator = make_generator(1, 6u << 20, 21);  // multipart: every request kind signed
    write_object(*storage, "object", generator, 0, 1u << 20);
    EXPECT_EQ(first_difference(*storage, "object", generator, 0, 1u << 20), -1);
  }
  // Without the token the temporary key means nothing to the server.
  expect_error(ErrorKind::io, {"InvalidAccessKeyId"}, [&] { open_s3_storage(uri, test_options(moto_endpoint())); });
}

TEST_F(S3Storage, WrongSecretIsSignatureDoesNotMatch) {
  ScopedEnv secret("AWS_SECRET_ACCESS_KEY", "not-the-secret");
  const auto start = Clock::now();
  expect_error(ErrorKind::io, {"403", "SignatureDoesNotMatch", "credentials rejected"},
               [&] { open_s3_storage("s3://" + unique_bucket("secret"), test_options(moto_endpoint())); });
  EXPECT_LT(seconds_since(start), 2.0) << "a 403 is not retried";
}

TEST_F(S3Storage, UnknownKeyIsInvalidAccessKeyId) {
  ScopedEnv key("AWS_ACCESS_KEY_ID", "AKIAUNKNOWNUNKNOWN00");
  expect_error(ErrorKind::io, {"403", "InvalidAccessKeyId", "AKIAUNKNOWNUNKNOWN00"},
               [&] { open_s3_storage("s3://" + unique_bucket("key"), test_options(moto_endpoint())); });
}

TEST_F(S3Storage, MissingBucketIsAnErrorUnlessCreated) {
  const std::string bucket = unique_bucket("missing");
  auto options = test_options(moto_endpoint());
  options.set("create-bucket", "false");
  expect_error(ErrorKind::io, {"bucket '" + bucket + "' does not exist", "NoSuchBucket", moto_endpoint()},
               [&] { open_s3_storage("s3://" + bucket + "/x", options); });
  options.set("create-bucket", "true");
  open_s3_storage("s3://" + bucket + "/x", options);
  options.set("create-bucket", "false");
  EXPECT_NO_THROW(open_s3_storage("s3://" + bucket + "/x", options)) << "the bucket exists now";
  options.set("create-bucket", "true");
  EXPECT_NO_THROW(open_s3_storage("s3://" + bucket + "/x", options)) << "creating an existing bucket is fine";
}

TEST_F(S3Storage, UnreachableEndpointFailsWithinSeconds) {
  // A port nothing listens on: bound and closed again.
  const auto start = Clock::now();
  auto options = test_options("http://127.0.0.1:9");  // discard port, closed on loopback
  expect_error(ErrorKind::io, {"cannot reach http://127.0.0.1:9", "5 attempts"},
               [&] { open_s3_storage("s3://" + unique_bucket("closed"), options); });
  EXPECT_LT(seconds_since(start), 5.0);
}

TEST_F(S3Storage, BadUrisAndOptionsAreInvalidArguments) {
  const auto options = test_options(moto_endpoint());
  expect_error(ErrorKind::invalid_argument, {"no bucket"}, [&] { open_s3_storage("s3://", options); });
  expect_error(ErrorKind::invalid_argument, {"bucket name 'Bad_Bucket'"},
               [&] { open_s3_storage("s3://Bad_Bucket/x", options); });
  expect_error(ErrorKind::invalid_argument, {"not an s3:// URI"}, [&] { open_s3_storage("file:///tmp", options); });
  auto small_parts = options;
  small_parts.set("part-size", "1MiB");
  expect_error(ErrorKind::invalid_argument, {"part size"}, [&] { open_s3_storage("s3://abc", small_parts); });
  auto bad_endpoint = options;
  bad_endpoint.set("endpoint", "127.0.0.1:9000");
  expect_error(ErrorKind::invalid_argument, {"endpoint '127.0.0.1:9000'"},
               [&] { open_s3_storage("s3://abc", bad_endpoint); });
  auto bad_count = options;
  bad_count.set("parts-in-flight", "four");
  expect_error(ErrorKind::invalid_argument, {"storage option 'parts-in-flight' = 'four': must be a number"},
               [&] { open_s3_storage("s3://abc", bad_count); });
  auto storage = open_s3_storage("s3://" + unique_bucket("names"), options);
  const auto generator = make_generator(1, 1, 1);
  GeneratedSource source(generator, 0);
  expect_error(ErrorKind::invalid_argument, {"empty object name"}, [&] { storage->create("", 1, source); });
  auto huge_parts = options;  // 10001 parts of 5 MiB
  expect_error(ErrorKind::invalid_argument, {"S3 allows 10000"},
               [&] { storage->create("huge", 10001ull * (5ull << 20), source); });
}

}  // namespace
}  // namespace sdgen::testing
