// The HTTP transport through its two hooks alone, against tests/storage/s3/fault_proxy.py in front of
// moto: the Authorizer is asked anew for every attempt, and a store's error code is worth a
// resend only when the ServiceDialect says so (a 5xx always is).
#include <gtest/gtest.h>

#include <cstdlib>

#include "s3_test_support.hpp"
#include "storage/http/transport.hpp"
#include "storage/s3/s3_signing.hpp"
#include "storage/s3/s3_storage.hpp"

namespace sdgen::testing {
namespace {

// SigV4 (moto checks it), plus a header numbering the attempts it signed.
class CountingAuthorizer final : public http::Authorizer {
 public:
  explicit CountingAuthorizer(std::atomic<int>& calls)
      : signer_("us-east-1", {std::getenv("AWS_ACCESS_KEY_ID"), std::getenv("AWS_SECRET_ACCESS_KEY"), "", "test"}),
        calls_(calls) {}
  http::Authorization authorize(const http::Request& request) const override {
    http::Authorization authorization = signer_.authorize(request);
    authorization.headers.push_back("x-sdgen-attempt: " + std::to_string(++calls_));
    return authorization;
  }

 private:
  s3::SigV4Authorizer signer_;
  std::atomic<int>& calls_;
};

// Knows one code, SlowDown, and calls it retryable only when told to.
class SlowDownDialect final : public http::ServiceDialect {
 public:
  explicit SlowDownDialect(bool retryable) : retryable_(retryable) {}
  void read_error(http::Response& response) const override {
    if (response.body.find("<Code>SlowDown</Code>") != std::string::npos) response.error_code = "SlowDown";
  }
  bool retryable_code(std::string_view code) const override { return retryable_ && code == "SlowDown"; }

 private:
  bool retryable_;
};

class HttpTransport : public ::testing::Test {
 protected:
  void SetUp() override {
    if (proxy_endpoint().empty()) GTEST_SKIP() << "no fault proxy: run through tests/storage/s3/run_s3_tests.sh";
    bucket_ = unique_bucket("transport");
    open_s3_storage("s3://" + bucket_, test_options(moto_endpoint()));  // creates the bucket
  }
  void TearDown() override {
    if (!proxy_endpoint().empty()) configure_proxy("{}");
  }

  // A one-key listing of the bucket through the proxy, with 3 attempts at most.
  http::Response list_once(bool dialect_retries, std::atomic<int>& authorizations) {
    http::Transport transport({proxy_endpoint(), 3, 5000}, std::make_unique<CountingAuthorizer>(authorizations),
                              std::make_unique<SlowDownDialect>(dialect_retries));
    http::Request request;
    request.url = proxy_endpoint() + "/" + bucket_ + "?list-type=2&max-keys=1";
    request.label = "list " + bucket_;
    return transport.send(request);
  }

  std::string bucket_;
};

TEST_F(HttpTransport, TheDialectDecidesWhetherAnErrorCodeIsResent) {
  configure_proxy(R"({"error_every": 1, "error_status": 400})");  // every answer: 400 SlowDown
  std::atomic<int> authorizations{0};
  const http::Response retried = list_once(true, authorizations);
  EXPECT_EQ(retried.status, 400);
  EXPECT_EQ(retried.error_code, "SlowDown");
  EXPECT_EQ(retried.attempts, 3u);
  EXPECT_EQ(authorizations.load(), 3) << "each attempt signed anew";
  EXPECT_EQ(proxy_counter("requests"), 3);

  configure_proxy(R"({"error_every": 1, "error_status": 400})");
  authorizations = 0;
  const http::Response final_answer = list_once(false, authorizations);
  EXPECT_EQ(final_answer.status, 400);
  EXPECT_EQ(final_answer.error_code, "SlowDown");
  EXPECT_EQ(final_answer.attempts, 1u) << "a 4xx the dialect does not call retryable is final";
  EXPECT_EQ(authorizations.load(), 1);
}

TEST_F(HttpTransport, A5xxIsResentWhateverTheDialectSaysAndThenSucceeds) {
  configure_proxy(R"({"error_every": 2, "error_status": 503})");  // requests 2, 4, ... refused
  std::atomic<int> authorizations{0};
  EXPECT_TRUE(list_once(false, authorizations).ok()) << "request 1 goes through";
  const http::Response second = list_once(false, authorizations);
  EXPECT_TRUE(second.ok()) << second.status << " " << second.error_code;
  EXPECT_EQ(second.attempts, 2u) << "request 2 refused with 503, request 3 answered";
  EXPECT_EQ(authorizations.load(), 3);
  EXPECT_NE(second.body.find("<ListBucketResult"), std::string::npos) << second.body;
}

}  // namespace
}  // namespace sdgen::testing
