// Signing S3 requests: AWS Signature V4 through libcurl's own signer (CURLOPT_AWS_SIGV4), plus
// what libcurl 7.88 leaves to us (../shared/notes/s3-with-libcurl.md): it signs the
// x-amz-content-sha256 header we set but never adds it, and real S3 and a signature-checking
// moto refuse every request without it.
// Internal to libsdgen: not installed, not part of the API (include/sdgen/ is).
#pragma once

#include <string_view>

#include "storage/http/transport.hpp"
#include "storage/s3/s3_config.hpp"

namespace sdgen::s3 {

inline constexpr std::string_view kEmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

// x-amz-content-sha256 is the empty string's hash for a request without a body, the body's own
// hash for a body in memory (http::Request::body_in_memory: small XML documents), and
// UNSIGNED-PAYLOAD for a streamed body (an object or a part, whose bytes are not known yet when
// the headers go out). Temporary credentials add x-amz-security-token.
class SigV4Authorizer final : public http::Authorizer {
 public:
  SigV4Authorizer(const std::string& region, Credentials credentials)
      : scope_("aws:amz:" + region + ":s3"), credentials_(std::move(credentials)) {}
  http::Authorization authorize(const http::Request& request) const override;

 private:
  std::string scope_;  // "aws:amz:REGION:s3", as CURLOPT_AWS_SIGV4 takes it
  Credentials credentials_;
};

}  // namespace sdgen::s3
