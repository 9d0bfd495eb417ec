#include "storage/s3/s3_client.hpp"

#include <curl/curl.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <mutex>
#include <pugixml.hpp>
#include <random>
#include <thread>

#include "sdgen/error.hpp"

namespace sdgen::s3 {

namespace {

constexpr std::size_t kMaxAnswerBytes = 64u << 20;  // a listing page is ~300 KB; anything near this is wrong
constexpr long kUploadBufferBytes = 2l << 20;       // the largest libcurl 7.88 accepts; a small gain
constexpr long kDownloadBufferBytes = 1l << 20;
constexpr long kExpect100TimeoutMs = 500;  // keep Expect (auth errors arrive before the body), wait little
constexpr unsigned kBackoffBaseMs = 200, kBackoffCapMs = 10000;

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw_io("s3: curl_global_init failed");
  });
}

// One curl handle per thread, reset before each request: reset keeps its connection cache, so
// consecutive requests of a thread reuse the connection.
CURL* thread_handle() {
  struct Handle {
    CURL* curl;
    Handle() : curl((init_curl_once(), curl_easy_init())) {}
    ~Handle() {
      if (curl) curl_easy_cleanup(curl);
    }
  };
  thread_local Handle handle;
  if (!handle.curl) throw_io("s3: curl_easy_init failed");
  curl_easy_reset(handle.curl);
  return handle.curl;
}

