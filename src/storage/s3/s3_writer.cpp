#include "storage/s3/s3_writer.hpp"

#include <atomic>
#include <cstring>
#include <pugixml.hpp>
#include <set>
#include <sstream>

#include "sdgen/error.hpp"
#include "storage/s3/s3_checksum.hpp"

namespace sdgen::s3 {

namespace {

constexpr std::uint64_t kMaxParts = 10000;  // S3's limit per multipart upload
constexpr long kCompleteStallSeconds = 300;
constexpr std::uint64_t kChecksumChunkBytes = 1u << 20;  // regenerated at a time, cache-resident

[[noreturn]] void rethrow(const std::exception_ptr& error) { std::rethrow_exception(error); }

// ---------------------------------------------------------------------------------------------
// Single PUT: curl's read callback takes the chunks write() hands over.

class SinglePutWriter final : public ObjectWriter {
 public:
  SinglePutWriter(const Client& client, TransferThreads& threads, std::string key, std::uint64_t size,
                  ByteSource& source)
      : client_(client), key_(std::move(key)), size_(size), source_(source) {
    threads.run([this] { transfer(); });
  }
  ~SinglePutWriter() override { abort(); }

  void write(std::span<const std::uint8_t> chunk) override {
    if (state_ != State::open) throw_invalid(client_.uri_of(key_) + ": write after complete() or abort()");
    if (chunk.size() > size_ - written_)
      throw_invalid(client_.uri_of(key_) + ": more bytes written than the declared size " + std::to_string(size_));
    if (chunk.empty()) return;
    std::unique_lock lock(mutex_);
    if (!detached_) {
      pending_ = chunk;
      changed_.notify_all();
      changed_.wait(lock, [&] { return pending_.empty() || detached_; });
      pending_ = {};
    }
    if (finished_ && error_) rethrow(error_);
    written_ += chunk.size();
  }

  void complete() override {
    if (state_ != State::open) throw_invalid(client_.uri_of(key_) + ": complete() after complete() or abort()");
    if (written_ != size_) {
      abort();
      throw_invalid(client_.uri_of(key_) + ": " + std::to_string(written_) + " of " + std::to_string(size_) +
                    " bytes written before complete()");
    }
    std::unique_lock lock(mutex_);
    input_closed_ = true;
    changed_.notify_all();
    changed_.wait(lock, [&] { return finished_; });
    if (error_) {
      lock.unlock();
      state_ = State::aborted;
      remove_if_maybe_stored();
      rethrow(error_);
    }
    state_ = State::completed;
  }

  void abort() noexcept override {
    if (state_ != State::open) return;
    state_ = State::aborted;
    cancel_ = true;
    {
      std::unique_lock lock(mutex_);
      input_closed_ = true;
      changed_.notify_all();
      changed_.wait(lock, [&] { return finished_; });
    }
    remove_if_maybe_stored();
  }

 private:
  enum class State { open, completed, aborted };

  // After a PUT that is not to count: it went through, or its whole body did and no answer
  // came, so the store may hold it. (A store that answered with an error stored nothing, and a
  // same-named older object must then stay.)
  void remove_if_maybe_stored() noexcept {
    if (error_ && (refused_ || !body_sent_)) return;
    try {
      Request request;
      request.method = "DELETE";
      request.key = key_;
      client_.send(request);
    } catch (...) {
    }
  }

  // Attempt 1's body: the chunks write() hands over, without a copy.
  class HandOff final : public Body {
   public:
    explicit HandOff(SinglePutWriter& writer) : writer_(writer) {}
    std::size_t read(std::span<std::uint8_t> out) override {
      std::unique_lock lock(writer_.mutex_);
      writer_.changed_.wait(lock, [&] { return !writer_.pending_.empty() || writer_.input_closed_; });
      if (writer_.cancel_) throw_io(writer_.client_.uri_of(writer_.key_) + ": cancelled");
      const std::size_t bytes = std::min(out.size(), writer_.pending_.size());
      if (bytes == 0) return 0;  // closed early: curl reports the short body
      std::memcpy(out.data(), writer_.pending_.data(), bytes);
      writer_.pending_ = writer_.pending_.subspan(bytes);
      if (writer_.pending_.empty()) writer_.changed_.notify_all();
      taken_ += bytes;
      return bytes;
    }
    bool rewind() override { return taken_ == 0; }  // else the next attempt regenerates

