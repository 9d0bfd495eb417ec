#include "storage/http/transport.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <random>
#include <thread>

#include "sdgen/error.hpp"
#include "storage/http/libraries.hpp"

namespace sdgen::http {

namespace {

constexpr std::size_t kMaxAnswerBytes = 64u << 20;  // a listing page is ~300 KB; anything near this is wrong
// Each transfer thread's handle keeps its upload buffer, and a put runs up to jobs x parts in
// flight of them (s3_writer.hpp). 2 MiB (libcurl 7.88's largest) cost ~3 MiB of resident memory
// per thread with glibc's arenas, 256 KiB ~0.5 MiB, at the same speed to moto within the noise
// (256 MiB put: 11.8 s against 11.8 s, medians of 3, 2026-12-01, a loaded host).
constexpr long kUploadBufferBytes = 256l << 10;
constexpr long kDownloadBufferBytes = 1l << 20;
constexpr long kExpect100TimeoutMs = 500;  // keep Expect (auth errors arrive before the body), wait little
constexpr unsigned kBackoffBaseMs = 200, kBackoffCapMs = 10000;

// One curl handle per thread, reset before each request: reset keeps its connection cache, so
// consecutive requests of a thread reuse the connection.
CURL* thread_handle() {
  struct Handle {
    CURL* curl = lib::curl().easy_init();
    ~Handle() {
      if (curl) lib::curl().easy_cleanup(curl);
    }
  };
  thread_local Handle handle;
  if (!handle.curl) throw_io("http: curl_easy_init failed");
  lib::curl().easy_reset(handle.curl);
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
  lib::curl().easy_getinfo(context.curl, CURLINFO_RESPONSE_CODE, &status);
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

struct Transport::Attempt {
  Response response;
  CURLcode code = CURLE_OK;
  std::string transport_error;  // curl's message when code != CURLE_OK
  std::exception_ptr body_error;
  bool connected = false;  // a connection was made (a timeout then means the server went quiet)
};

Transport::Transport(TransportOptions options, std::unique_ptr<const Authorizer> authorizer,
                     std::unique_ptr<const ServiceDialect> dialect)
    : options_(std::move(options)),
      authorizer_(std::move(authorizer)),
      dialect_(std::move(dialect)),
      connect_timeout_ms_(std::min<long>(options_.timeout_ms, 3000)),
      stall_seconds_(std::max<long>(1, (options_.timeout_ms + 999) / 1000)) {
  lib::curl();  // a missing libcurl is an error of opening the storage, not of its first request
}

void Transport::perform(const Request& request, Body* body, Attempt& attempt) const {
  const lib::Curl& api = lib::curl();
  CURL* curl = thread_handle();
  SpanBody no_body({});
  TransferContext context{curl, &request, body, &attempt.response, nullptr, {}, 0};
  char error_buffer[CURL_ERROR_SIZE] = {};

  const Authorization authorization = authorizer_->authorize(request);
  curl_slist* headers = nullptr;
  const auto add_header = [&](const std::string& line) { headers = api.slist_append(headers, line.c_str()); };
  if (!request.content_type.empty()) add_header("Content-Type: " + request.content_type);
  for (const auto& line : request.headers) add_header(line);
  for (const auto& line : authorization.headers) add_header(line);
  const std::string range =
      request.range ? std::to_string(request.range->first) + "-" + std::to_string(request.range->second) : "";

  api.easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  api.easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);  // paths arrive encoded; "a/../b" is a key, not a path
  api.easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  api.easy_setopt(curl, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  api.easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  if (!authorization.aws_sigv4.empty()) {
    api.easy_setopt(curl, CURLOPT_AWS_SIGV4, authorization.aws_sigv4.c_str());
    api.easy_setopt(curl, CURLOPT_USERNAME, authorization.username.c_str());
    api.easy_setopt(curl, CURLOPT_PASSWORD, authorization.password.c_str());
  }
  api.easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  api.easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  api.easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, connect_timeout_ms_);
  api.easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  api.easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, std::max(stall_seconds_, request.min_stall_seconds));
  api.easy_setopt(curl, CURLOPT_EXPECT_100_TIMEOUT_MS, kExpect100TimeoutMs);
  // Only reads get the large download buffer: each thread's handle keeps what it once touched, and
  // the answers to PUTs are a few hundred bytes (s3_writer.hpp counts the memory per thread).
  if (!request.response_into.empty()) api.easy_setopt(curl, CURLOPT_BUFFERSIZE, kDownloadBufferBytes);
  api.easy_setopt(curl, CURLOPT_HEADERFUNCTION, receive_header);
  api.easy_setopt(curl, CURLOPT_HEADERDATA, &context);
  api.easy_setopt(curl, CURLOPT_WRITEFUNCTION, receive_body);
  api.easy_setopt(curl, CURLOPT_WRITEDATA, &context);
  if (request.cancel) {
    api.easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    api.easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, check_cancel);
    api.easy_setopt(curl, CURLOPT_XFERINFODATA, &context);
  }
  if (request.method == "HEAD") {
    api.easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method == "PUT" || request.method == "POST") {
    // Every body goes through the read callback with a known length: never chunked, never a form.
    context.body = body ? body : &no_body;
    api.easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    api.easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body ? request.body_bytes : 0));
    api.easy_setopt(curl, CURLOPT_UPLOAD_BUFFERSIZE, kUploadBufferBytes);
    api.easy_setopt(curl, CURLOPT_READFUNCTION, read_body);
    api.easy_setopt(curl, CURLOPT_READDATA, &context);
    api.easy_setopt(curl, CURLOPT_SEEKFUNCTION, seek_body);
    api.easy_setopt(curl, CURLOPT_SEEKDATA, &context);
    if (request.method == "POST") api.easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "POST");
  } else if (request.method != "GET") {
    api.easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  if (request.range) api.easy_setopt(curl, CURLOPT_RANGE, range.c_str());
  if (request.fresh_connection) api.easy_setopt(curl, CURLOPT_FRESH_CONNECT, 1L);

  attempt.code = api.easy_perform(curl);
  api.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &attempt.response.status);
  curl_off_t pretransfer_us = 0;  // > 0 once a connection (new or reused) was ready for the request
  api.easy_getinfo(curl, CURLINFO_PRETRANSFER_TIME_T, &pretransfer_us);
  attempt.connected =
      pretransfer_us > 0 && attempt.code != CURLE_COULDNT_CONNECT && attempt.code != CURLE_COULDNT_RESOLVE_HOST;
  const bool bodyless = !body || request.body_bytes == 0;
  if (request.body_sent && bodyless && attempt.connected) *request.body_sent = true;
  api.easy_reset(curl);  // drops the pointers to this frame's headers and buffers, keeps the connection
  api.slist_free_all(headers);
  attempt.body_error = context.body_error;
  if (attempt.code != CURLE_OK) {
    attempt.transport_error = !context.callback_error.empty() ? context.callback_error
                              : error_buffer[0]               ? one_line(error_buffer)
                                                              : api.easy_strerror(attempt.code);
  }
}

