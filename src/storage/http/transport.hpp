// One HTTP request at a time per thread, for every HTTP backend (s3:// today; Azure Blob and GCS
// later): libcurl easy handles kept per thread for connection reuse, retries with exponential
// backoff and jitter, connect and stall timeouts, cancellation, and the body_sent signal the
// writers' honesty rules rest on. Internal to libsdgen.
//
// What a store adds plugs in through two hooks, so that nothing here knows any store:
//   Authorizer      sets the authentication of each attempt (AWS SigV4 through libcurl's
//                   CURLOPT_AWS_SIGV4; later Azure Shared Key or a bearer token as headers);
//   ServiceDialect  reads the store's error documents (S3's XML <Error>) and names the error
//                   codes that ask for a resend.
//
// Facts this relies on (../shared/notes/s3-with-libcurl.md, libcurl 7.88): curl signs what it is
// given as written, so URLs arrive here fully encoded; bodies always carry a Content-Length and
// go through the read callback (never chunked, never curl's default form content type).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sdgen/storage.hpp"

namespace sdgen::http {

// A request body, pulled by curl's read callback on the thread running the request. read() may
// block (a hand-off from the writer) and may throw; the request then fails with that error.
class Body {
 public:
  virtual ~Body() = default;
  virtual std::size_t read(std::span<std::uint8_t> out) = 0;  // 0 only at the end
  virtual bool rewind() = 0;  // back to the first byte (curl asks on some resends); false: cannot
};

// Bytes already in memory (small XML documents).
class SpanBody final : public Body {
 public:
  explicit SpanBody(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  std::size_t read(std::span<std::uint8_t> out) override;
  bool rewind() override {
    position_ = 0;
    return true;
  }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t position_ = 0;
};

// Bytes [offset, offset + length) of an object, regenerated through ByteSource::read_at straight
// into curl's upload buffer: what a resend uses instead of a copy kept in memory.
class RegeneratedBody final : public Body {
 public:
  RegeneratedBody(ByteSource& source, std::uint64_t offset, std::uint64_t length)
      : source_(source), offset_(offset), length_(length) {}
  std::size_t read(std::span<std::uint8_t> out) override;
  bool rewind() override {
    position_ = 0;
    return true;
  }

 private:
  ByteSource& source_;
  std::uint64_t offset_, length_, position_ = 0;
};

struct Request {
  std::string method = "GET";  // GET, HEAD, PUT, POST, DELETE
  std::string url;             // complete and encoded, query included, exactly as it is to be signed
  std::string label;           // names the request in messages ("PUT s3://bucket/key")

  // A body (PUT/POST) of body_bytes bytes: from the BodyFactory given to send(), or else
  // body_in_memory (which an Authorizer may also hash: SigV4's x-amz-content-sha256).
  std::uint64_t body_bytes = 0;
  std::span<const std::uint8_t> body_in_memory;
  std::string content_type;
  std::vector<std::string> headers;  // more "Name: value" lines, signed like the rest

  // GET: the first and last byte (inclusive) wanted, and where a 2xx answer's body goes.
  std::optional<std::pair<std::uint64_t, std::uint64_t>> range;
  std::span<std::uint8_t> response_into;

