// put: generator threads fill pool buffers with the chunks of the objects in flight; one writer
// thread per object in flight hands them to the storage in order.
//
// Why it cannot deadlock: a thread takes a free buffer first and only then claims the next
// unclaimed chunk of some object, and each object's chunks are claimed in order. So every
// buffer that is out belongs to a claimed chunk, and the lowest claimed chunk of each object is
// either being filled (and will be) or is ready for its writer (who is waiting for exactly it).
// A writer that fills chunks of its own object (its first, or any while it would otherwise wait)
// follows the same rule: buffer first, then the object's next unclaimed chunk.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "pipeline/buffer_pool.hpp"
#include "pipeline/pipeline_internal.hpp"
#include "sdgen/error.hpp"
#include "sdgen/pipeline.hpp"

namespace sdgen {
namespace {

using Clock = std::chrono::steady_clock;

struct FilledChunk {
  detail::BufferLease buffer;
  std::size_t bytes = 0;
  std::string error;  // the generator's, if filling failed
  bool ready = false;
};

// One object being written. Guarded by PutRun::mutex_.
struct ObjectInFlight {
  ObjectInFlight(std::uint64_t index, std::uint64_t size, std::uint64_t chunk_bytes, std::size_t max_outstanding)
      : index(index),
        size(size),
        chunk_count((size + chunk_bytes - 1) / chunk_bytes),
        // At most one chunk per pool buffer exists at a time, so chunk % slots never collides.
        slots(static_cast<std::size_t>(std::min<std::uint64_t>(max_outstanding, chunk_count))) {}

  std::uint64_t outstanding() const { return next_claim - next_write; }

  const std::uint64_t index;
  const std::uint64_t size;
  const std::uint64_t chunk_count;
  std::uint64_t next_claim = 0;  // the next chunk a generator will fill
  std::uint64_t next_write = 0;  // the next chunk the writer takes
  std::vector<FilledChunk> slots;
  bool cancelled = false;  // the writer gave up: generators drop its chunks
  std::condition_variable chunk_ready;
};

// What one writer thread saw; merged after the run, so the hot path takes no shared lock for it.
struct WriterTally {
  std::uint64_t written = 0;
  std::uint64_t bytes_written = 0;
  std::uint64_t bytes_transferred = 0;
  LatencyHistogram object_latency;
  LatencyHistogram chunk_latency;
  LatencyHistogram complete_latency;
  std::vector<ObjectFailure> failures;
};

class PutRun {
 public:
  PutRun(Storage& storage, const ObjectSource& source, const ObjectSelection& selection, const PipelineOptions& options,
         TransferProgress* progress, std::stop_token stop)
      : storage_(storage),
        source_(source),
        selection_(selection),
        progress_(progress),
        stop_(std::move(stop)),
        capabilities_(storage.capabilities()),
        object_count_(selection.count(source.object_count())),
        largest_object_bytes_(source.largest_object_bytes()),
        options_(detail::effective_options(options, capabilities_, object_count_, largest_object_bytes_, 0)),
        pool_(options_.queue_depth, options_.chunk_bytes, detail::pool_alignment(capabilities_)) {}

  PutResult run() {
    // No more generators than chunks (bounded by the largest object's: a bound is all it takes).
    const std::uint64_t chunks_per_object = (largest_object_bytes_ + options_.chunk_bytes - 1) / options_.chunk_bytes;
    const std::uint64_t most_chunks = chunks_per_object > UINT64_MAX / std::max<std::uint64_t>(1, object_count_)
                                          ? UINT64_MAX
                                          : chunks_per_object * object_count_;
    unsigned generators = static_cast<unsigned>(std::clamp<std::uint64_t>(most_chunks, 1, options_.threads));
    // Writers to storage that discards data have no I/O to overlap: they generate whenever they
    // would wait, so each counts as one of the `threads` (more generating threads than that only
    // crowd the CPUs). One dedicated generator stays, so writers never wait on each other.
    if (capabilities_.discards_data)
      generators = std::max(1u, generators > options_.jobs ? generators - options_.jobs : 1u);
    std::vector<WriterTally> tallies(options_.jobs);
    const auto start = Clock::now();
    {
      std::vector<std::jthread> generator_threads;
      // Runs before the generators are joined, also when starting a thread throws.
      const StopGeneratorsAtExit stop_generators{*this};
      for (unsigned g = 0; g < generators; ++g) generator_threads.emplace_back([this] { generate(); });
      std::vector<std::jthread> writer_threads;
      for (unsigned w = 0; w < options_.jobs; ++w)
        writer_threads.emplace_back([this, &tallies, w] { write(tallies[w]); });
    }
    PutResult result;
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    result.objects_requested = object_count_;
    result.effective = options_;
    for (WriterTally& tally : tallies) {
      result.objects_written += tally.written;
      result.bytes_written += tally.bytes_written;
      result.bytes_transferred += tally.bytes_transferred;
      result.object_latency.merge(tally.object_latency);
      result.chunk_latency.merge(tally.chunk_latency);
      result.complete_latency.merge(tally.complete_latency);
      for (ObjectFailure& failure : tally.failures) result.failures.push_back(std::move(failure));
    }
    std::sort(result.failures.begin(), result.failures.end(),
              [](const ObjectFailure& a, const ObjectFailure& b) { return a.index < b.index; });
    result.objects_failed = result.failures.size();
    result.objects_skipped = object_count_ - result.objects_written - result.objects_failed;
    result.interrupted = stop_.stop_requested();
    return result;
  }