bool Transport::retryable(const Response& response) const {
  if (response.ok()) return false;
  if (!response.error_code.empty() && dialect_->retryable_code(response.error_code)) return true;
  return (response.status >= 500 && response.status != 501) || response.status == 429 || response.status == 408;
}

Response Transport::send(const Request& request, const BodyFactory& bodies) const {
  const auto cancelled = [&] { return request.cancel && request.cancel->load(); };
  for (unsigned attempt_number = 1;; ++attempt_number) {
    if (cancelled()) throw_io(request.label + ": cancelled");
    std::unique_ptr<Body> body = bodies                           ? bodies(attempt_number)
                                 : request.body_in_memory.empty() ? nullptr
                                                                  : std::make_unique<SpanBody>(request.body_in_memory);
    Attempt attempt;
    perform(request, body.get(), attempt);
    attempt.response.attempts = attempt_number;
    if (attempt.body_error) std::rethrow_exception(attempt.body_error);
    if (attempt.code == CURLE_ABORTED_BY_CALLBACK && cancelled()) throw_io(request.label + ": cancelled");
    const bool last = attempt_number >= options_.max_attempts;
    if (attempt.code != CURLE_OK) {
      if (retryable_transport(attempt.code) && !last) {
        back_off(attempt_number, request.cancel);
        continue;
      }
      const std::string tries = attempt_number > 1 ? " (" + std::to_string(attempt_number) + " attempts)" : "";
      if (!attempt.connected)
        throw_io(request.label + ": cannot reach " + options_.endpoint + ": " + attempt.transport_error + tries);
      if (attempt.code == CURLE_OPERATION_TIMEDOUT)
        throw_io(request.label + ": " + options_.endpoint + " stopped answering: " + attempt.transport_error + tries);
      throw_io(request.label + ": transfer with " + options_.endpoint + " failed: " + attempt.transport_error + tries);
    }
    Response& response = attempt.response;
    if (response.status >= 300 || (request.error_in_ok_body && response.status < 300)) dialect_->read_error(response);
    if (retryable(response) && !last) {
      back_off(attempt_number, request.cancel);
      continue;
    }
    return std::move(response);
  }
}

void Transport::throw_failure(const Request& request, const Response& response) const {
  std::string message = request.label + ": HTTP " + std::to_string(response.status);
  if (!response.error_code.empty()) message += " " + response.error_code;
  if (!response.error_message.empty()) message += ": " + response.error_message;
  if (response.error_code.empty() && request.method == "HEAD" && response.status == 403)
    message += " (a HEAD answer carries no reason: check the credentials and permissions)";
  message += " (" + options_.endpoint;
  if (response.attempts > 1) message += ", " + std::to_string(response.attempts) + " attempts";
  throw_io(message + ")");
}

}  // namespace sdgen::http