   private:
    SinglePutWriter& writer_;
    std::uint64_t taken_ = 0;
  };

  // The CRC32C of the whole object goes in the PUT's headers, before the first byte of a body
  // that only streams in later: so the bytes are generated once more here, from the source.
  // (8 ms per 64 MiB on one core here, against > 1 s to send it; a trailing checksum instead
  // would need the aws-chunked body encoding.)
  std::string checksum_from_source() const {
    std::vector<std::uint8_t> buffer(std::min<std::uint64_t>(size_, kChecksumChunkBytes));
    std::uint32_t crc = 0;
    for (std::uint64_t offset = 0; offset < size_; offset += buffer.size()) {
      const std::span<std::uint8_t> piece(buffer.data(), std::min<std::uint64_t>(buffer.size(), size_ - offset));
      source_.read_at(offset, piece);
      crc = crc32c(piece, crc);
    }
    return crc32c_base64(crc);
  }

  // On a transfer thread, from create() until the PUT has an answer.
  void transfer() {
    Request request;
    request.method = "PUT";
    request.key = key_;
    request.body_bytes = size_;
    request.content_type = "application/octet-stream";
    request.payload_sha256 = size_ == 0 ? std::string(kEmptySha256) : std::string(kUnsignedPayload);
    request.cancel = &cancel_;
    request.body_sent = &body_sent_;
    const BodyFactory bodies = [this](unsigned attempt) -> std::unique_ptr<Body> {
      if (size_ == 0) return std::make_unique<SpanBody>(std::span<const std::uint8_t>{});
      if (attempt == 1) return std::make_unique<HandOff>(*this);
      {  // the hand-off is over: write() only counts from now on, the resend regenerates
        std::lock_guard lock(mutex_);
        detached_ = true;
        changed_.notify_all();
      }
      return std::make_unique<RegeneratedBody>(source_, 0, size_);
    };
    std::exception_ptr error;
    bool refused = false;
    try {
      // The algorithm header is what SDKs send beside the value; moto keeps the value only with it.
      request.headers = {"x-amz-checksum-crc32c: " + checksum_from_source(), "x-amz-sdk-checksum-algorithm: CRC32C"};
      const Response response = client_.send(request, bodies);
      refused = !response.ok();
      if (refused) client_.throw_failure(request, response);
    } catch (...) {
      error = std::current_exception();
    }
    std::lock_guard lock(mutex_);
    error_ = error;
    refused_ = refused;
    finished_ = detached_ = true;
    changed_.notify_all();
  }

  const Client& client_;
  const std::string key_;
  const std::uint64_t size_;
  ByteSource& source_;
  State state_ = State::open;  // the writer's thread only
  std::uint64_t written_ = 0;  // the writer's thread only
  std::atomic<bool> cancel_{false};
  std::atomic<bool> body_sent_{false};

  std::mutex mutex_;  // guards the hand-off below
  std::condition_variable changed_;
  std::span<const std::uint8_t> pending_;  // what write() waits for curl to take
  bool input_closed_ = false;              // complete() or abort(): no more chunks
  bool detached_ = false;                  // attempt 1 is over
  bool finished_ = false;                  // transfer() is done; error_ says how
  std::exception_ptr error_;
  bool refused_ = false;  // the store answered the PUT with an error
};

// ---------------------------------------------------------------------------------------------
// The multipart uploads of this process. Clearing away the uploads that a CreateMultipartUpload
// with a lost answer left must not abort one that another writer of this process uses, or that
// it is creating right now (its id not known yet). Writers in other processes are not known:
// sdgen takes the keys it writes as its own.

class UploadsInUse {
 public:
  void creating(const std::string& key) {
    std::lock_guard lock(mutex_);
    creating_.insert(key);
  }
  void created(const std::string& key, const std::string& upload_id) {  // upload_id empty: none
    std::lock_guard lock(mutex_);
    creating_.erase(creating_.find(key));
    if (!upload_id.empty()) open_.insert(upload_id);
  }
  void closed(const std::string& upload_id) {
    std::lock_guard lock(mutex_);
    open_.erase(upload_id);
  }
  bool may_abort(const std::string& key, const std::string& upload_id) const {
    std::lock_guard lock(mutex_);
    return !open_.contains(upload_id) && !creating_.contains(key);
  }

