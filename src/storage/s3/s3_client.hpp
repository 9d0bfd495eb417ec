// One S3 request at a time per thread: libcurl with its built-in SigV4 signing, retries with
// backoff, and the few encodings S3 needs.
//
// Facts this relies on (../shared/notes/s3-with-libcurl.md, libcurl 7.88): curl signs the
// x-amz-content-sha256 header we set but never adds it; it signs the path and the query exactly
// as written, so both are encoded (and the query sorted) here; bodies always carry a
// Content-Length (chunked uploads are refused by S3 without aws-chunked signing).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sdgen/storage.hpp"
#include "storage/s3/s3_config.hpp"

namespace sdgen::s3 {

inline constexpr std::string_view kEmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

std::string sha256_hex(std::string_view bytes);
// AWS URI encoding: everything but A-Z a-z 0-9 - _ . ~ (and '/' when keep_slash) as %XX.
std::string uri_encode(std::string_view text, bool keep_slash);
// The names in a listing asked for with encoding-type=url (form encoding: S3 writes ' ' as '+',
// moto as %20; '+' itself comes as %2B). nullopt for a '%' not followed by two hex digits.
std::optional<std::string> url_decode(std::string_view text);
// A Key (or Prefix, KeyMarker ...) of a listing answer, decoded when the answer's EncodingType is
// "url" (a store may ignore the request for it). Throws Error (io) naming `label` for a bad one.
std::string listed_name(std::string_view text, bool url_encoded, const std::string& label);

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

using Query = std::map<std::string, std::string>;  // sorted, as SigV4 wants

struct Request {
  std::string method = "GET";  // GET, HEAD, PUT, POST, DELETE
  std::string key;             // the full object key; empty: the bucket itself
  Query query;
  std::string label;  // names the request in messages; default "METHOD s3://bucket/key"

  // A body (PUT/POST) of body_bytes bytes, from the BodyFactory given to send().
  std::uint64_t body_bytes = 0;
  std::string content_type;
  // The hex SHA-256 of the body, or kUnsignedPayload for a streamed one.
  std::string payload_sha256{kEmptySha256};
  // More "Name: value" header lines, signed like the rest.
  std::vector<std::string> headers;

  // GET: the first and last byte (inclusive) wanted, and where a 2xx answer's body goes.
  std::optional<std::pair<std::uint64_t, std::uint64_t>> range;
  std::span<std::uint8_t> response_into;

  // CompleteMultipartUpload can answer 200 with an <Error> document.
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
  std::string error_code, error_message;  // from an S3 <Error> document
  unsigned attempts = 0;
  bool ok() const { return status >= 200 && status < 300 && error_code.empty(); }
};

// The body of attempt `attempt` (1, 2, ...): attempt 1 may stream what the writer hands over,
// later ones regenerate.
using BodyFactory = std::function<std::unique_ptr<Body>(unsigned attempt)>;

// Thread-safe: each thread sends through its own curl handle (kept for connection reuse).
class Client {
 public:
  Client(Config config, Location location, const StorageOptions& options);

  // Sends `request`, resending on transport failures (refused, reset, timed out) and on
  // retryable answers (5xx, 429, SlowDown, RequestTimeout) up to max_attempts times with
  // exponential backoff and jitter. Returns the last answer whatever its status. Throws Error
  // (io) when no answer came, or whatever a body threw; Error "cancelled" when cancelled.
  Response send(const Request& request, const BodyFactory& bodies = {}) const;

  // One line naming the request, the answer and the endpoint.
  [[noreturn]] void throw_failure(const Request& request, const Response& response) const;

  // s3://bucket/key, for messages: control characters as %XX, so that a message stays one line.
  std::string uri_of(const std::string& key) const;
  const Config& config() const { return config_; }
  const Location& location() const { return location_; }
  unsigned max_attempts() const { return max_attempts_; }

 private:
  struct Attempt;
  void perform(const Request& request, Body* body, Attempt& attempt) const;
  std::string url_of(const Request& request) const;
  std::string label_of(const Request& request) const;

  Config config_;
  Location location_;
  std::string sigv4_;  // "aws:amz:REGION:s3"
  unsigned max_attempts_;
  long connect_timeout_ms_;
  long stall_seconds_;  // a transfer moving no byte for this long fails (and is retried)
};

}  // namespace sdgen::s3
