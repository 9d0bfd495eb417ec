// Where an s3:// storage points and who it signs as: URI parsing and the AWS environment.
// Internal to libsdgen: not installed, not part of the API (include/sdgen/ is).
#pragma once

#include <cstdint>
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

// The s3:// options (their table, with the names users give them, is in s3_config.cpp).
struct S3Options {
  std::string endpoint;                             // endpoint: e.g. http://127.0.0.1:9000; else AWS_ENDPOINT_URL
  std::string region;                               // region: else AWS_REGION, else us-east-1
  std::string profile;                              // profile: ~/.aws/credentials profile; else AWS_PROFILE
  bool create_bucket = false;                       // create-bucket: create the bucket when missing
  std::uint64_t multipart_threshold = 64ull << 20;  // multipart-threshold: larger objects use multipart
  // part-size: 5 MiB to 5 GiB. 8 MiB as the aws CLI: moto took 4x longer to store 16 MiB parts,
  // byte for byte (docs/PERFORMANCE-S3.md).
  std::uint64_t part_bytes = 8ull << 20;
  unsigned parts_in_flight = 4;  // parts-in-flight: part requests open per object, 1 to 256
  unsigned max_attempts = 5;     // max-attempts: tries per request (exponential backoff + jitter)
  unsigned timeout_ms = 30000;   // timeout-ms: per-request inactivity limit, at least 100
};

// Reads the s3:// options by their table (defaults for those not given) and checks their
// ranges. Throws Error (invalid_argument) naming the first bad one.
S3Options read_s3_options(const StorageOptions& options);

// Resolves endpoint, region and credentials (see s3_storage.hpp for the order). Throws Error:
// invalid_argument for a malformed endpoint or when no credentials are found; messages start
// with `uri`.
Config resolve_config(const S3Options& options, const std::string& uri);

}  // namespace sdgen::s3
