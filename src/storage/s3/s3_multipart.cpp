// Multipart upload: each part its own streaming PUT of the chunks that fall in it (s3_writer.hpp).
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <pugixml.hpp>
#include <set>
#include <sstream>
#include <vector>

#include "sdgen/error.hpp"
#include "storage/http/hand_off.hpp"
#include "storage/s3/s3_checksum.hpp"
#include "storage/s3/s3_writer.hpp"

namespace sdgen::s3 {

namespace {

constexpr std::uint64_t kMaxParts = 10000;  // S3's limit per multipart upload
constexpr long kCompleteStallSeconds = 300;

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

class MultipartWriter final : public ObjectWriter {
 public:
  MultipartWriter(const Client& client, http::TransferThreads& threads, const S3Options& options, std::string key,
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
    // Sizes, order and complete-once are Storage::create's checker's (storage.cpp): a chunk here
    // always fits, and nothing comes after complete() or abort().
    while (!chunk.empty()) {
      // The part that written_ falls in is launched here if the look-ahead did not already.
      const std::uint64_t part = written_ / part_bytes_ + 1;
      if (launched_.empty() || launched_parts_ < part) launch_part(/*wait_for_slot=*/true);
      launch_next_part_if_free();
      const std::uint64_t part_end = offset_of(part) + length_of(part);
      const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), part_end - written_));
      launched_.front()->give(chunk.first(take));
      written_ += take;
      chunk = chunk.subspan(take);
      if (written_ == part_end) {
        launched_.front()->close();
        launched_.pop_front();
      }
      std::lock_guard lock(mutex_);
      if (failure_) std::rethrow_exception(failure_);
    }
  }

  void complete() override {
    std::exception_ptr failure;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return parts_running_ == 0; });
      failure = failure_;
    }
    try {
      if (failure) std::rethrow_exception(failure);
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
    for (const auto& feed : launched_) feed->close();  // parts waiting for bytes stop ("cancelled")
    launched_.clear();
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
  using Feed = std::shared_ptr<http::ChunkHandOff>;  // shared by the writer and the part's task

  std::uint64_t offset_of(std::uint64_t part) const { return (part - 1) * part_bytes_; }
  std::uint64_t length_of(std::uint64_t part) const { return std::min(part_bytes_, size_ - offset_of(part)); }

  // Starts the request of the next part on a transfer thread: it computes the part's checksum
  // from the source, then streams what write() gives its feed. With wait_for_slot, waits while
  // parts_in_flight part requests are open; else launches only if one is free. Returns whether it did.
  bool launch_part(bool wait_for_slot) {
    if (launched_parts_ == part_count_) return false;
    {
      std::unique_lock lock(mutex_);
      if (wait_for_slot) changed_.wait(lock, [&] { return failure_ || parts_running_ < parts_in_flight_; });
      if (failure_) std::rethrow_exception(failure_);
      if (parts_running_ >= parts_in_flight_) return false;
      ++parts_running_;
    }
    const std::uint64_t part = ++launched_parts_;
    Feed feed = std::make_shared<http::ChunkHandOff>();
    launched_.push_back(feed);
    threads_.run([this, part, feed] { upload_part(part, *feed); });
    return true;
  }

  // So that the next part's checksum and request are ready when its first byte comes.
  void launch_next_part_if_free() {
    if (launched_.size() < 2) launch_part(/*wait_for_slot=*/false);
  }

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

  // On a transfer thread.
  void upload_part(std::uint64_t part, http::ChunkHandOff& feed) {
    const std::uint64_t offset = offset_of(part), length = length_of(part);
    Request request;
    request.method = "PUT";
    request.key = key_;
    request.query = {{"partNumber", std::to_string(part)}, {"uploadId", upload_id_}};
    request.label = "PUT " + client_.uri_of(key_) + " part " + std::to_string(part) + "/" + std::to_string(part_count_);
    request.body_bytes = length;
    request.content_type = "application/octet-stream";
    request.cancel = &cancel_;
    const BodyFactory bodies = [&](unsigned attempt) -> std::unique_ptr<Body> {
      if (attempt == 1) return std::make_unique<http::HandOffBody>(feed, cancel_, request.label);
      feed.detach();  // the writer's bytes for this part go nowhere now: the resend regenerates
      return std::make_unique<RegeneratedBody>(source_, offset, length);
    };
    std::exception_ptr error;
    std::string etag, checksum;
    try {
      // From the source, as the first attempt's bytes must be: a stream or a resend that differs
      // from it is refused (400 BadDigest) instead of completing into a wrong object.
      checksum = crc32c_base64_of(source_, offset, length);
      request.headers = {"x-amz-checksum-crc32c: " + checksum};
      const Response response = client_.send(request, bodies);
      if (!response.ok()) client_.throw_failure(request, response);
      if (response.etag.empty()) throw_io(request.label + ": the answer carries no ETag");
      etag = response.etag;
    } catch (...) {
      error = std::current_exception();
    }
    feed.detach();  // a writer still giving this part's bytes (the request failed early) goes on
    std::lock_guard lock(mutex_);
    if (error && !failure_) {
      failure_ = error;
      cancel_ = true;  // the upload is lost: stop the other parts now
    }
    etags_[part - 1] = std::move(etag);
    checksums_[part - 1] = std::move(checksum);
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
    request.error_in_ok_body = true;
    // S3 may take minutes to assemble a large object (sending spaces meanwhile); a server that
    // sends nothing must not be cut off and asked again while it is still at work.
    request.min_stall_seconds = kCompleteStallSeconds;
    request.fresh_connection = true;  // a resend is told apart from an upload that was never there
    request.body_sent = &complete_sent_;
    request.body_in_memory = {reinterpret_cast<const std::uint8_t*>(xml.data()), xml.size()};
    const Response response = client_.send(request);
    if (response.ok()) return confirm_stored(request.label);
    // A resend after a lost answer finds the upload already completed: accept it when the
    // object is there with our size and a multipart ETag of our part count.
    if (response.attempts > 1 && response.error_code == "NoSuchUpload" && completed_elsewhere()) return;
    client_.throw_failure(request, response);
  }

  // Written means kept: a 200 to CompleteMultipartUpload is believed only when the store then
  // holds the object with its size and a multipart ETag of its part count (a store that dropped
  // the parts, or a proxy that answered for it, has not).
  void confirm_stored(const std::string& label) const {
    if (completed_elsewhere()) return;
    throw_io(label + ": " + client_.config().endpoint + " answered 200, but the store does not hold the object with " +
             std::to_string(size_) + " bytes in " + std::to_string(part_count_) +
             " parts: the object is not counted written");
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
  http::TransferThreads& threads_;
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
  std::uint64_t written_ = 0;
  std::uint64_t launched_parts_ = 0;  // parts 1 .. launched_parts_ have a request
  std::deque<Feed> launched_;         // the feeds of launched parts not yet fully given, in order

  std::mutex mutex_;  // guards what follows, shared with the part uploads
  std::condition_variable changed_;
  unsigned parts_running_ = 0;
  std::vector<std::string> etags_;
  std::vector<std::string> checksums_;  // base64 CRC32C of each part
  std::exception_ptr failure_;          // the first part that failed for good
};

}  // namespace

std::unique_ptr<ObjectWriter> make_multipart_writer(const Client& client, http::TransferThreads& threads,
                                                    const S3Options& options, std::string key, std::uint64_t size,
                                                    ByteSource& source) {
  return std::make_unique<MultipartWriter>(client, threads, options, std::move(key), size, source);
}

}  // namespace sdgen::s3