 private:
  // Declared after the generator threads and destroyed before them: ends their waits for good
  // once the writers (destroyed, so joined, first) are done.
  struct StopGeneratorsAtExit {
    PutRun& run;
    ~StopGeneratorsAtExit() {
      {
        std::lock_guard lock(run.mutex_);
        run.writers_done_ = true;
      }
      run.work_available_.notify_all();
      run.pool_.close();
    }
  };

  void generate() {
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        work_available_.wait(lock, [&] { return !claimable_.empty() || writers_done_; });
        if (claimable_.empty()) return;
      }
      // Idle generators hold no buffer, so a writer can always try to fill its own first chunk.
      detail::BufferLease buffer = pool_.acquire();
      if (!buffer) return;
      std::shared_ptr<ObjectInFlight> object;
      std::uint64_t chunk = 0;
      {
        std::lock_guard lock(mutex_);
        if (claimable_.empty()) continue;  // claimed while this thread waited for the buffer
        // The object with the fewest chunks ready or in the making: keeps every writer fed.
        const auto next = std::min_element(claimable_.begin(), claimable_.end(), [](const auto& a, const auto& b) {
          return a->outstanding() < b->outstanding();
        });
        object = *next;
        chunk = object->next_claim++;
        if (object->next_claim == object->chunk_count) claimable_.erase(next);
      }
      FilledChunk filled = fill(*object, chunk, std::move(buffer));
      {
        std::lock_guard lock(mutex_);
        if (object->cancelled) continue;  // the lease goes back to the pool
        object->slots[chunk % object->slots.size()] = std::move(filled);
      }
      object->chunk_ready.notify_one();
    }
  }

  FilledChunk fill(const ObjectInFlight& object, std::uint64_t chunk, detail::BufferLease buffer) {
    const std::uint64_t offset = chunk * options_.chunk_bytes;
    const std::size_t bytes = static_cast<std::size_t>(std::min(options_.chunk_bytes, object.size - offset));
    std::string error;
    try {
      source_.fill(object.index, offset, {buffer.data(), bytes});
    } catch (const std::exception& e) {
      error = e.what();
    }
    return {std::move(buffer), bytes, std::move(error), true};
  }

  void write(WriterTally& tally) {
    for (;;) {
      if (stop_starting_.load(std::memory_order_relaxed) || stop_.stop_requested()) return;
      const std::uint64_t position = next_object_.fetch_add(1, std::memory_order_relaxed);
      if (position >= object_count_) return;
      write_object(selection_.object(position), tally);
    }
  }

  void write_object(std::uint64_t index, WriterTally& tally) {
    const std::string name = source_.object_name(index);
    const std::uint64_t object_bytes = source_.object_bytes(index);
    ObjectBytes bytes(source_, index);
    const auto start = Clock::now();
    std::unique_ptr<ObjectWriter> writer;
    try {
      writer = storage_.create(name, object_bytes, bytes);
      if (object_bytes > 0) write_chunks(index, name, object_bytes, *writer, tally);
      if (stop_.stop_requested()) throw_io("interrupted before completion");
      const auto complete_start = Clock::now();
      writer->complete();
      tally.complete_latency.record(Clock::now() - complete_start);
    } catch (const std::exception& e) {
      if (writer) writer->abort();
      tally.failures.push_back({index, name, e.what()});
      if (progress_) progress_->failed.fetch_add(1, std::memory_order_relaxed);
      if (!options_.keep_going) stop_starting_.store(true, std::memory_order_relaxed);
      return;
    }
    tally.object_latency.record(Clock::now() - start);
    ++tally.written;
    tally.bytes_written += object_bytes;
    if (progress_) progress_->objects.fetch_add(1, std::memory_order_relaxed);
  }