  // A 2xx answer may still be an error document (S3's CompleteMultipartUpload): the dialect reads it.
  bool error_in_ok_body = false;
  // On a new connection: libcurl resends a request on its own, unseen (attempts stays 1), when a
  // reused connection closes without an answer. For a request that must not act twice unknown
  // to us (CreateMultipartUpload would leave a second upload), every resend must be ours.
  bool fresh_connection = false;
  // A silence this long is no failure yet (slow work on the server), whatever timeout_ms says.
  long min_stall_seconds = 0;
  // Set: stop between attempts, and mid-transfer unless the whole body is out (then the answer
  // is awaited, since the store may act on the request anyway).
  const std::atomic<bool>* cancel = nullptr;
  // Set once any attempt has handed curl the whole body (for a request without one: once an
  // attempt had a connection to send it on): from then on the store may have acted on the
  // request even if no answer arrives (an object or an upload that abort() must clean up).
  std::atomic<bool>* body_sent = nullptr;
};

struct Response {
  long status = 0;
  std::string body;  // the answer, unless it went to response_into
  std::string etag;  // as sent, quotes included
  std::optional<std::uint64_t> content_length;
  std::uint64_t bytes_received = 0;       // into response_into
  std::string error_code, error_message;  // from the store's error document (ServiceDialect)
  unsigned attempts = 0;
  bool ok() const { return status >= 200 && status < 300 && error_code.empty(); }
};

// The body of attempt `attempt` (1, 2, ...): attempt 1 may stream what the writer hands over,
// later ones regenerate.
using BodyFactory = std::function<std::unique_ptr<Body>(unsigned attempt)>;

// What an Authorizer sets on one attempt.
struct Authorization {
  std::vector<std::string> headers;  // "Name: value" lines (x-amz-content-sha256, Authorization: Bearer ...)
  // libcurl's own AWS Signature V4 (CURLOPT_AWS_SIGV4), e.g. "aws:amz:us-east-1:s3", signed with
  // username (the access key) and password (the secret); empty: not used.
  std::string aws_sigv4;
  std::string username, password;
};

// Called before every attempt, from the thread sending the request (a resend is signed anew:
// SigV4 and Shared Key sign the time). Must be thread-safe. Throws Error.
class Authorizer {
 public:
  virtual ~Authorizer() = default;
  virtual Authorization authorize(const Request& request) const = 0;
};

// What a store's answers say beyond their status. Must be thread-safe.
class ServiceDialect {
 public:
  virtual ~ServiceDialect() = default;
  // Fills response.error_code and error_message from the store's error document in
  // response.body, if it holds one; leaves them empty otherwise.
  virtual void read_error(Response& response) const = 0;
  // An error code that asks for a resend whatever the status (S3's SlowDown, InternalError).
  virtual bool retryable_code(std::string_view code) const = 0;
};

struct TransportOptions {
  std::string endpoint;         // scheme://host[:port], for messages ("cannot reach ...")
  unsigned max_attempts = 5;    // tries per request, 1 to 100
  unsigned timeout_ms = 30000;  // connect within min(this, 3 s); a transfer silent this long fails
};

// Thread-safe: each thread sends through its own curl handle, kept (with its connections) for
// the thread's next request, whichever Transport sends it.
class Transport {
 public:
  Transport(TransportOptions options, std::unique_ptr<const Authorizer> authorizer,
            std::unique_ptr<const ServiceDialect> dialect);

  // Sends `request`, resending on transport failures (refused, reset, timed out) and on
  // retryable answers (5xx but 501, 429, 408, and the dialect's codes) up to max_attempts times
  // with exponential backoff and jitter: 0.2 s, 0.4 s, 0.8 s ... at most 10 s, half of each
  // delay random. Returns the last answer whatever its status. Throws Error (io) when no answer
  // came, or whatever a body threw; Error "cancelled" when cancelled.
  Response send(const Request& request, const BodyFactory& bodies = {}) const;

  // One line naming the request, the answer and the endpoint.
  [[noreturn]] void throw_failure(const Request& request, const Response& response) const;

  const std::string& endpoint() const { return options_.endpoint; }
  unsigned max_attempts() const { return options_.max_attempts; }

 private:
  struct Attempt;
  void perform(const Request& request, Body* body, Attempt& attempt) const;
  bool retryable(const Response& response) const;

  TransportOptions options_;
  std::unique_ptr<const Authorizer> authorizer_;
  std::unique_ptr<const ServiceDialect> dialect_;
  long connect_timeout_ms_;
  long stall_seconds_;  // a transfer moving no byte for this long fails (and is retried)
};

}  // namespace sdgen::http