std::string one_line(std::string text) {
  std::replace_if(
      text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

bool iequals_prefix(std::string_view line, std::string_view name) {
  if (line.size() < name.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(line[i])) != static_cast<unsigned char>(name[i])) return false;
  return true;
}

std::string header_value(std::string_view line, std::size_t name_size) {
  std::string value(line.substr(name_size));
  const auto first = value.find_first_not_of(" \t");
  const auto last = value.find_last_not_of(" \t\r\n");
  return first == std::string::npos ? "" : value.substr(first, last - first + 1);
}

bool retryable_transport(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SEND_FAIL_REWIND:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

bool retryable_answer(const Response& response) {
  static const char* const codes[] = {"SlowDown",   "InternalError",      "RequestTimeout",
                                      "Throttling", "ServiceUnavailable", "RequestLimitExceeded"};
  if (response.ok()) return false;
  for (const char* code : codes)
    if (response.error_code == code) return true;
  return (response.status >= 500 && response.status != 501) || response.status == 429 || response.status == 408;
}

// Exponential backoff with "equal jitter": half the delay fixed, half random, so concurrent
// retries spread out yet none retries at once.
void back_off(unsigned failed_attempts, const std::atomic<bool>* cancel) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  const unsigned delay_ms = std::min(kBackoffCapMs, kBackoffBaseMs << std::min(failed_attempts - 1, 10u));
  const auto sleep_ms = delay_ms / 2 + std::uniform_int_distribution<unsigned>(0, delay_ms / 2)(random);
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(sleep_ms);
  while (std::chrono::steady_clock::now() < until) {
    if (cancel && cancel->load()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void parse_error_document(Response& response) {
  if (response.body.empty()) return;
  pugi::xml_document document;
  if (!document.load_buffer(response.body.data(), response.body.size())) return;
  const pugi::xml_node error = document.child("Error");
  if (!error) return;
  response.error_code = error.child_value("Code");
  response.error_message = one_line(error.child_value("Message"));
  if (response.error_code.empty()) response.error_code = "Error";
}

// What the curl callbacks of one attempt see.
struct TransferContext {
  CURL* curl;
  const Request* request;
  Body* body;
  Response* response;
  std::exception_ptr body_error;
  std::string callback_error;  // a failure found in a callback (an oversized answer)
  std::uint64_t body_bytes_read = 0;
};

std::size_t read_body(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto& context = *static_cast<TransferContext*>(user);
  try {
    const std::size_t bytes = context.body->read({reinterpret_cast<std::uint8_t*>(buffer), size * count});
    context.body_bytes_read += bytes;
    if (context.request->body_sent && context.body_bytes_read == context.request->body_bytes)
      *context.request->body_sent = true;
    return bytes;
  } catch (...) {
    context.body_error = std::current_exception();
    return CURL_READFUNC_ABORT;
  }
}

int seek_body(void* user, curl_off_t offset, int origin) {
  auto& context = *static_cast<TransferContext*>(user);
  if (origin != SEEK_SET || offset != 0) return CURL_SEEKFUNC_CANTSEEK;
  try {
    if (!context.body->rewind()) return CURL_SEEKFUNC_CANTSEEK;
    context.body_bytes_read = 0;
    return CURL_SEEKFUNC_OK;
  } catch (...) {
    context.body_error = std::current_exception();
    return CURL_SEEKFUNC_FAIL;
  }
}

std::size_t receive_header(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto& context = *static_cast<TransferContext*>(user);
  const std::string_view line(buffer, size * count);
  if (line.starts_with("HTTP/")) {  // a new answer (after "100 Continue"): forget the last one's headers
    context.response->etag.clear();
    context.response->content_length.reset();
  } else if (iequals_prefix(line, "etag:")) {
    context.response->etag = header_value(line, 5);
  } else if (iequals_prefix(line, "content-length:")) {
    const std::string value = header_value(line, 15);
    if (!value.empty() && value.find_first_not_of("0123456789") == std::string::npos)
      context.response->content_length = std::stoull(value);
  }
  return size * count;
}

std::size_t receive_body(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto& context = *static_cast<TransferContext*>(user);
  const std::size_t bytes = size * count;
  long status = 0;
  curl_easy_getinfo(context.curl, CURLINFO_RESPONSE_CODE, &status);
  Response& response = *context.response;
  if (status >= 200 && status < 300 && !context.request->response_into.empty()) {
    const auto into = context.request->response_into;
    if (bytes > into.size() - response.bytes_received) {
      context.callback_error = "the answer is longer than the " + std::to_string(into.size()) + " bytes asked for";
      return 0;
    }
    std::memcpy(into.data() + response.bytes_received, buffer, bytes);
    response.bytes_received += bytes;
    return bytes;
  }
  if (response.body.size() + bytes > kMaxAnswerBytes) {
    context.callback_error = "answer larger than " + std::to_string(kMaxAnswerBytes >> 20) + " MiB";
    return 0;
  }
  response.body.append(buffer, bytes);
  return bytes;
}

// A request whose whole body is out is not cut off: the store may act on it anyway (cutting the
// connection does not stop it), and only its answer says whether it did.
int check_cancel(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto& context = *static_cast<TransferContext*>(user);
  const Request& request = *context.request;
  const bool body_out = request.body_bytes > 0 && context.body_bytes_read == request.body_bytes;
  return request.cancel && request.cancel->load() && !body_out ? 1 : 0;
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &digest_size, EVP_sha256(), nullptr) != 1)
    throw_io("s3: SHA-256 failed (OpenSSL)");
  static const char hex[] = "0123456789abcdef";
  std::string text;
  for (unsigned i = 0; i < digest_size; ++i) {
    text += hex[digest[i] >> 4];
    text += hex[digest[i] & 15];
  }
  return text;
}

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

std::size_t SpanBody::read(std::span<std::uint8_t> out) {
  const std::size_t bytes = std::min(out.size(), bytes_.size() - position_);
  std::memcpy(out.data(), bytes_.data() + position_, bytes);
  position_ += bytes;
  return bytes;
}

std::size_t RegeneratedBody::read(std::span<std::uint8_t> out) {
  const std::size_t bytes = std::min<std::uint64_t>(out.size(), length_ - position_);
  if (bytes == 0) return 0;
  source_.read_at(offset_ + position_, out.first(bytes));
  position_ += bytes;
  return bytes;
}

struct Client::Attempt {
  Response response;
  CURLcode code = CURLE_OK;
  std::string transport_error;  // curl's message when code != CURLE_OK
  std::exception_ptr body_error;
  bool connected = false;  // a connection was made (a timeout then means the server went quiet)
};

Client::Client(Config config, Location location, const StorageOptions& options)
    : config_(std::move(config)),
      location_(std::move(location)),
      sigv4_("aws:amz:" + config_.region + ":s3"),
      max_attempts_(options.max_attempts),
      connect_timeout_ms_(std::min<long>(options.timeout_ms, 3000)),
      stall_seconds_(std::max<long>(1, (options.timeout_ms + 999) / 1000)) {
  init_curl_once();
}

std::string Client::uri_of(const std::string& key) const {
  static const char hex[] = "0123456789ABCDEF";
  std::string uri = "s3://" + location_.bucket + "/";
  for (const char c : key) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      uri += '%';
      uri += hex[byte >> 4];
      uri += hex[byte & 15];
    } else {
      uri += c;
    }
  }
  return uri;
}

std::string Client::label_of(const Request& request) const {
  return request.label.empty() ? request.method + " " + uri_of(request.key) : request.label;
}

std::string Client::url_of(const Request& request) const {
  std::string url = config_.endpoint + "/" + location_.bucket;
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
  return url;
}

