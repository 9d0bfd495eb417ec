// The s3:// backend through tests/storage/s3/fault_proxy.py: throttling answers, a path to the server that
// breaks for good mid-upload, a server that stops answering. The truth is checked directly
// against moto, never through the proxy.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>

#include "s3_test_support.hpp"
#include "sdgen/error.hpp"
#include "storage/s3/s3_storage.hpp"

namespace sdgen::testing {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

class S3Faults : public ::testing::Test {
 protected:
  void SetUp() override {
    if (proxy_endpoint().empty()) GTEST_SKIP() << "no fault proxy: run through tests/storage/s3/run_s3_tests.sh";
    configure_proxy("{}");
    bucket_ = unique_bucket("faults");
    direct_ = open_s3_storage("s3://" + bucket_, test_options(moto_endpoint()));  // creates the bucket
    options_ = test_options(proxy_endpoint());
    options_.set("create-bucket", "false");
  }
  void TearDown() override {
    if (!proxy_endpoint().empty()) configure_proxy("{}");
  }
  std::unique_ptr<Storage> through_proxy() { return open_s3_storage("s3://" + bucket_, options_); }

  std::string bucket_;
  std::unique_ptr<Storage> direct_;  // straight to moto
  StorageOptions options_;
};

// Writes object `object`, expecting an Error; returns its message and how long it took.
std::pair<std::string, double> failed_write(Storage& storage, const std::string& name, const DataGenerator& generator,
                                            std::uint64_t object) {
  const auto start = Clock::now();
  try {
    write_object(storage, name, generator, object, 1u << 20);
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::io) << error.what();
    std::cout << "  error after " << seconds_since(start) << " s: " << error.what() << "\n";
    return {error.what(), seconds_since(start)};
  }
  ADD_FAILURE() << name << ": written although the path to the server is broken";
  return {"", seconds_since(start)};
}

TEST_F(S3Faults, ConnectionsAreReused) {
  // The proxy keeps connections open (moto itself closes each one): one writer thread's PUTs and
  // reads go over a handful of connections, not one each.
  auto storage = through_proxy();
  configure_proxy("{}");
  const auto generator = make_generator(20, 10000, 19);
  for (int object = 0; object < 20; ++object)
    write_object(*storage, std::string("o").append(std::to_string(object)), generator, object, 4096);
  for (int object = 0; object < 20; ++object)
    EXPECT_EQ(storage->size_of(std::string("o").append(std::to_string(object))), 10000u);
  EXPECT_EQ(proxy_counter("requests"), 40);
  EXPECT_LE(proxy_counter("connections"), 4);
}

TEST_F(S3Faults, EveryThirdRequestThrottledStillSucceeds) {
  auto storage = through_proxy();
  configure_proxy(R"({"error_every": 3})");
  const auto small = make_generator(8, 200000, 11);
  const auto large = make_generator(1, 17ull << 20, 12);
  std::uint64_t regenerated = 0;
  for (int object = 0; object < 8; ++object)
    regenerated += write_object(*storage, "small_" + std::to_string(object), small, object, 65536);
  regenerated += write_object(*storage, "large", large, 0, 1u << 20);

  EXPECT_GE(proxy_counter("errors_injected"), 4);
  EXPECT_GT(regenerated, 0u) << "resent bodies come from the ByteSource";
  for (int object = 0; object < 8; ++object)
    EXPECT_EQ(first_difference(*direct_, "small_" + std::to_string(object), small, object, 65536), -1);
  EXPECT_EQ(first_difference(*direct_, "large", large, 0, 4u << 20), -1);
  EXPECT_EQ(open_multipart_uploads(bucket_), 0);
}

TEST_F(S3Faults, FirstPartUploadsThrottledAreRegenerated) {
  auto storage = through_proxy();
  configure_proxy(R"({"error_first_part_puts": 3})");
  const auto generator = make_generator(1, 17ull << 20, 13);
  // The three refused part requests are of 5 MiB parts: part 4 (2 MiB) opens only after parts 1-3
  // each sent a first request (a part opens once the one before it streams). Each resend
  // regenerates exactly its part; beyond that, only the checksum pass generates the object
  // (17 MiB) once more.
  EXPECT_EQ(write_object(*storage, "object", generator, 0, 1u << 20), (17ull << 20) + (15ull << 20));
  EXPECT_EQ(proxy_counter("errors_injected"), 3);
  EXPECT_EQ(first_difference(*direct_, "object", generator, 0, 4u << 20), -1);
  EXPECT_EQ(open_multipart_uploads(bucket_), 0);
}

