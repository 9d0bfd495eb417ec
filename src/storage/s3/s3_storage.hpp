// The s3:// backend: any S3-compatible store through libcurl's built-in AWS SigV4 signing.
//
// URI: s3://bucket[/prefix]. Object names are appended to the prefix as text (storage.hpp):
// s3://b/run1/ stores "obj_0" as key "run1/obj_0", s3://b/run1- as "run1-obj_0". Addressing is
// path-style (endpoint/bucket/key).
//
// Configuration, first match wins:
// Options (StorageOptions names; the CLI's --NAME flags): endpoint, region, profile,
// create-bucket, part-size, multipart-threshold, parts-in-flight, max-attempts, timeout-ms; their
// table with defaults and help is in s3_config.cpp, their ranges in s3_config.hpp.
//
//   endpoint     the endpoint option, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL,
//                else https://s3.<region>.amazonaws.com
//   region       the region option, AWS_REGION, AWS_DEFAULT_REGION, else us-east-1
//   credentials  the profile option (from the credentials file), else AWS_ACCESS_KEY_ID +
//                AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN), else profile AWS_PROFILE or
//                "default" of AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials
//
// Opening checks the bucket with one listing request, so wrong credentials, a missing bucket
// (created instead with create-bucket) and an unreachable endpoint fail here,
// each with one line naming the problem. Objects up to multipart_threshold go as one streaming
// PUT; larger ones as a multipart upload of part_bytes parts, parts_in_flight at once. See
// s3_writer.hpp for memory bounds, retries and clean-up.
//
// Every request (../http/transport.hpp): connect timeout min(timeout-ms, 3 s); a transfer that
// moves no byte for timeout-ms (rounded up to whole seconds) fails; failures that may pass (refused or reset
// connections, timeouts, 5xx, 429, SlowDown) are retried up to max_attempts times in all, after
// 0.2 s, 0.4 s, 0.8 s ... (at most 10 s, half of each delay random). 4xx answers are final.
// Requests are signed with AWS SigV4 (s3_signing.hpp).
// Reads: GET with a byte range per read(), HEAD for size_of(), ListObjectsV2 pages for list()
// (with encoding-type=url, so that names with any character, control characters too, come back
// exactly).
// Thread-safe; each thread keeps one curl handle, so its requests reuse connections.
// Internal to libsdgen: not installed, not part of the API (include/sdgen/ is).
#pragma once

#include <memory>
#include <span>
#include <string>

#include "sdgen/storage.hpp"

namespace sdgen {

// Throws Error: invalid_argument for a bad URI, bad options or missing credentials; io for an
// unreachable endpoint, rejected credentials or a missing bucket.
std::unique_ptr<Storage> open_s3_storage(const std::string& uri, const StorageOptions& options);
// The options s3:// takes (the registry's row).
std::span<const BackendOption> s3_storage_options();

}  // namespace sdgen
