// The bounded producer/consumer pipeline behind `put`, `get` and `verify`.
//
// put: `threads` generator threads fill chunks of `chunk_bytes` into a fixed pool of
// `queue_depth` buffers; `jobs` writer threads each stream one object at a time, taking that
// object's chunks in order and handing them to the Storage. A generator claims a buffer before it
// claims a chunk, so a full pool stops generation (backpressure) and the data memory is
// queue_depth x chunk_bytes whatever the object size or count. A writer fills its object's first
// chunk itself when a buffer is free, so objects of one chunk need no hand-off between threads,
// and it fills its object's next chunks itself whenever it would otherwise wait for them.
//
// get / verify: `jobs` reader threads read chunks into the same kind of pool; with verification,
// `threads` checker threads compare them with the generator, so reading and checking overlap.
//
// The pipeline talks only to the Storage interface and adapts to its capabilities: buffers aligned
// to buffer_alignment, chunks rounded up to size_granularity, one object at a time in index order
// when concurrent_objects is false (stdout).
//
// Honesty: an object counts as written only after its writer's complete() returned. A failed
// object's writer is aborted and the object is listed with the error; with keep_going false no
// new object starts after a failure (objects in flight still finish), and those never started
// are counted as skipped.
//
// Interruption: when `stop` is requested no new object starts, and objects in flight are
// aborted (listed as failed, "interrupted") at their next chunk, so an interrupted run leaves no
// partial object behind and no multipart upload open.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "sdgen/generator.hpp"
#include "sdgen/latency.hpp"
#include "sdgen/storage.hpp"
#include "sdgen/verify.hpp"

#pragma GCC visibility push(default)
namespace sdgen {

// Object `object` of a dataset as a writer's source: any range regenerated on demand (an S3 part
// retried after a 503) instead of kept in memory.
class GeneratedObject final : public ByteSource {
 public:
  GeneratedObject(const DataGenerator& generator, std::uint64_t object) : generator_(generator), object_(object) {}
  void read_at(std::uint64_t offset, std::span<std::uint8_t> out) override { generator_.fill(object_, offset, out); }

 private:
  const DataGenerator& generator_;
  std::uint64_t object_;
};

struct PipelineOptions {
  // Objects in flight: writer (put) or reader (get) threads. 1 to 4096. Capped at the object
  // count, and at 1 for storage that takes one object at a time.
  unsigned jobs = 4;
  // Generator (put) or checker (verify) threads; 0 = one per online CPU. At most 1024. Writers
  // to storage that discards data (null://) count against it: they generate while they wait.
  unsigned threads = 0;
  // Bytes per chunk: what one write()/read() call moves. 4 KiB to 1 GiB. Rounded up to the
  // storage's size granularity (and, for verification, to the dedup unit); buffers shrink to
  // the object size when objects are smaller. The defaults (1 MiB x 8) keep the data in flight
  // within the CPU caches: a chunk is written while still cached from its generation, which
  // measured fastest (docs/PERFORMANCE-STORAGE.md); pools far above the cache size were slower.
  std::uint64_t chunk_bytes = 1ull << 20;
  // Buffers in the pool, 1 to 65536: data memory is queue_depth x chunk_bytes.
  unsigned queue_depth = 8;
  // After a failed object, keep starting new ones (false: stop starting, finish those in flight).
  bool keep_going = false;
};

// Throws Error naming the first field out of range.
void validate(const PipelineOptions& options);

// Object names from a template: the first "{}" becomes the object index (0-based), a second
// "{}" the object count: "obj_{}_of_{}.dat" -> obj_0_of_10.dat ... obj_9_of_10.dat. With more
// than one object the template needs the index placeholder, or every name would be the same.
class NameTemplate {
 public:
  // Throws Error for an empty template, braces other than "{}", more than two placeholders, or a
  // missing index placeholder when object_count > 1.
  NameTemplate(std::string text, std::uint64_t object_count);