 private:
  mutable std::mutex mutex_;
  std::multiset<std::string> creating_;  // "bucket/key" of each CreateMultipartUpload under way
  std::set<std::string> open_;           // upload ids
};

UploadsInUse& uploads_in_use() {
  static UploadsInUse uploads;
  return uploads;
}

// ---------------------------------------------------------------------------------------------
// Multipart upload: parts of part_bytes from a pool of at most parts_in_flight buffers.

using PartBuffer = std::unique_ptr<std::uint8_t[]>;

class MultipartWriter final : public ObjectWriter {
 public:
  MultipartWriter(const Client& client, TransferThreads& threads, const StorageOptions& options, std::string key,
                  std::uint64_t size, ByteSource& source)
      : client_(client),
        threads_(threads),
        key_(std::move(key)),
        size_(size),
        part_bytes_(options.part_bytes),
        part_count_((size + options.part_bytes - 1) / options.part_bytes),
        parts_in_flight_(options.parts_in_flight),
        source_(source) {
    if (part_count_ > kMaxParts)
      throw_invalid(client_.uri_of(key_) + ": " + std::to_string(size_) + " bytes need " + std::to_string(part_count_) +
                    " parts of " + std::to_string(part_bytes_) +
                    " bytes, S3 allows 10000: use a part size of at least " +
                    std::to_string((size_ + kMaxParts - 1) / kMaxParts) + " bytes");
    etags_.resize(part_count_);
    checksums_.resize(part_count_);
    create_upload();
  }
  ~MultipartWriter() override {
    abort();
    uploads_in_use().closed(upload_id_);
  }

  void write(std::span<const std::uint8_t> chunk) override {
    if (state_ != State::open) throw_invalid(client_.uri_of(key_) + ": write after complete() or abort()");
    if (chunk.size() > size_ - written_)
      throw_invalid(client_.uri_of(key_) + ": more bytes written than the declared size " + std::to_string(size_));
    while (!chunk.empty()) {
      if (!filling_) filling_ = acquire_buffer();
      const std::uint64_t part_length = length_of(next_part_);
      const std::size_t take = std::min<std::uint64_t>(chunk.size(), part_length - filled_);
      std::memcpy(filling_.get() + filled_, chunk.data(), take);
      filled_ += take;
      written_ += take;
      chunk = chunk.subspan(take);
      if (filled_ == part_length) submit_part();
    }
  }

