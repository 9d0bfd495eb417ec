// S3 requests over the shared HTTP transport (../http/transport.hpp): keys and queries encoded
// into URLs, requests signed (s3_signing.hpp), S3's XML <Error> documents read, and the few
// encodings S3 needs.
//
// libcurl 7.88 signs the path and the query exactly as written, so both are encoded (and the
// query sorted) here (../shared/notes/s3-with-libcurl.md).
// Internal to libsdgen: not installed, not part of the API (include/sdgen/ is).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "storage/http/transport.hpp"
#include "storage/s3/s3_config.hpp"
#include "storage/s3/s3_signing.hpp"

namespace sdgen::s3 {

using http::Body;
using http::BodyFactory;
using http::RegeneratedBody;
using http::Response;
using http::SpanBody;

// AWS URI encoding: everything but A-Z a-z 0-9 - _ . ~ (and '/' when keep_slash) as %XX.
std::string uri_encode(std::string_view text, bool keep_slash);
// The names in a listing asked for with encoding-type=url (form encoding: S3 writes ' ' as '+',
// moto as %20; '+' itself comes as %2B). nullopt for a '%' not followed by two hex digits.
std::optional<std::string> url_decode(std::string_view text);
// A Key (or Prefix, KeyMarker ...) of a listing answer, decoded when the answer's EncodingType is
// "url" (a store may ignore the request for it). Throws Error (io) naming `label` for a bad one.
std::string listed_name(std::string_view text, bool url_encoded, const std::string& label);

using Query = std::map<std::string, std::string>;  // sorted, as SigV4 wants

// An HTTP request named by key and query; Client::send() makes its URL, and its label when empty
// ("METHOD s3://bucket/key").
struct Request : http::Request {
  std::string key;  // the full object key; empty: the bucket itself
  Query query;
};

// Thread-safe, as the transport.
class Client {
 public:
  Client(Config config, Location location, const S3Options& options);

  // As http::Transport::send; S3's retryable error codes (SlowDown, InternalError,
  // RequestTimeout, Throttling, ServiceUnavailable, RequestLimitExceeded) count too.
  Response send(const Request& request, const BodyFactory& bodies = {}) const;

  // One line naming the request, the answer and the endpoint.
  [[noreturn]] void throw_failure(const Request& request, const Response& response) const;

  // s3://bucket/key, for messages: control characters as %XX, so that a message stays one line.
  std::string uri_of(const std::string& key) const;
  const Config& config() const { return config_; }
  const Location& location() const { return location_; }
  unsigned max_attempts() const { return transport_.max_attempts(); }

 private:
  http::Request wire_request(const Request& request) const;  // url and label filled in

  Config config_;
  Location location_;
  http::Transport transport_;
};

}  // namespace sdgen::s3