  void write_chunks(std::uint64_t index, const std::string& name, std::uint64_t object_bytes, ObjectWriter& writer,
                    WriterTally& tally) {
    auto object = std::make_shared<ObjectInFlight>(index, object_bytes, options_.chunk_bytes, options_.queue_depth);
    // The writer fills its object's first chunk itself when a buffer is free: an object of one
    // chunk then needs no hand-off between threads at all (millions of small objects), and a
    // large one starts writing while the generators fill what follows.
    FilledChunk first;
    if (detail::BufferLease buffer = pool_.try_acquire()) {
      object->next_claim = 1;
      first = fill(*object, 0, std::move(buffer));
    }
    // Only this thread knows the object so far: next_claim may be read without the lock here.
    const std::uint64_t unclaimed = object->chunk_count - object->next_claim;
    if (unclaimed > 0) {
      {
        std::lock_guard lock(mutex_);
        claimable_.push_back(object);
      }
      if (unclaimed == 1)
        work_available_.notify_one();
      else
        work_available_.notify_all();
    }
    try {
      for (std::uint64_t chunk = 0; chunk < object->chunk_count; ++chunk) {
        FilledChunk filled = chunk == 0 && first.ready ? std::move(first) : take_chunk(*object, chunk);
        if (!filled.error.empty()) throw Error(ErrorKind::io, "generating " + name + ": " + filled.error);
        if (stop_.stop_requested())
          throw_io("interrupted after " + std::to_string(chunk * options_.chunk_bytes) + " bytes");
        const auto write_start = Clock::now();
        writer.write({filled.buffer.data(), filled.bytes});
        tally.chunk_latency.record(Clock::now() - write_start);
        tally.bytes_transferred += filled.bytes;
        if (progress_) progress_->bytes.fetch_add(filled.bytes, std::memory_order_relaxed);
      }
    } catch (...) {
      cancel(*object);
      throw;
    }
  }

  // Waits for chunk `chunk` of the writer's own object. Rather than sleep, the writer fills the
  // object's next unclaimed chunk itself while a buffer is free: when the storage is faster than
  // the generators (null://), that saves a hand-off and a wake-up per chunk.
  FilledChunk take_chunk(ObjectInFlight& object, std::uint64_t chunk) {
    std::unique_lock lock(mutex_);
    FilledChunk& slot = object.slots[chunk % object.slots.size()];
    while (!slot.ready) {
      detail::BufferLease buffer;
      if (object.next_claim < object.chunk_count) buffer = pool_.try_acquire();
      if (!buffer) {
        object.chunk_ready.wait(lock);
        continue;
      }
      const std::uint64_t claimed = object.next_claim++;
      if (object.next_claim == object.chunk_count)
        std::erase_if(claimable_, [&](const auto& candidate) { return candidate.get() == &object; });
      lock.unlock();
      FilledChunk filled = fill(object, claimed, std::move(buffer));
      lock.lock();
      object.slots[claimed % object.slots.size()] = std::move(filled);  // only this writer cancels the object
    }
    FilledChunk taken = std::move(slot);
    slot = {};
    object.next_write = chunk + 1;
    return taken;
  }

  // Stops generation for an object whose write failed and returns its ready chunks to the pool.
  void cancel(ObjectInFlight& object) {
    std::vector<FilledChunk> dropped;
    std::lock_guard lock(mutex_);
    object.cancelled = true;
    std::erase_if(claimable_, [&](const auto& candidate) { return candidate.get() == &object; });
    for (FilledChunk& slot : object.slots)
      if (slot.ready) dropped.push_back(std::move(slot));
  }

  Storage& storage_;
  const ObjectSource& source_;
  const ObjectSelection selection_;
  TransferProgress* progress_;
  const std::stop_token stop_;
  const StorageCapabilities capabilities_;
  const std::uint64_t object_count_;  // selected
  const std::uint64_t largest_object_bytes_;
  const PipelineOptions options_;
  detail::BufferPool pool_;

  std::atomic<std::uint64_t> next_object_{0};
  std::atomic<bool> stop_starting_{false};

  std::mutex mutex_;
  std::condition_variable work_available_;
  std::vector<std::shared_ptr<ObjectInFlight>> claimable_;  // objects with chunks nobody claimed yet
  bool writers_done_ = false;
};

}  // namespace

PutResult put_objects(Storage& storage, const ObjectSource& source, const PipelineOptions& options,
                      const ObjectSelection& objects, TransferProgress* progress, std::stop_token stop) {
  validate(options);
  validate(objects, source.object_count());
  return PutRun(storage, source, objects, options, progress, std::move(stop)).run();
}

}  // namespace sdgen
