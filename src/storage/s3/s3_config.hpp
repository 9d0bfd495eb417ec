// Where an s3:// storage points and who it signs as: URI parsing and the AWS environment.
#pragma once

#include <string>

#include "sdgen/storage.hpp"

namespace sdgen::s3 {

struct Location {
  std::string bucket;
  std::string key_prefix;  // everything after "s3://bucket/"; object names are appended as text
};

// s3://bucket[/prefix]. Throws Error (invalid_argument) for anything else.
Location parse_uri(const std::string& uri);

struct Credentials {
  std::string access_key;
  std::string secret_key;
  std::string session_token;  // empty unless temporary credentials
  std::string source;         // where they came from, for messages ("environment", "profile 'x' of F")
};

struct Config {
  std::string endpoint;  // scheme://host[:port][/path], no trailing '/'
  std::string region;
  Credentials credentials;
};

// Resolves endpoint, region and credentials (see s3_storage.hpp for the order). Throws Error:
// invalid_argument for a malformed endpoint or when no credentials are found; messages start
// with `uri`.
Config resolve_config(const StorageOptions& options, const std::string& uri);

// Throws Error (invalid_argument) naming the first out-of-range S3 field of `options`.
void validate_s3_options(const StorageOptions& options);

}  // namespace sdgen::s3
