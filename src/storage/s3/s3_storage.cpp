#include "storage/s3/s3_storage.hpp"

#include <pugixml.hpp>

#include "sdgen/error.hpp"
#include "storage/s3/s3_client.hpp"
#include "storage/s3/s3_config.hpp"
#include "storage/s3/s3_writer.hpp"

namespace sdgen {

namespace {

using s3::Request;
using s3::Response;

class S3Storage final : public Storage {
 public:
  S3Storage(std::string uri, s3::Config config, s3::Location location, const s3::S3Options& options)
      : uri_(std::move(uri)), options_(options), client_(std::move(config), std::move(location), options) {}

  StorageCapabilities capabilities() const override { return {}; }
  std::string describe() const override { return uri_; }

  std::unique_ptr<ObjectWriter> open_writer(const std::string& name, std::uint64_t size, ByteSource& source) override {
    return s3::make_writer(client_, threads_, options_, key_of(name), size, source);
  }

  std::uint64_t read(const std::string& name, std::uint64_t offset, std::span<std::uint8_t> out) override {
    if (out.empty()) return 0;
    Request request;
    request.key = key_of(name);
    request.range = {{offset, offset + out.size() - 1}};
    request.response_into = out;
    const Response response = client_.send(request);
    if (response.status == 416) return 0;  // the range starts at or after the end
    if (response.status == 404) throw_io(client_.uri_of(request.key) + ": no such object");
    if (!response.ok()) client_.throw_failure(request, response);
    if (response.status != 206 && offset != 0)
      throw_io(client_.uri_of(request.key) + ": the store ignored the byte range (HTTP " +
               std::to_string(response.status) + ")");
    return response.bytes_received;
  }

  std::optional<std::uint64_t> size_of(const std::string& name) override {
    Request request;
    request.method = "HEAD";
    request.key = key_of(name);
    const Response response = client_.send(request);
    if (response.status == 404) return std::nullopt;
    if (!response.ok()) client_.throw_failure(request, response);
    if (!response.content_length) throw_io(client_.uri_of(request.key) + ": HEAD answer without Content-Length");
    return response.content_length;
  }

  std::vector<ObjectInfo> list(const std::string& prefix) override {
    const std::string& key_prefix = client_.location().key_prefix;
    std::vector<ObjectInfo> objects;
    std::string continuation;
    for (;;) {
      Request request;
      // encoding-type=url: keys may hold characters XML 1.0 cannot carry or that its parsers
      // change (control characters, CR, names of blanks only).
      request.query = {
          {"list-type", "2"}, {"prefix", key_prefix + prefix}, {"max-keys", "1000"}, {"encoding-type", "url"}};
      if (!continuation.empty()) request.query["continuation-token"] = continuation;
      request.label = "ListObjectsV2 " + client_.uri_of(key_prefix + prefix);
      const Response response = client_.send(request);
      if (!response.ok()) client_.throw_failure(request, response);
      pugi::xml_document document;
      if (!document.load_buffer(response.body.data(), response.body.size()))
        throw_io(request.label + ": the answer is not XML");
      const auto result = document.child("ListBucketResult");
      if (!result) throw_io(request.label + ": the answer is not a ListBucketResult");
      const bool encoded = std::string_view(result.child_value("EncodingType")) == "url";
      for (const auto contents : result.children("Contents")) {
        const std::string key = s3::listed_name(contents.child_value("Key"), encoded, request.label);
        if (key.compare(0, key_prefix.size(), key_prefix) != 0) continue;
        objects.push_back({key.substr(key_prefix.size()), contents.child("Size").text().as_ullong()});
      }
      continuation = result.child_value("NextContinuationToken");  // opaque, never encoded
      if (std::string_view(result.child_value("IsTruncated")) != "true") break;
      if (continuation.empty()) throw_io(request.label + ": truncated listing without a continuation token");
    }
    return objects;
  }

  void remove(const std::string& name) override {
    Request request;
    request.method = "DELETE";
    request.key = key_of(name);
    const Response response = client_.send(request);
    if (!response.ok() && response.status != 404) client_.throw_failure(request, response);
  }

  // One listing request: proves endpoint, credentials and bucket at once (HEAD would not say
  // why a 403 happened). Creates the bucket when it is missing and options ask for it.
  void check_bucket() {
    const std::string& bucket = client_.location().bucket;
    Request request;
    request.query = {{"list-type", "2"}, {"max-keys", "1"}};
    request.label = uri_;
    const Response response = client_.send(request);
    if (response.ok()) return;
    if (response.error_code == "NoSuchBucket" || (response.status == 404 && response.error_code.empty())) {
      if (options_.create_bucket) return create_bucket();
      throw_io(uri_ + ": bucket '" + bucket + "' does not exist at " + client_.config().endpoint +
               " (HTTP 404 NoSuchBucket); create it, or ask for it to be created (--create-bucket)");
    }
    if (response.error_code == "SignatureDoesNotMatch" || response.error_code == "InvalidAccessKeyId") {
      const std::string& credentials = client_.config().credentials.source;
      throw_io(uri_ + ": credentials rejected by " + client_.config().endpoint + ": HTTP " +
               std::to_string(response.status) + " " + response.error_code + ": " + response.error_message +
               " (access key '" + client_.config().credentials.access_key + "' from " + credentials + ")");
    }
    client_.throw_failure(request, response);
  }

 private:
  std::string key_of(const std::string& name) const {
    if (name.empty()) throw_invalid(uri_ + ": empty object name");
    std::string key = client_.location().key_prefix + name;
    if (key.size() > 1024) throw_invalid(client_.uri_of(key) + ": key longer than 1024 bytes");
    return key;
  }

  void create_bucket() {
    Request request;
    request.method = "PUT";
    request.label = "CreateBucket s3://" + client_.location().bucket;
    std::string body;
    const std::string& region = client_.config().region;
    if (region != "us-east-1")
      body = "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>" +
             region + "</LocationConstraint></CreateBucketConfiguration>";
    request.body_bytes = body.size();
    request.content_type = "application/xml";
    request.body_in_memory = {reinterpret_cast<const std::uint8_t*>(body.data()), body.size()};
    const Response response = client_.send(request);
    if (response.ok() || response.error_code == "BucketAlreadyOwnedByYou") return;
    client_.throw_failure(request, response);
  }

  const std::string uri_;
  const s3::S3Options options_;
  const s3::Client client_;
  http::TransferThreads threads_;  // after client_: its tasks use the client, so it stops first
};

}  // namespace

std::unique_ptr<Storage> open_s3_storage(const std::string& uri, const StorageOptions& given) {
  s3::Location location = s3::parse_uri(uri);
  const s3::S3Options options = s3::read_s3_options(given);
  s3::Config config = s3::resolve_config(options, uri);
  auto storage = std::make_unique<S3Storage>(uri, std::move(config), std::move(location), options);
  storage->check_bucket();
  return storage;
}

}  // namespace sdgen