  std::string name(std::uint64_t index) const;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::uint64_t object_count_;
  std::vector<std::string> literals_;  // the text around the placeholders: placeholders + 1 pieces
};

inline constexpr const char* kDefaultNameTemplate = "obj_{}_of_{}.dat";

// Live counters for a progress display; the pipeline only adds to them (relaxed atomics).
struct TransferProgress {
  std::atomic<std::uint64_t> bytes{0};    // bytes handed to write() / returned by read()
  std::atomic<std::uint64_t> objects{0};  // objects completed (written or read and checked)
  std::atomic<std::uint64_t> failed{0};   // objects that failed
};

struct ObjectFailure {
  std::uint64_t index = 0;
  std::string name;
  std::string message;
};

struct PutResult {
  std::uint64_t objects_requested = 0;
  std::uint64_t objects_written = 0;  // complete() returned
  std::uint64_t objects_failed = 0;
  std::uint64_t objects_skipped = 0;    // never started: an earlier object failed, or the run was stopped
  std::uint64_t bytes_written = 0;      // the sizes of the written objects
  std::uint64_t bytes_transferred = 0;  // everything write() accepted, failed objects included
  double seconds = 0;
  LatencyHistogram object_latency;      // create() to complete() returned, per written object
  LatencyHistogram chunk_latency;       // each write() call
  LatencyHistogram complete_latency;    // each complete() call (fsync, multipart completion)
  std::vector<ObjectFailure> failures;  // in object order
  PipelineOptions effective;            // the options as applied (jobs capped, chunk rounded)
  bool interrupted = false;             // `stop` was requested before the end
};

// Writes every object of the generator's layout, named by `names`. Never throws for a failed
// object (see PutResult::failures); throws Error only for bad options or memory exhaustion.
PutResult put_objects(Storage& storage, const DataGenerator& generator, const NameTemplate& names,
                      const PipelineOptions& options, TransferProgress* progress = nullptr, std::stop_token stop = {});

// One object to read: its name, its index in the generator's dataset (for verification) and,
// when known, the size it should have.
struct ObjectToRead {
  std::uint64_t index = 0;
  std::string name;
  std::optional<std::uint64_t> expected_bytes;
};

enum class ObjectStatus {
  ok,
  missing,     // the storage has no such object
  wrong_size,  // exists with another size; the common prefix is still checked
  mismatch,    // the bytes differ from the generator's (see verify)
  read_error,  // the storage failed to read it
};
std::string to_string(ObjectStatus status);

struct ObjectCheck {
  std::uint64_t index = 0;
  std::string name;
  ObjectStatus status = ObjectStatus::ok;
  std::optional<std::uint64_t> expected_bytes;
  std::uint64_t actual_bytes = 0;
  VerifyResult verify;  // over the bytes that were checked
  std::string message;  // the storage's error for read_error
};

struct GetResult {
  bool verified = false;  // content compared with the generator
  std::uint64_t objects_requested = 0;
  std::uint64_t objects_ok = 0;
  std::uint64_t objects_missing = 0;
  std::uint64_t objects_wrong_size = 0;
  std::uint64_t objects_mismatched = 0;
  std::uint64_t objects_read_errors = 0;  // including objects cut short by a stop request
  std::uint64_t objects_skipped = 0;      // never started because the run was stopped
  std::uint64_t bytes_read = 0;
  double seconds = 0;
  LatencyHistogram object_latency;    // size query plus every read of one object
  LatencyHistogram chunk_latency;     // each read() call
  std::vector<ObjectCheck> problems;  // every object that is not ok, in object order
  PipelineOptions effective;
  bool interrupted = false;

  bool all_ok() const { return problems.empty(); }
};

// Reads objects object_at(0) ... object_at(count - 1) (called from reader threads, concurrently).
// With `verify_against`, compares each byte with what that generator produces for the object's
// index. Never throws for a bad object (see GetResult::problems); throws Error for bad options or
// storage that cannot be read at all.
GetResult get_objects(Storage& storage, std::uint64_t count,
                      const std::function<ObjectToRead(std::uint64_t)>& object_at, const DataGenerator* verify_against,
                      const PipelineOptions& options, TransferProgress* progress = nullptr, std::stop_token stop = {});

}  // namespace sdgen
#pragma GCC visibility pop
