// Helpers for the S3 tests: the server the wrapper started, generated objects, the fault proxy
// and an independent view of the server through the aws CLI.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sdgen/generator.hpp"
#include "sdgen/storage.hpp"

namespace sdgen::testing {

// Environment set by run_s3_tests.sh; a test without it is skipped.
std::string moto_endpoint();  // AWS_ENDPOINT_URL: signature checking on
// SDGEN_S3_UNCHECKED_URL: a second moto with signature checking off, for listing prefixes with '/'
// and keys with ' ' or '+', which moto's own signature check gets wrong (see run_s3_tests.sh).
std::string unchecked_endpoint();
std::string proxy_endpoint();  // SDGEN_S3_PROXY_URL

// A bucket name unique to this process and call ("sdgen-<tag>-<n>").
std::string unique_bucket(const std::string& tag);

// Options for tests: small parts so multipart uploads stay small, quick retries.
StorageOptions test_options(const std::string& endpoint);

// Object `object` of a generator's dataset, as the ByteSource a writer regenerates from.
// Counts what was regenerated.
class GeneratedSource final : public ByteSource {
 public:
  GeneratedSource(const DataGenerator& generator, std::uint64_t object) : generator_(generator), object_(object) {}
  void read_at(std::uint64_t offset, std::span<std::uint8_t> out) override;
  std::uint64_t calls() const { return calls_; }
  std::uint64_t bytes() const { return bytes_; }

 private:
  const DataGenerator& generator_;
  std::uint64_t object_;
  std::atomic<std::uint64_t> calls_{0}, bytes_{0};
};

DataGenerator make_generator(std::uint64_t objects, std::uint64_t object_bytes, std::uint64_t seed);

// Writes object `object` of `generator` as `name`, handing chunks of `chunk_bytes` to write().
// Returns what the source was asked to regenerate (bytes).
std::uint64_t write_object(Storage& storage, const std::string& name, const DataGenerator& generator,
                           std::uint64_t object, std::size_t chunk_bytes);

// Reads `name` back in `piece_bytes` ranges and returns the offset of the first byte that differs
// from the generator's object, or -1 when all `size` bytes match and nothing follows them.
std::int64_t first_difference(Storage& storage, const std::string& name, const DataGenerator& generator,
                              std::uint64_t object, std::size_t piece_bytes);

// The fault proxy (tests/storage/s3/fault_proxy.py): replace its faults (JSON), read its counters.
void configure_proxy(const std::string& faults_json);
long proxy_counter(const std::string& name);  // "errors_injected", "broken", "requests", ...

// Runs `aws --endpoint-url <moto> <arguments>` directly against moto (never through the proxy)
// and returns its standard output; fails the test when the command fails.
std::string aws(const std::string& arguments);
// The number of multipart uploads open in `bucket`, straight from moto.
int open_multipart_uploads(const std::string& bucket);
// The x-amz-checksum-crc32c moto keeps for `key` (HeadObject with checksum mode on), "" if none.
// `key` must need no quoting in a shell.
std::string stored_crc32c(const std::string& bucket, const std::string& key);
// The CRC32C of object `object` of `generator`, base64 as S3 writes it.
std::string crc32c_of_object(const DataGenerator& generator, std::uint64_t object);

// Sets an environment variable for one scope and restores it afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value);  // value nullptr: unset
  ~ScopedEnv();

 private:
  std::string name_;
  bool had_value_;
  std::string old_value_;
};

}  // namespace sdgen::testing