void Client::perform(const Request& request, Body* body, Attempt& attempt) const {
  CURL* curl = thread_handle();
  SpanBody no_body({});
  TransferContext context{curl, &request, body, &attempt.response, nullptr, {}, 0};
  char error_buffer[CURL_ERROR_SIZE] = {};

  curl_slist* headers = nullptr;
  const auto add_header = [&](const std::string& line) { headers = curl_slist_append(headers, line.c_str()); };
  add_header("x-amz-content-sha256: " + request.payload_sha256);
  if (!config_.credentials.session_token.empty())
    add_header("x-amz-security-token: " + config_.credentials.session_token);
  if (!request.content_type.empty()) add_header("Content-Type: " + request.content_type);
  for (const auto& line : request.headers) add_header(line);
  const std::string url = url_of(request);
  const std::string range =
      request.range ? std::to_string(request.range->first) + "-" + std::to_string(request.range->second) : "";

  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);  // keys are encoded here; "a/../b" is a key, not a path
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_AWS_SIGV4, sigv4_.c_str());
  curl_easy_setopt(curl, CURLOPT_USERNAME, config_.credentials.access_key.c_str());
  curl_easy_setopt(curl, CURLOPT_PASSWORD, config_.credentials.secret_key.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, connect_timeout_ms_);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, std::max(stall_seconds_, request.min_stall_seconds));
  curl_easy_setopt(curl, CURLOPT_EXPECT_100_TIMEOUT_MS, kExpect100TimeoutMs);
  curl_easy_setopt(curl, CURLOPT_BUFFERSIZE, kDownloadBufferBytes);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, receive_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &context);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, receive_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &context);
  if (request.cancel) {
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, check_cancel);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &context);
  }
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method == "PUT" || request.method == "POST") {
    // Every body goes through the read callback with a known length: never chunked, never a form.
    context.body = body ? body : &no_body;
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body ? request.body_bytes : 0));
    curl_easy_setopt(curl, CURLOPT_UPLOAD_BUFFERSIZE, kUploadBufferBytes);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_body);
    curl_easy_setopt(curl, CURLOPT_READDATA, &context);
    curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, seek_body);
    curl_easy_setopt(curl, CURLOPT_SEEKDATA, &context);
    if (request.method == "POST") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "POST");
  } else if (request.method != "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  if (request.range) curl_easy_setopt(curl, CURLOPT_RANGE, range.c_str());
  if (request.fresh_connection) curl_easy_setopt(curl, CURLOPT_FRESH_CONNECT, 1L);

  attempt.code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &attempt.response.status);
  curl_off_t pretransfer_us = 0;  // > 0 once a connection (new or reused) was ready for the request
  curl_easy_getinfo(curl, CURLINFO_PRETRANSFER_TIME_T, &pretransfer_us);
  attempt.connected =
      pretransfer_us > 0 && attempt.code != CURLE_COULDNT_CONNECT && attempt.code != CURLE_COULDNT_RESOLVE_HOST;
  const bool bodyless = !body || request.body_bytes == 0;
  if (request.body_sent && bodyless && attempt.connected) *request.body_sent = true;
  curl_easy_reset(curl);  // drops the pointers to this frame's headers and buffers, keeps the connection
  curl_slist_free_all(headers);
  attempt.body_error = context.body_error;
  if (attempt.code != CURLE_OK) {
    attempt.transport_error = !context.callback_error.empty() ? context.callback_error
                              : error_buffer[0]               ? one_line(error_buffer)
                                                              : curl_easy_strerror(attempt.code);
  }
}

Response Client::send(const Request& request, const BodyFactory& bodies) const {
  const auto cancelled = [&] { return request.cancel && request.cancel->load(); };
  for (unsigned attempt_number = 1;; ++attempt_number) {
    if (cancelled()) throw_io(label_of(request) + ": cancelled");
    std::unique_ptr<Body> body = bodies ? bodies(attempt_number) : nullptr;
    Attempt attempt;
    perform(request, body.get(), attempt);
    attempt.response.attempts = attempt_number;
    if (attempt.body_error) std::rethrow_exception(attempt.body_error);
    if (attempt.code == CURLE_ABORTED_BY_CALLBACK && cancelled()) throw_io(label_of(request) + ": cancelled");
    const bool last = attempt_number >= max_attempts_;
    if (attempt.code != CURLE_OK) {
      if (retryable_transport(attempt.code) && !last) {
        back_off(attempt_number, request.cancel);
        continue;
      }
      const std::string tries = attempt_number > 1 ? " (" + std::to_string(attempt_number) + " attempts)" : "";
      if (!attempt.connected)
        throw_io(label_of(request) + ": cannot reach " + config_.endpoint + ": " + attempt.transport_error + tries);
      if (attempt.code == CURLE_OPERATION_TIMEDOUT)
        throw_io(label_of(request) + ": " + config_.endpoint + " stopped answering: " + attempt.transport_error +
                 tries);
      throw_io(label_of(request) + ": transfer with " + config_.endpoint + " failed: " + attempt.transport_error +
               tries);
    }
    Response& response = attempt.response;
    if (response.status >= 300 || (request.error_in_ok_body && response.status < 300)) parse_error_document(response);
    if (retryable_answer(response) && !last) {
      back_off(attempt_number, request.cancel);
      continue;
    }
    return std::move(response);
  }
}

void Client::throw_failure(const Request& request, const Response& response) const {
  std::string message = label_of(request) + ": HTTP " + std::to_string(response.status);
  if (!response.error_code.empty()) message += " " + response.error_code;
  if (!response.error_message.empty()) message += ": " + response.error_message;
  if (response.error_code.empty() && request.method == "HEAD" && response.status == 403)
    message += " (a HEAD answer carries no reason: check the credentials and permissions)";
  message += " (" + config_.endpoint;
  if (response.attempts > 1) message += ", " + std::to_string(response.attempts) + " attempts";
  throw_io(message + ")");
}

}  // namespace sdgen::s3
