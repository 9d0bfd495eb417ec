// skeleton:// — a commented template for a new backend: copy this file, rename it, replace every
// part marked STORE with calls to your store. (fio's engines/skeleton_external.c is the model.)
//
// It is not registered, so no URI reaches it; tests/storage builds it and runs the backend
// conformance suite on it (tests/storage/conformance_test.cpp), so the template cannot rot: when
// the Storage interface changes, this file stops compiling or stops passing, and gets fixed with
// the change. Where it needs a store, a std::map in the Storage stands in for one.
//
// ---- What a backend is ----------------------------------------------------------------------
// One class derived from sdgen::Storage (include/sdgen/storage.hpp), one ObjectWriter class, and
// one factory function `open_NAME_storage(uri, options)`; all in one file (or one folder under
// src/storage/ when it grows, as s3/). The pipeline, verify and the CLI only ever see Storage.
//
// ---- Registering a scheme --------------------------------------------------------------------
//   1. src/storage/registry.hpp: declare `std::unique_ptr<Storage> open_NAME_storage(const
//      std::string& uri, const StorageOptions& options);`
//   2. src/storage/registry.cpp: add `Scheme{"NAME", open_NAME_storage}` to kSchemes (and the
//      target to kKnownTargets, which users see when they mistype a scheme).
//   3. src/storage/CMakeLists.txt: add the file to sdgen_lib's sources.
//   4. tests/storage/conformance_test.cpp: add a BackendCase that opens it on something real
//      (a temporary directory, a local server the test script starts), and the views the suite
//      can use (stored, stream, leftovers) where you can offer them.
//   5. include/sdgen/storage.hpp: add the URI form to the list of targets at the top.
//
// ---- Options ---------------------------------------------------------------------------------
// The factory receives every option the user gave. Read only your own, document each one in this
// file's header (unit, default, valid range, what happens at the edges, as storage.hpp does), and
// check them all in the factory before any I/O, throwing invalid_argument that names the option
// ("skeleton part size 0: must be at least 1 byte"). Never print; never read the environment
// behind the caller's back without documenting it (credentials, endpoints).
//
// ---- The honesty rule ------------------------------------------------------------------------
// An object is written only when ObjectWriter::complete() has returned, and only if the store
// acknowledged it. Until then it must not be visible to read(), size_of() or list() (a file
// backend that writes in place is the exception the file system imposes: it removes the file on
// abort). A failed or aborted write leaves nothing behind, not even outside the listing (S3's
// multipart uploads are aborted; a temporary file is unlinked).
//
// ---- What you do not check -------------------------------------------------------------------
// Storage::create() wraps your writer (open_writer) and enforces sizes, call order, complete()
// once and abort() on every path that does not complete, with one message for every backend. So
// your writer never sees an empty chunk, a chunk that passes the size, complete() before all
// bytes, a call after complete() or abort(), or a destruction without one of them. Do not check
// those again; do check everything your store can get wrong.
//
// ---- Errors ----------------------------------------------------------------------------------
// Throw sdgen::Error: throw_invalid() for a request that cannot be satisfied (bad URI, bad
// option, a name the store cannot hold), throw_io() for the store refusing or failing. One line,
// starting with object_uri(name) or describe(), then what happened and the store's own reason.
#include <algorithm>
#include <map>
#include <mutex>

#include "sdgen/error.hpp"
#include "sdgen/storage.hpp"

namespace sdgen {
namespace {

using Bytes = std::vector<std::uint8_t>;

// STORE: a stand-in for the store; a real backend holds a client, a directory handle, a session.
struct SkeletonStore {
  std::mutex mutex;
  std::map<std::string, Bytes> objects;
};

// One object being written. Not shared between threads: the pipeline gives each writer one
// thread, so no locking is needed for the writer's own state.
class SkeletonWriter final : public ObjectWriter {
 public:
  SkeletonWriter(SkeletonStore& store, std::string key, std::uint64_t size, ByteSource& source)
      : store_(store), key_(std::move(key)), size_(size), source_(source) {}

  // The object's bytes in order, in chunks of any size (the base never passes an empty one).
  // Either send them on now (streaming) or stage them; do not keep more than a bounded amount:
  // objects may be far larger than memory. A store that needs to resend a range after an error
  // regenerates it with source_.read_at(offset, out) rather than keeping what was sent.
  void write(std::span<const std::uint8_t> chunk) override {
    // STORE: send the chunk. Here it is staged until complete().
    staged_.insert(staged_.end(), chunk.begin(), chunk.end());
  }

  // All size_ bytes have been written (the base checked). Make the object durable and visible,
  // and return only when the store has acknowledged it: after this returns, the object counts as
  // written. Throw if the store refuses; the base then calls abort().
  void complete() override {
    (void)size_;    // a real backend may need the size up front (a Content-Length) or to check
    (void)source_;  // what the store kept; this one does not
    // STORE: commit the object (close and rename a file, CompleteMultipartUpload, ...).
    std::lock_guard lock(store_.mutex);
    store_.objects.insert_or_assign(key_, std::move(staged_));
  }

