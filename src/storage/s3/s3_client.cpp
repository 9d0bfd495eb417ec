#include "storage/s3/s3_client.hpp"

#include <algorithm>
#include <pugixml.hpp>

#include "sdgen/error.hpp"
#include "storage/printable.hpp"

namespace sdgen::s3 {

namespace {

std::string one_line(std::string text) {
  std::replace_if(
      text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

// S3's answers: an XML <Error> document with a Code and a Message, in error answers and (for
// CompleteMultipartUpload) in a 200.
class S3Dialect final : public http::ServiceDialect {
 public:
  void read_error(Response& response) const override {
    if (response.body.empty()) return;
    pugi::xml_document document;
    if (!document.load_buffer(response.body.data(), response.body.size())) return;
    const pugi::xml_node error = document.child("Error");
    if (!error) return;
    response.error_code = error.child_value("Code");
    response.error_message = one_line(error.child_value("Message"));
    if (response.error_code.empty()) response.error_code = "Error";
  }

  bool retryable_code(std::string_view code) const override {
    static constexpr std::string_view codes[] = {"SlowDown",   "InternalError",      "RequestTimeout",
                                                 "Throttling", "ServiceUnavailable", "RequestLimitExceeded"};
    return std::find(std::begin(codes), std::end(codes), code) != std::end(codes);
  }
};

}  // namespace

std::string uri_encode(std::string_view text, bool keep_slash) {
  static const char hex[] = "0123456789ABCDEF";
  std::string encoded;
  encoded.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool alphanumeric = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (alphanumeric || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
      encoded += c;
    } else {
      encoded += '%';
      encoded += hex[byte >> 4];
      encoded += hex[byte & 15];
    }
  }
  return encoded;
}

std::optional<std::string> url_decode(std::string_view text) {
  const auto hex_value = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t at = 0; at < text.size(); ++at) {
    if (text[at] == '+') {
      decoded += ' ';
    } else if (text[at] != '%') {
      decoded += text[at];
    } else {
      const int high = at + 2 < text.size() ? hex_value(text[at + 1]) : -1;
      const int low = high >= 0 ? hex_value(text[at + 2]) : -1;
      if (low < 0) return std::nullopt;
      decoded += static_cast<char>(high * 16 + low);
      at += 2;
    }
  }
  return decoded;
}

std::string listed_name(std::string_view text, bool url_encoded, const std::string& label) {
  if (!url_encoded) return std::string(text);
  std::optional<std::string> name = url_decode(text);
  if (!name) throw_io(label + ": badly encoded name '" + std::string(text) + "' in the answer");
  return std::move(*name);
}

Client::Client(Config config, Location location, const S3Options& options)
    : config_(std::move(config)),
      location_(std::move(location)),
      transport_({config_.endpoint, options.max_attempts, options.timeout_ms},
                 std::make_unique<SigV4Authorizer>(config_.region, config_.credentials),
                 std::make_unique<S3Dialect>()) {}

std::string Client::uri_of(const std::string& key) const {
  std::string uri = "s3://" + location_.bucket + "/";
  detail::append_printable(uri, key);
  return uri;
}

http::Request Client::wire_request(const Request& request) const {
  http::Request wire = request;
  if (wire.label.empty()) wire.label = request.method + " " + uri_of(request.key);
  std::string& url = wire.url;
  url = config_.endpoint + "/" + location_.bucket;
  if (!request.key.empty()) {
    url += '/';
    url += uri_encode(request.key, true);
  }
  char separator = '?';
  for (const auto& [name, value] : request.query) {
    url += separator;
    url += uri_encode(name, false);
    url += '=';
    url += uri_encode(value, false);
    separator = '&';
  }
  return wire;
}

Response Client::send(const Request& request, const BodyFactory& bodies) const {
  return transport_.send(wire_request(request), bodies);
}

void Client::throw_failure(const Request& request, const Response& response) const {
  transport_.throw_failure(wire_request(request), response);
}

}  // namespace sdgen::s3
