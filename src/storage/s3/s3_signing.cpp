#include "storage/s3/s3_signing.hpp"

#include "storage/http/libraries.hpp"

namespace sdgen::s3 {

http::Authorization SigV4Authorizer::authorize(const http::Request& request) const {
  http::Authorization authorization;
  authorization.aws_sigv4 = scope_;
  authorization.username = credentials_.access_key;
  authorization.password = credentials_.secret_key;
  std::string payload_sha256;
  if (request.body_bytes == 0)
    payload_sha256 = kEmptySha256;
  else if (request.body_in_memory.size() == request.body_bytes)
    payload_sha256 = http::lib::sha256_hex(
        {reinterpret_cast<const char*>(request.body_in_memory.data()), request.body_in_memory.size()});
  else
    payload_sha256 = kUnsignedPayload;
  authorization.headers.push_back("x-amz-content-sha256: " + payload_sha256);
  if (!credentials_.session_token.empty())
    authorization.headers.push_back("x-amz-security-token: " + credentials_.session_token);
  return authorization;
}

}  // namespace sdgen::s3