  // Remove whatever this writer left: a partial file, an open upload. noexcept and best effort;
  // it is also called after this writer's own write() or complete() threw, whatever state that
  // left. Called at most once; the destructor follows.
  void abort() noexcept override {
    // STORE: remove the partial object. Here nothing was published: drop the staged bytes.
    Bytes().swap(staged_);
  }

 private:
  SkeletonStore& store_;
  const std::string key_;
  const std::uint64_t size_;
  ByteSource& source_;
  Bytes staged_;
};

class SkeletonStorage final : public Storage {
 public:
  SkeletonStorage(std::string uri, std::string prefix) : uri_(std::move(uri)), prefix_(std::move(prefix)) {}

  // What the pipeline adapts to; it never asks for the scheme. Say the truth:
  //   buffer_alignment / size_granularity: what write() chunks and read() buffers should be for
  //     the fast path (O_DIRECT: 4096); you must still accept any buffer, by copying.
  //   discards_data: nothing is kept (null://); readable: read() can return what was written.
  //   concurrent_objects: false when objects must be written one at a time, in order (stdout).
  StorageCapabilities capabilities() const override { return {}; }

  // The URI as messages show it, normalised (a directory ends in '/'). object_uri(name), which
  // messages use for objects, appends the name to it; override object_uri only when a name cannot
  // simply follow the URI.
  std::string describe() const override { return uri_; }

  // Up to out.size() bytes at `offset`: the count, short only at the end, 0 at or past it. A
  // missing object is an io Error naming it. May run on many threads at once, also while
  // writers of other objects run.
  std::uint64_t read(const std::string& name, std::uint64_t offset, std::span<std::uint8_t> out) override {
    // STORE: a ranged read (pread, GET with Range).
    std::lock_guard lock(store_.mutex);
    const auto found = store_.objects.find(key_of(name));
    if (found == store_.objects.end()) throw_io(object_uri(name) + ": no such object");
    const Bytes& bytes = found->second;
    if (offset >= bytes.size()) return 0;
    const std::size_t count = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), bytes.size() - offset));
    std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(offset), count, out.begin());
    return count;
  }

  // nullopt when the object does not exist (not an error); errors only when the store fails.
  std::optional<std::uint64_t> size_of(const std::string& name) override {
    // STORE: stat, HEAD.
    std::lock_guard lock(store_.mutex);
    const auto found = store_.objects.find(key_of(name));
    if (found == store_.objects.end()) return std::nullopt;
    return found->second.size();
  }

  // Every completed object whose name (relative to the URI's prefix) starts with `prefix`, in
  // any order, with its size. Follow the store's pagination to the end.
  std::vector<ObjectInfo> list(const std::string& prefix) override {
    // STORE: readdir walk, ListObjectsV2 pages.
    std::lock_guard lock(store_.mutex);
    std::vector<ObjectInfo> listed;
    for (const auto& [key, bytes] : store_.objects)
      if (key.starts_with(prefix_ + prefix)) listed.push_back({key.substr(prefix_.size()), bytes.size()});
    return listed;
  }

  // Removing an object that does not exist is not an error.
  void remove(const std::string& name) override {
    // STORE: unlink, DELETE.
    std::lock_guard lock(store_.mutex);
    store_.objects.erase(key_of(name));
  }

 protected:
  // Start object `name` of exactly `size` bytes. Fail here, before any byte is sent, for what
  // can be known now: a name the store cannot hold, a size over its limit, no permission. May
  // run on many threads at once (unless concurrent_objects is false). `source` yields the same
  // bytes write() will get and stays valid until the writer is done.
  std::unique_ptr<ObjectWriter> open_writer(const std::string& name, std::uint64_t size, ByteSource& source) override {
    // STORE: open the file, or nothing yet (a single PUT can wait for the first chunk).
    return std::make_unique<SkeletonWriter>(store_, key_of(name), size, source);
  }

 private:
  std::string key_of(const std::string& name) const {
    if (name.empty()) throw_invalid(uri_ + ": empty object name");  // the target is a directory
    return prefix_ + name;
  }

  const std::string uri_;
  const std::string prefix_;  // object names are appended to it as text (storage.hpp)
  SkeletonStore store_;       // STORE: the connection; shared by all threads, so thread-safe
};

}  // namespace

// The factory: parse everything after "skeleton://", check the options, connect, and fail here
// with one clear line for a bad URI, missing credentials or an unreachable store, so that a run
// fails before it starts rather than at its first object.
std::unique_ptr<Storage> open_skeleton_storage(const std::string& uri, const StorageOptions&) {
  constexpr std::string_view kScheme = "skeleton://";
  if (!uri.starts_with(kScheme)) throw_invalid("target '" + uri + "': not a skeleton:// URI");
  std::string prefix = uri.substr(kScheme.size());
  return std::make_unique<SkeletonStorage>(std::string(kScheme) + prefix, std::move(prefix));
}

}  // namespace sdgen
