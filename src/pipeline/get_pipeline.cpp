// get / verify: reader threads (one per object in flight) read chunks into pool buffers; with
// verification, checker threads compare them with the generator while the readers read on.
#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "pipeline/bounded_queue.hpp"
#include "pipeline/buffer_pool.hpp"
#include "pipeline/pipeline_internal.hpp"
#include "sdgen/error.hpp"
#include "sdgen/pipeline.hpp"

namespace sdgen {
namespace {

using Clock = std::chrono::steady_clock;

// One object being read; its reader and the checkers of its chunks share it.
struct ObjectBeingRead {
  ObjectCheck check;
  std::mutex mutex;                  // guards the fields below and check.verify
  std::uint64_t pending_checks = 0;  // chunks handed to checkers and not yet checked
  bool reading_done = false;
};

struct CheckTask {
  std::shared_ptr<ObjectBeingRead> object;
  std::uint64_t offset = 0;
  detail::BufferLease buffer;
  std::size_t bytes = 0;
};

struct ReaderTally {
  std::uint64_t bytes_read = 0;
  LatencyHistogram object_latency;
  LatencyHistogram chunk_latency;
};

class GetRun {
 public:
  GetRun(Storage& storage, const ObjectSource& source, bool verify, const ObjectSelection& selection,
         const PipelineOptions& options, TransferProgress* progress, std::stop_token stop)
      : storage_(storage),
        source_(source),
        verify_(verify),
        selection_(selection),
        progress_(progress),
        stop_(std::move(stop)),
        capabilities_(storage.capabilities()),
        object_count_(selection.count(source.object_count())),
        unit_bytes_(verify ? source.check_unit_bytes() : 0),
        options_(detail::effective_options(options, capabilities_, object_count_, source.largest_object_bytes(),
                                           unit_bytes_)),
        pool_(options_.queue_depth, options_.chunk_bytes, detail::pool_alignment(capabilities_)),
        checks_(options_.queue_depth) {}

  GetResult run() {
    std::vector<ReaderTally> tallies(options_.jobs);
    const unsigned checkers = verify_ ? options_.threads : 0;
    const auto start = Clock::now();
    {
      std::vector<std::jthread> checker_threads;
      // Closes the queue after the readers are joined (and before the checkers are), also when
      // starting a thread throws: the checkers drain what is left and end.
      struct CloseAtExit {
        detail::BoundedQueue<CheckTask>& queue;
        ~CloseAtExit() { queue.close(); }
      } const close_checks{checks_};
      for (unsigned c = 0; c < checkers; ++c) checker_threads.emplace_back([this] { check(); });
      std::vector<std::jthread> reader_threads;
      for (unsigned r = 0; r < options_.jobs; ++r)
        reader_threads.emplace_back([this, &tallies, r] { read(tallies[r]); });
    }
    result_.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    result_.verified = verify_;
    result_.objects_requested = object_count_;
    result_.interrupted = stop_.stop_requested();
    result_.objects_skipped = object_count_ - result_.objects_ok - result_.problems.size();
    result_.effective = options_;
    for (const ReaderTally& tally : tallies) {
      result_.bytes_read += tally.bytes_read;
      result_.object_latency.merge(tally.object_latency);
      result_.chunk_latency.merge(tally.chunk_latency);
    }
    std::sort(result_.problems.begin(), result_.problems.end(),
              [](const ObjectCheck& a, const ObjectCheck& b) { return a.index < b.index; });
    return std::move(result_);
  }

 private:
  void read(ReaderTally& tally) {
    for (;;) {
      if (stop_.stop_requested()) return;
      const std::uint64_t position = next_object_.fetch_add(1, std::memory_order_relaxed);
      if (position >= object_count_) return;
      read_object(selection_.object(position), tally);
    }
  }