TEST_F(S3Faults, EveryPutsCrc32cIsCheckedOnTheWay) {
  // The proxy checks x-amz-checksum-crc32c as S3 does (moto does not): a single PUT and three
  // parts pass, and a single PUT whose streamed bytes differ from what its source generates
  // (where its checksum comes from) is refused, leaving nothing.
  auto storage = through_proxy();
  configure_proxy(R"({"verify_crc32c": true})");
  const auto single = make_generator(1, 300000, 22);
  const auto multipart = make_generator(1, (10u << 20) + 1, 23);  // parts of 5 MiB, 5 MiB, 1 byte
  write_object(*storage, "single", single, 0, 65536);
  write_object(*storage, "multipart", multipart, 0, 1u << 20);
  EXPECT_EQ(proxy_counter("checksums_verified"), 4);
  EXPECT_EQ(proxy_counter("checksums_refused"), 0);
  EXPECT_EQ(first_difference(*direct_, "single", single, 0, 65536), -1);
  EXPECT_EQ(first_difference(*direct_, "multipart", multipart, 0, 4u << 20), -1);

  GeneratedSource source(single, 0);
  std::vector<std::uint8_t> bytes(300000);
  single.fill(0, 0, bytes);
  bytes[123456] ^= 1;
  auto writer = storage->create("corrupted", bytes.size(), source);
  writer->write(bytes);
  try {
    writer->complete();
    ADD_FAILURE() << "a body that does not match its checksum was stored";
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("PUT s3://" + bucket_ + "/corrupted: HTTP 400 BadDigest"), std::string::npos) << message;
  }
  EXPECT_EQ(proxy_counter("checksums_refused"), 1) << "a 400 is not retried";
  EXPECT_EQ(direct_->size_of("corrupted"), std::nullopt);
}

TEST_F(S3Faults, LostCreateMultipartUploadAnswerLeavesNoUpload) {
  // The server creates the upload but its answer never arrives: the resend creates a second one,
  // and the writer aborts the first, which nobody else would ever complete or abort.
  auto storage = through_proxy();
  configure_proxy(R"({"drop_answer_first_creates": 1})");
  const auto generator = make_generator(1, 11u << 20, 24);
  write_object(*storage, "object", generator, 0, 1u << 20);
  EXPECT_EQ(proxy_counter("answers_dropped"), 1);
  EXPECT_EQ(proxy_counter("creates"), 2);
  EXPECT_EQ(first_difference(*direct_, "object", generator, 0, 4u << 20), -1);
  EXPECT_EQ(open_multipart_uploads(bucket_), 0);
}

TEST_F(S3Faults, CreateMultipartUploadNeverAnsweredLeavesNoUpload) {
  // Every attempt creates an upload and loses the answer: the writer fails, and aborts all three.
  options_.set("max-attempts", "3");
  auto storage = through_proxy();
  configure_proxy(R"({"drop_answer_first_creates": 1000})");
  const auto generator = make_generator(1, 11u << 20, 25);
  const auto [message, seconds] = failed_write(*storage, "object", generator, 0);
  EXPECT_NE(message.find("CreateMultipartUpload s3://" + bucket_ + "/object: transfer with " + proxy_endpoint() +
                         " failed: "),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("3 attempts"), std::string::npos) << message;
  EXPECT_EQ(proxy_counter("answers_dropped"), 3) << "each attempt on a new connection, which curl never resends on";
  EXPECT_LT(seconds, 10.0);
  EXPECT_EQ(direct_->size_of("object"), std::nullopt);
  EXPECT_EQ(open_multipart_uploads(bucket_), 0);
}

TEST_F(S3Faults, PersistentSlowDownGivesUpAfterMaxAttempts) {
  auto storage = through_proxy();
  configure_proxy(R"({"error_every": 1})");
  const auto generator = make_generator(1, 1000, 14);
  const auto [message, seconds] = failed_write(*storage, "object", generator, 0);
  EXPECT_NE(message.find("HTTP 503 SlowDown"), std::string::npos) << message;
  EXPECT_NE(message.find("5 attempts"), std::string::npos) << message;
  EXPECT_EQ(proxy_counter("errors_injected"), 5);
  EXPECT_LT(seconds, 10.0);
  EXPECT_EQ(direct_->size_of("object"), std::nullopt);
}

TEST_F(S3Faults, PathBrokenMidMultipartUploadAbortsTheUpload) {
  auto storage = through_proxy();
  // After CreateMultipartUpload and two parts, every PUT is dropped unanswered; the abort
  // (DELETE) still gets through, as when only the data path is broken.
  configure_proxy(R"({"break_after": 3, "break_methods": ["PUT"]})");
  options_.set("max-attempts", "3");
  storage = through_proxy();
  const auto generator = make_generator(1, 17ull << 20, 15);
  const auto [message, seconds] = failed_write(*storage, "object", generator, 0);
  EXPECT_NE(message.find("PUT s3://" + bucket_ + "/object part "), std::string::npos) << message;
  EXPECT_NE(message.find("3 attempts"), std::string::npos) << message;
  EXPECT_LT(seconds, 30.0);
  EXPECT_GT(proxy_counter("broken"), 0);
  EXPECT_EQ(proxy_counter("method_POST"), 1) << "CreateMultipartUpload only: never completed";
  EXPECT_EQ(direct_->size_of("object"), std::nullopt) << "nothing is claimed written";
  EXPECT_EQ(open_multipart_uploads(bucket_), 0) << "the upload was aborted";
}

