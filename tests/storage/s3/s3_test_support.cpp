#include "s3_test_support.hpp"

#include <curl/curl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <regex>

#include "sdgen/error.hpp"
#include "storage/s3/s3_checksum.hpp"

namespace sdgen::testing {

namespace {

std::string required_env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::size_t append_to_string(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

// A plain unsigned HTTP request to the proxy's control paths.
std::string proxy_request(const std::string& path, const std::string* post_body) {
  CURL* curl = curl_easy_init();
  std::string answer;
  const std::string url = proxy_endpoint() + path;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_to_string);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  if (post_body) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post_body->c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(post_body->size()));
  }
  const CURLcode code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (code != CURLE_OK || status != 200)
    throw std::runtime_error("fault proxy " + url + ": " + curl_easy_strerror(code) + ", HTTP " +
                             std::to_string(status));
  return answer;
}

}  // namespace

std::string moto_endpoint() { return required_env("AWS_ENDPOINT_URL"); }
std::string unchecked_endpoint() { return required_env("SDGEN_S3_UNCHECKED_URL"); }
std::string proxy_endpoint() { return required_env("SDGEN_S3_PROXY_URL"); }

std::string unique_bucket(const std::string& tag) {
  static std::atomic<int> counter{0};
  return "sdgen-" + tag + "-" + std::to_string(++counter);
}

StorageOptions test_options(const std::string& endpoint) {
  StorageOptions options;
  options.set("endpoint", endpoint)
      .set("create-bucket", "true")
      .set("multipart-threshold", "5MiB")
      .set("part-size", "5MiB")
      .set("parts-in-flight", "3")
      .set("max-attempts", "5")
      .set("timeout-ms", "10000");
  return options;
}

void GeneratedSource::read_at(std::uint64_t offset, std::span<std::uint8_t> out) {
  ++calls_;
  bytes_ += out.size();
  generator_.fill(object_, offset, out);
}

DataGenerator make_generator(std::uint64_t objects, std::uint64_t object_bytes, std::uint64_t seed) {
  DataSpec spec;
  spec.seed = seed;
  return DataGenerator(spec, DatasetLayout{objects, object_bytes});
}

std::uint64_t write_object(Storage& storage, const std::string& name, const DataGenerator& generator,
                           std::uint64_t object, std::size_t chunk_bytes) {
  const std::uint64_t size = generator.layout().object_bytes;
  GeneratedSource source(generator, object);
  auto writer = storage.create(name, size, source);
  std::vector<std::uint8_t> chunk(chunk_bytes);
  ObjectGen stream = generator.begin_object(object);
  try {
    while (!stream.done()) {
      const std::span<std::uint8_t> piece(chunk.data(), std::min<std::uint64_t>(chunk.size(), stream.remaining()));
      stream.fill_chunk(piece);
      writer->write(piece);
    }
    writer->complete();
  } catch (...) {
    writer->abort();
    throw;
  }
  return source.bytes();
}

std::int64_t first_difference(Storage& storage, const std::string& name, const DataGenerator& generator,
                              std::uint64_t object, std::size_t piece_bytes) {
  const std::uint64_t size = generator.layout().object_bytes;
  std::vector<std::uint8_t> got(piece_bytes), expected(piece_bytes);
  for (std::uint64_t offset = 0; offset < size; offset += piece_bytes) {
    const std::size_t want = std::min<std::uint64_t>(piece_bytes, size - offset);
    const std::uint64_t count = storage.read(name, offset, {got.data(), piece_bytes});
    generator.fill(object, offset, {expected.data(), want});
    for (std::size_t i = 0; i < std::min<std::uint64_t>(count, want); ++i)
      if (got[i] != expected[i]) return static_cast<std::int64_t>(offset + i);
    if (count != want) return static_cast<std::int64_t>(offset + std::min<std::uint64_t>(count, want));
  }
  std::uint8_t beyond[1];
  if (storage.read(name, size, beyond) != 0) return static_cast<std::int64_t>(size);
  return -1;
}

void configure_proxy(const std::string& faults_json) { proxy_request("/__proxy/config", &faults_json); }

long proxy_counter(const std::string& name) {
  const std::string stats = proxy_request("/__proxy/stats", nullptr);
  std::smatch match;
  if (!std::regex_search(stats, match, std::regex("\"" + name + "\": (\\d+)")))
    throw std::runtime_error("fault proxy stats lack " + name + ": " + stats);
  return std::stol(match[1]);
}

std::string aws(const std::string& arguments) {
  const std::string command = "timeout 60 aws --endpoint-url " + moto_endpoint() + " --output json " + arguments;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run: " + command);
  std::string output;
  char buffer[4096];
  for (std::size_t got; (got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, got);
  const int status = pclose(pipe);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ADD_FAILURE() << "failed: " << command << "\n" << output;
  return output;
}

int open_multipart_uploads(const std::string& bucket) {
  const std::string output = aws("s3api list-multipart-uploads --bucket " + bucket);
  int count = 0;
  for (std::size_t at = 0; (at = output.find("\"UploadId\"", at)) != std::string::npos; ++at) ++count;
  return count;
}

std::string stored_crc32c(const std::string& bucket, const std::string& key) {
  const std::string head = aws("s3api head-object --checksum-mode ENABLED --bucket " + bucket + " --key " + key);
  std::smatch match;
  return std::regex_search(head, match, std::regex("\"ChecksumCRC32C\": \"([^\"]*)\"")) ? match[1].str() : "";
}

std::string crc32c_of_object(const DataGenerator& generator, std::uint64_t object) {
  const std::uint64_t size = generator.layout().object_bytes;
  std::vector<std::uint8_t> piece(1u << 20);
  std::uint32_t crc = 0;
  for (std::uint64_t offset = 0; offset < size; offset += piece.size()) {
    const std::span<std::uint8_t> bytes(piece.data(), std::min<std::uint64_t>(piece.size(), size - offset));
    generator.fill(object, offset, bytes);
    crc = s3::crc32c(bytes, crc);
  }
  return s3::crc32c_base64(crc);
}

ScopedEnv::ScopedEnv(const char* name, const char* value) : name_(name) {
  const char* old = std::getenv(name);
  had_value_ = old != nullptr;
  if (old) old_value_ = old;
  if (value) {
    setenv(name, value, 1);
  } else {
    unsetenv(name);
  }
}

ScopedEnv::~ScopedEnv() {
  if (had_value_) {
    setenv(name_.c_str(), old_value_.c_str(), 1);
  } else {
    unsetenv(name_.c_str());
  }
}

}  // namespace sdgen::testing
