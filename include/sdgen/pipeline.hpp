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
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "sdgen/latency.hpp"
#include "sdgen/source.hpp"
#include "sdgen/storage.hpp"
#include "sdgen/verify.hpp"

#pragma GCC visibility push(default)
namespace sdgen {

// One object of a source as a writer's ByteSource: any range produced again on demand (an S3
// part retried after a 503) instead of kept in memory.
class ObjectBytes final : public ByteSource {
 public:
  ObjectBytes(const ObjectSource& source, std::uint64_t object) : source_(source), object_(object) {}
  void read_at(std::uint64_t offset, std::span<std::uint8_t> out) override { source_.fill(object_, offset, out); }

 private:
  const ObjectSource& source_;
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

// Writes the selected objects of `source` (all by default) under their names. Never throws for a
// failed object (see PutResult::failures); throws Error only for bad options or selections, or
// memory exhaustion.
PutResult put_objects(Storage& storage, const ObjectSource& source, const PipelineOptions& options,
                      const ObjectSelection& objects = {}, TransferProgress* progress = nullptr,
                      std::stop_token stop = {});

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

// Reads the selected objects of `source` back (by name; each should have the source's size) and,
// with `verify`, compares every byte with what the source produces for it. Never throws for a bad
// object (see GetResult::problems); throws Error for bad options or selections, verification
// against a source without content, or storage that cannot be read at all.
GetResult get_objects(Storage& storage, const ObjectSource& source, bool verify, const PipelineOptions& options,
                      const ObjectSelection& objects = {}, TransferProgress* progress = nullptr,
                      std::stop_token stop = {});

}  // namespace sdgen
#pragma GCC visibility pop