  void read_object(std::uint64_t index, ReaderTally& tally) {
    auto object = std::make_shared<ObjectBeingRead>();
    ObjectCheck& check = object->check;
    check.index = index;
    check.name = source_.object_name(index);
    check.expected_bytes = source_.object_bytes(index);
    const auto start = Clock::now();
    std::optional<std::uint64_t> size;
    try {
      size = storage_.size_of(check.name);
    } catch (const std::exception& e) {
      check.status = ObjectStatus::read_error;
      check.message = e.what();
      return finish_reading(object);
    }
    if (!size) {
      check.status = ObjectStatus::missing;
      return finish_reading(object);
    }
    check.actual_bytes = *size;
    std::uint64_t to_read = *size;
    if (check.expected_bytes && *check.expected_bytes != *size) {
      check.status = ObjectStatus::wrong_size;
      to_read = std::min(*size, *check.expected_bytes);
    }
    const std::uint64_t granularity = std::max<std::uint64_t>(1, capabilities_.size_granularity);
    for (std::uint64_t offset = 0; offset < to_read;) {
      if (stop_.stop_requested()) {
        check.status = ObjectStatus::read_error;
        check.message = check.name + ": interrupted after " + std::to_string(offset) + " bytes";
        break;
      }
      detail::BufferLease buffer = pool_.acquire();
      const std::size_t wanted = static_cast<std::size_t>(std::min(options_.chunk_bytes, to_read - offset));
      // Ask for whole granules: O_DIRECT reads of an unaligned tail would otherwise take a slow path.
      // The pool's buffers hold a whole chunk, and chunks are multiples of the granularity.
      const std::size_t request = static_cast<std::size_t>(
          std::min<std::uint64_t>(pool_.buffer_bytes(), detail::round_up(wanted, granularity)));
      std::uint64_t got = 0;
      const auto read_start = Clock::now();
      try {
        got = storage_.read(check.name, offset, {buffer.data(), request});
      } catch (const std::exception& e) {
        check.status = ObjectStatus::read_error;
        check.message = e.what();
        break;
      }
      tally.chunk_latency.record(Clock::now() - read_start);
      if (got < wanted) {
        check.status = ObjectStatus::read_error;
        check.message = check.name + ": ended at byte " + std::to_string(offset + got) + " while its size was " +
                        std::to_string(*size) + " (changed while reading?)";
        break;
      }
      tally.bytes_read += wanted;
      if (progress_) progress_->bytes.fetch_add(wanted, std::memory_order_relaxed);
      if (verify_) {
        {
          std::lock_guard lock(object->mutex);
          ++object->pending_checks;
        }
        CheckTask task{object, offset, std::move(buffer), wanted};
        checks_.push(task);
      }
      offset += wanted;
    }
    if (check.status != ObjectStatus::read_error) tally.object_latency.record(Clock::now() - start);
    finish_reading(object);
  }

  void finish_reading(const std::shared_ptr<ObjectBeingRead>& object) {
    bool finished = false;
    {
      std::lock_guard lock(object->mutex);
      object->reading_done = true;
      finished = object->pending_checks == 0;
    }
    if (finished) record(object->check);
  }

  void check() {
    while (std::optional<CheckTask> task = checks_.pop()) {
      const VerifyResult found =
          verify_range(source_, task->object->check.index, task->offset, {task->buffer.data(), task->bytes});
      task->buffer.release();
      ObjectBeingRead& object = *task->object;
      bool finished = false;
      {
        std::lock_guard lock(object.mutex);
        // Chunks are whole units and are checked out of order: sum the blocks, keep the lowest offset.
        VerifyResult& total = object.check.verify;
        total.bytes_checked += found.bytes_checked;
        total.bad_blocks += found.bad_blocks;
        if (found.first_bad_offset && (!total.first_bad_offset || *found.first_bad_offset < *total.first_bad_offset))
          total.first_bad_offset = found.first_bad_offset;
        finished = --object.pending_checks == 0 && object.reading_done;
      }
      if (finished) record(object.check);
    }
  }

  // Called once per object, after its last chunk was read and checked.
  void record(ObjectCheck& check) {
    if (check.status == ObjectStatus::ok && !check.verify.ok()) check.status = ObjectStatus::mismatch;
    if (progress_) {
      progress_->objects.fetch_add(1, std::memory_order_relaxed);
      if (check.status != ObjectStatus::ok) progress_->failed.fetch_add(1, std::memory_order_relaxed);
    }
    std::lock_guard lock(result_mutex_);
    switch (check.status) {
      case ObjectStatus::ok:
        ++result_.objects_ok;
        return;
      case ObjectStatus::missing:
        ++result_.objects_missing;
        break;
      case ObjectStatus::wrong_size:
        ++result_.objects_wrong_size;
        break;
      case ObjectStatus::mismatch:
        ++result_.objects_mismatched;
        break;
      case ObjectStatus::read_error:
        ++result_.objects_read_errors;
        break;
    }
    result_.problems.push_back(std::move(check));
  }

  Storage& storage_;
  const ObjectSource& source_;
  const bool verify_;
  const ObjectSelection selection_;
  TransferProgress* progress_;
  const std::stop_token stop_;
  const StorageCapabilities capabilities_;
  const std::uint64_t object_count_;
  const std::uint64_t unit_bytes_;
  const PipelineOptions options_;
  detail::BufferPool pool_;
  detail::BoundedQueue<CheckTask> checks_;
  std::atomic<std::uint64_t> next_object_{0};
  std::mutex result_mutex_;
  GetResult result_;
};

}  // namespace

GetResult get_objects(Storage& storage, const ObjectSource& source, bool verify, const PipelineOptions& options,
                      const ObjectSelection& objects, TransferProgress* progress, std::stop_token stop) {
  validate(options);
  validate(objects, source.object_count());
  if (verify && !source.has_content())
    throw_invalid(storage.describe() + ": nothing to verify against (the objects' content is not known)");
  const StorageCapabilities capabilities = storage.capabilities();
  if (capabilities.discards_data || !capabilities.readable)
    throw_invalid(storage.describe() + ": this storage cannot be read back");
  return GetRun(storage, source, verify, objects, options, progress, std::move(stop)).run();
}

}  // namespace sdgen