  void complete() override {
    if (state_ != State::open) throw_invalid(client_.uri_of(key_) + ": complete() after complete() or abort()");
    if (written_ != size_) {
      abort();
      throw_invalid(client_.uri_of(key_) + ": " + std::to_string(written_) + " of " + std::to_string(size_) +
                    " bytes written before complete()");
    }
    std::exception_ptr failure;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return parts_running_ == 0; });
      failure = failure_;
    }
    try {
      if (failure) rethrow(failure);
      complete_upload();
    } catch (...) {
      abort();
      throw;
    }
    state_ = State::completed;
  }

  void abort() noexcept override {
    if (state_ != State::open) return;
    state_ = State::aborted;
    cancel_ = true;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return parts_running_ == 0; });
    }
    // After the running parts have ended, so no part lands after the abort.
    try {  // best effort: a store out of reach keeps the upload (a bucket lifecycle rule ends it)
      const Response response = abort_upload(upload_id_);
      // CompleteMultipartUpload may have succeeded with its answer lost: then the object is ours to remove.
      if (response.error_code == "NoSuchUpload" && complete_sent_) {
        Request remove;
        remove.method = "DELETE";
        remove.key = key_;
        client_.send(remove);
      }
    } catch (...) {
    }
  }

 private:
  enum class State { open, completed, aborted };

  // Attempt 1's body: the filled part buffer, handed back to the writer once curl took it all.
  class FilledPart final : public Body {
   public:
    FilledPart(MultipartWriter& writer, PartBuffer buffer, std::uint64_t length)
        : writer_(writer), buffer_(std::move(buffer)), length_(length) {}
    ~FilledPart() override { give_back(); }
    std::size_t read(std::span<std::uint8_t> out) override {
      if (!buffer_) return 0;
      const std::size_t bytes = std::min<std::uint64_t>(out.size(), length_ - position_);
      std::memcpy(out.data(), buffer_.get() + position_, bytes);
      position_ += bytes;
      if (position_ == length_) give_back();
      return bytes;
    }
    bool rewind() override {
      position_ = 0;
      return buffer_ != nullptr;  // else the next attempt regenerates
    }

   private:
    void give_back() {
      if (buffer_) writer_.release_buffer(std::move(buffer_));
    }
    MultipartWriter& writer_;
    PartBuffer buffer_;
    std::uint64_t length_, position_ = 0;
  };

  std::uint64_t offset_of(std::uint64_t part) const { return (part - 1) * part_bytes_; }
  std::uint64_t length_of(std::uint64_t part) const { return std::min(part_bytes_, size_ - offset_of(part)); }

  void create_upload() {
    Request request;
    request.method = "POST";
    request.key = key_;
    request.query = {{"uploads", ""}};                       // "?uploads=": libcurl signs the query as written
    request.content_type = "application/octet-stream";       // becomes the object's type
    request.headers = {"x-amz-checksum-algorithm: CRC32C"};  // every part carries its CRC32C
    request.label = "CreateMultipartUpload " + client_.uri_of(key_);
    request.fresh_connection = true;  // so that attempts counts every time the request went out
    request.body_sent = &create_sent_;
    const std::string bucket_key = client_.location().bucket + "/" + key_;
    uploads_in_use().creating(bucket_key);
    Response response;
    try {
      response = client_.send(request);
    } catch (...) {
      uploads_in_use().created(bucket_key, "");
      if (create_sent_) abort_stray_uploads();  // an attempt reached the store: it may have created one
      throw;
    }
    pugi::xml_document document;
    if (response.ok() && document.load_buffer(response.body.data(), response.body.size()))
      upload_id_ = document.child("InitiateMultipartUploadResult").child_value("UploadId");
    uploads_in_use().created(bucket_key, upload_id_);
    // A resend follows an attempt that got no answer (or an error): the store may have created an
    // upload then, which nobody would ever complete or abort.
    if (response.attempts > 1) abort_stray_uploads();
    if (!response.ok()) client_.throw_failure(request, response);
    if (upload_id_.empty()) throw_io(request.label + ": the answer carries no UploadId");
  }

  Response abort_upload(const std::string& upload_id) const {
    Request request;
    request.method = "DELETE";
    request.key = key_;
    request.query = {{"uploadId", upload_id}};
    request.label = "AbortMultipartUpload " + client_.uri_of(key_);
    return client_.send(request);
  }

  // Aborts the uploads of this key that no writer of this process uses (ListMultipartUploads,
  // all pages). Best effort, like abort(): a store that does not answer keeps them.
  void abort_stray_uploads() const noexcept {
    try {
      std::vector<std::string> stray;
      Query markers;
      for (;;) {
        Request request;
        request.query = {{"uploads", ""}, {"prefix", key_}, {"encoding-type", "url"}};
        request.query.insert(markers.begin(), markers.end());
        request.label = "ListMultipartUploads " + client_.uri_of(key_);
        const Response response = client_.send(request);
        if (!response.ok()) return;
        pugi::xml_document document;
        if (!document.load_buffer(response.body.data(), response.body.size())) return;
        const auto result = document.child("ListMultipartUploadsResult");
        const bool encoded = std::string_view(result.child_value("EncodingType")) == "url";
        const std::string bucket_key = client_.location().bucket + "/" + key_;
        for (const auto upload : result.children("Upload")) {
          const std::string upload_id = upload.child_value("UploadId");
          if (listed_name(upload.child_value("Key"), encoded, request.label) == key_ &&
              uploads_in_use().may_abort(bucket_key, upload_id))
            stray.push_back(upload_id);
        }
        if (std::string_view(result.child_value("IsTruncated")) != "true") break;
        markers = {{"key-marker", listed_name(result.child_value("NextKeyMarker"), encoded, request.label)},
                   {"upload-id-marker", result.child_value("NextUploadIdMarker")}};
      }
      for (const std::string& upload_id : stray) abort_upload(upload_id);
    } catch (...) {
    }
  }

  PartBuffer acquire_buffer() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return failure_ || !free_buffers_.empty() || buffers_made_ < parts_in_flight_; });
    if (failure_) rethrow(failure_);
    if (!free_buffers_.empty()) {
      PartBuffer buffer = std::move(free_buffers_.back());
      free_buffers_.pop_back();
      return buffer;
    }
    ++buffers_made_;
    lock.unlock();
    return std::make_unique_for_overwrite<std::uint8_t[]>(part_bytes_);
  }

  void release_buffer(PartBuffer buffer) {
    std::lock_guard lock(mutex_);
    free_buffers_.push_back(std::move(buffer));
    changed_.notify_all();
  }

  void submit_part() {
    const std::uint64_t part = next_part_++;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return failure_ || parts_running_ < parts_in_flight_; });
      if (failure_) {
        free_buffers_.push_back(std::move(filling_));
        rethrow(failure_);
      }
      ++parts_running_;
    }
    filled_ = 0;
    // std::function needs a copyable task: the buffer travels as a raw pointer, owned again at once.
    threads_.run([this, part, buffer = filling_.release()] { upload_part(part, PartBuffer(buffer)); });
  }

  // On a transfer thread.
  void upload_part(std::uint64_t part, PartBuffer buffer) {
    const std::uint64_t offset = offset_of(part), length = length_of(part);
    // From the first attempt's bytes: a resend of regenerated bytes must match it, or S3 refuses it.
    const std::string checksum = crc32c_base64(crc32c({buffer.get(), length}));
    Request request;
    request.method = "PUT";
    request.key = key_;
    request.query = {{"partNumber", std::to_string(part)}, {"uploadId", upload_id_}};
    request.label = "PUT " + client_.uri_of(key_) + " part " + std::to_string(part) + "/" + std::to_string(part_count_);
    request.body_bytes = length;
    request.content_type = "application/octet-stream";
    request.payload_sha256 = kUnsignedPayload;
    request.headers = {"x-amz-checksum-crc32c: " + checksum};
    request.cancel = &cancel_;
    const BodyFactory bodies = [&](unsigned attempt) -> std::unique_ptr<Body> {
      if (attempt == 1 && buffer) return std::make_unique<FilledPart>(*this, std::move(buffer), length);
      return std::make_unique<RegeneratedBody>(source_, offset, length);
    };
    std::exception_ptr error;
    std::string etag;
    try {
      const Response response = client_.send(request, bodies);
      if (!response.ok()) client_.throw_failure(request, response);
      if (response.etag.empty()) throw_io(request.label + ": the answer carries no ETag");
      etag = response.etag;
    } catch (...) {
      error = std::current_exception();
    }
    if (buffer) release_buffer(std::move(buffer));  // cancelled before its first attempt
    std::lock_guard lock(mutex_);
    if (error && !failure_) {
      failure_ = error;
      cancel_ = true;  // the upload is lost: stop the other parts now
    }
    etags_[part - 1] = std::move(etag);
    checksums_[part - 1] = checksum;
    --parts_running_;
    changed_.notify_all();
  }

  void complete_upload() {
    pugi::xml_document document;
    auto root = document.append_child("CompleteMultipartUpload");
    root.append_attribute("xmlns") = "http://s3.amazonaws.com/doc/2006-03-01/";
    for (std::uint64_t part = 1; part <= part_count_; ++part) {
      auto node = root.append_child("Part");
      node.append_child("PartNumber").text() = static_cast<unsigned long long>(part);
      node.append_child("ETag").text() = etags_[part - 1].c_str();
      node.append_child("ChecksumCRC32C").text() = checksums_[part - 1].c_str();
    }
    std::ostringstream text;
    document.save(text, "", pugi::format_raw | pugi::format_no_declaration);
    const std::string xml = text.str();

    Request request;
    request.method = "POST";
    request.key = key_;
    request.query = {{"uploadId", upload_id_}};
    request.label = "CompleteMultipartUpload " + client_.uri_of(key_);
    request.body_bytes = xml.size();
    request.content_type = "application/xml";
    request.payload_sha256 = sha256_hex(xml);
    request.error_in_ok_body = true;
    // S3 may take minutes to assemble a large object (sending spaces meanwhile); a server that
    // sends nothing must not be cut off and asked again while it is still at work.
    request.min_stall_seconds = kCompleteStallSeconds;
    request.fresh_connection = true;  // a resend is told apart from an upload that was never there
    request.body_sent = &complete_sent_;
    const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(xml.data()), xml.size());
    const Response response = client_.send(request, [&](unsigned) { return std::make_unique<SpanBody>(bytes); });
    if (response.ok()) return;
    // A resend after a lost answer finds the upload already completed: accept it when the
    // object is there with our size and a multipart ETag of our part count.
    if (response.attempts > 1 && response.error_code == "NoSuchUpload" && completed_elsewhere()) return;
    client_.throw_failure(request, response);
  }

  bool completed_elsewhere() const {
    Request request;
    request.method = "HEAD";
    request.key = key_;
    const Response response = client_.send(request);
    std::string suffix = "-";  // the form of a multipart ETag: "md5-N"
    suffix += std::to_string(part_count_);
    suffix += '"';
    return response.ok() && response.content_length == size_ && response.etag.ends_with(suffix);
  }

  const Client& client_;
  TransferThreads& threads_;
  const std::string key_;
  const std::uint64_t size_, part_bytes_, part_count_;
  const unsigned parts_in_flight_;
  ByteSource& source_;
  std::string upload_id_;
  std::atomic<bool> cancel_{false};
  std::atomic<bool> create_sent_{false};    // CreateMultipartUpload went out at least once
  std::atomic<bool> complete_sent_{false};  // CompleteMultipartUpload reached curl whole at least once

  // The writer's thread only.
  State state_ = State::open;
  PartBuffer filling_;
  std::uint64_t filled_ = 0, written_ = 0, next_part_ = 1;

  std::mutex mutex_;  // guards what follows, shared with the part uploads
  std::condition_variable changed_;
  std::vector<PartBuffer> free_buffers_;
  unsigned buffers_made_ = 0;
  unsigned parts_running_ = 0;
  std::vector<std::string> etags_;
  std::vector<std::string> checksums_;  // base64 CRC32C of each part
  std::exception_ptr failure_;          // the first part that failed for good
};

}  // namespace

TransferThreads::~TransferThreads() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_.notify_all();
  for (auto& thread : threads_) thread.join();
}

void TransferThreads::run(std::function<void()> task) {
  std::lock_guard lock(mutex_);
  tasks_.push_back(std::move(task));
  if (tasks_.size() > idle_) {
    threads_.emplace_back([this] { serve(); });
  } else {
    work_.notify_one();
  }
}

void TransferThreads::serve() {
  std::unique_lock lock(mutex_);
  for (;;) {
    ++idle_;
    work_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
    --idle_;
    if (tasks_.empty()) return;
    auto task = std::move(tasks_.front());
    tasks_.pop_front();
    lock.unlock();
    task();
    lock.lock();
  }
}

std::unique_ptr<ObjectWriter> make_writer(const Client& client, TransferThreads& threads, const StorageOptions& options,
                                          std::string key, std::uint64_t size, ByteSource& source) {
  if (size <= options.multipart_threshold)
    return std::make_unique<SinglePutWriter>(client, threads, std::move(key), size, source);
  return std::make_unique<MultipartWriter>(client, threads, options, std::move(key), size, source);
}

}  // namespace sdgen::s3