// Written means kept. A server that answers 200 with an empty body (no S3 at all) keeps nothing,
// and sdgen must not count the object written.
TEST_F(S3Faults, PutAnsweredWithoutAnETagIsNotWritten) {
  auto storage = through_proxy();
  configure_proxy(R"({"empty_ok_methods": ["PUT"]})");
  const auto generator = make_generator(1, 5000, 21);
  const auto [message, seconds] = failed_write(*storage, "object", generator, 0);
  EXPECT_NE(message.find("PUT s3://" + bucket_ + "/object: " + proxy_endpoint() +
                         " answered 200 without an ETag (is it an S3 endpoint?): the object is not counted written"),
            std::string::npos)
      << message;
  EXPECT_EQ(direct_->size_of("object"), std::nullopt);
}

// S3 may answer CompleteMultipartUpload 200 and then an <Error> document; and a store (or a
// proxy) may answer 200 for parts it dropped. Neither object counts as written, and the upload
// is aborted.
TEST_F(S3Faults, CompletionThatDidNotCompleteIsNotWritten) {
  options_.set("max-attempts", "2");
  auto storage = through_proxy();
  const auto generator = make_generator(1, 17ull << 20, 22);
  for (const std::string answer : {"error_in_ok", "fake_ok"}) {
    configure_proxy(R"({"complete_answer": ")" + answer + R"("})");
    const auto [message, seconds] = failed_write(*storage, "object", generator, 0);
    const std::string complete = "CompleteMultipartUpload s3://" + bucket_ + "/object";
    EXPECT_NE(message.find(complete), std::string::npos) << answer << ": " << message;
    if (answer == "error_in_ok")
      EXPECT_NE(message.find("InternalError"), std::string::npos) << message;
    else
      EXPECT_NE(message.find("answered 200, but the store does not hold the object with 17825792 bytes in 4 parts"),
                std::string::npos)
          << message;
    EXPECT_GE(proxy_counter("errors_injected"), 1) << answer;
    EXPECT_EQ(direct_->size_of("object"), std::nullopt) << answer;
    EXPECT_EQ(open_multipart_uploads(bucket_), 0) << answer << ": the upload was aborted";
  }
}

TEST_F(S3Faults, PathBrokenForGoodFailsQuicklyAndClaimsNothing) {
  auto storage = through_proxy();
  options_.set("max-attempts", "3");
  storage = through_proxy();
  // Everything after the second request is dropped: a multipart upload loses its parts and its
  // abort, a single PUT loses its body.
  configure_proxy(R"({"break_after": 2})");
  const auto large = make_generator(1, 17ull << 20, 16);
  auto [message, seconds] = failed_write(*storage, "large", large, 0);
  EXPECT_NE(message.find("part"), std::string::npos) << message;
  EXPECT_LT(seconds, 30.0);
  EXPECT_EQ(direct_->size_of("large"), std::nullopt);
  // The store is out of reach, so the upload stays open (a lifecycle rule must end it); what
  // matters is that nothing is reported written.
  EXPECT_LE(open_multipart_uploads(bucket_), 1);

  configure_proxy(R"({"break_after": 0})");
  const auto small = make_generator(1, 3u << 20, 17);
  std::tie(message, seconds) = failed_write(*storage, "small", small, 0);
  EXPECT_NE(message.find("PUT s3://" + bucket_ + "/small: transfer with " + proxy_endpoint() + " failed"),
            std::string::npos)
      << message;
  EXPECT_LT(seconds, 15.0);
  EXPECT_EQ(direct_->size_of("small"), std::nullopt);
}

TEST_F(S3Faults, ServerThatStopsAnsweringTimesOut) {
  options_.set("timeout-ms", "1000");
  options_.set("max-attempts", "2");
  auto storage = through_proxy();
  const auto generator = make_generator(1, 1000, 18);
  write_object(*storage, "object", generator, 0, 1000);
  configure_proxy(R"({"break_after": 0, "break_action": "hang", "hang_seconds": 20})");
  const auto start = Clock::now();
  std::vector<std::uint8_t> out(1000);
  try {
    storage->read("object", 0, out);
    ADD_FAILURE() << "read from a server that never answers";
  } catch (const Error& error) {
    const std::string message = error.what();
    std::cout << "  error after " << seconds_since(start) << " s: " << message << "\n";
    EXPECT_NE(message.find("2 attempts"), std::string::npos) << message;
    EXPECT_NE(message.find("GET s3://" + bucket_ + "/object"), std::string::npos) << message;
  }
  EXPECT_LT(seconds_since(start), 8.0);
}

}  // namespace
}  // namespace sdgen::testing
