#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <vector>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "sdgen/analyze.hpp"
#include "sdgen/error.hpp"

namespace sdgen {
namespace {

struct Hash128 {
  std::uint64_t low, high;
  friend bool operator==(const Hash128&, const Hash128&) = default;
};
struct Hash128Hasher {
  std::size_t operator()(const Hash128& h) const noexcept { return static_cast<std::size_t>(h.low); }
};

bool all_zero(const std::uint8_t* data, std::size_t size) {
  std::uint64_t any = 0;
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, data + i, 8);
    any |= word;
  }
  for (; i < size; ++i) any |= data[i];
  return any == 0;
}

double ratio(std::uint64_t numerator, std::uint64_t denominator) {
  return denominator == 0 ? 1.0 : static_cast<double>(numerator) / static_cast<double>(denominator);
}

// Compresses chunks on worker threads, each with its own Compressor, adding the sizes to the
// submitter's counter. At most `threads` chunks wait in the queue, so memory stays bounded.
class CompressionWorkers {
 public:
  CompressionWorkers(CodecSpec codec, unsigned threads) : capacity_(threads) {
    for (unsigned t = 0; t < threads; ++t)
      workers_.emplace_back([this, codec](std::stop_token stop) { work(Compressor(codec), stop); });
  }
  ~CompressionWorkers() {
    {
      // Under the lock, so no worker can check the predicate and then miss the wake-up.
      std::lock_guard lock(mutex_);
      for (auto& worker : workers_) worker.request_stop();
    }
    changed_.notify_all();
  }

  void submit(std::vector<std::uint8_t> chunk, std::atomic<std::uint64_t>* total) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return queue_.size() < capacity_; });
    queue_.push_back({std::move(chunk), total});
    ++unfinished_;
    changed_.notify_all();
  }
  void wait_idle() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return unfinished_ == 0; });
  }

 private:
  struct Job {
    std::vector<std::uint8_t> chunk;
    std::atomic<std::uint64_t>* total;
  };
  void work(Compressor compressor, std::stop_token stop) {
    for (;;) {
      Job job;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !queue_.empty() || stop.stop_requested(); });
        if (queue_.empty()) return;
        job = std::move(queue_.front());
        queue_.pop_front();
        changed_.notify_all();
      }
      *job.total += compressor.compressed_size(job.chunk);
      std::lock_guard lock(mutex_);
      --unfinished_;
      changed_.notify_all();
    }
  }

  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Job> queue_;
  std::size_t unfinished_ = 0;
  std::vector<std::jthread> workers_;  // last: joined before the queue is destroyed
};

// Collects bytes into codec-chunk pieces and compresses each full piece, inline or on workers.
class ChunkedCompression {
 public:
  ChunkedCompression(const AnalyzeOptions& options, Compressor* compressor, CompressionWorkers* workers)
      : chunk_bytes_(options.codec_chunk_bytes),
        enabled_(options.measure_compression),
        compressor_(compressor),
        workers_(workers) {}

  void add(const std::uint8_t* data, std::size_t size) {
    if (!enabled_) return;
    while (size > 0) {
      if (pending_.empty() && size >= chunk_bytes_) {  // a whole chunk straight from the input
        compress({data, chunk_bytes_});
        data += chunk_bytes_, size -= chunk_bytes_;
        continue;
      }
      const std::size_t take = std::min<std::size_t>(size, chunk_bytes_ - pending_.size());
      pending_.insert(pending_.end(), data, data + take);
      data += take, size -= take;
      if (pending_.size() == chunk_bytes_) flush();
    }
  }
  void flush() {
    if (!pending_.empty()) compress(pending_);
    pending_.clear();
  }
  // Compressed bytes so far, counting the pending partial chunk as if flushed now. With
  // workers, call CompressionWorkers::wait_idle() first.
  std::uint64_t compressed_bytes() const {
    return compressed_ + (pending_.empty() ? 0 : compressor_->compressed_size(pending_));
  }

 private:
  void compress(std::span<const std::uint8_t> chunk) {
    if (workers_)
      workers_->submit({chunk.begin(), chunk.end()}, &compressed_);
    else
      compressed_ += compressor_->compressed_size(chunk);
  }

  std::size_t chunk_bytes_;
  bool enabled_;
  Compressor* compressor_;
  CompressionWorkers* workers_;
  std::vector<std::uint8_t> pending_;
  std::atomic<std::uint64_t> compressed_ = 0;
};

}  // namespace

struct Analyzer::State {
  explicit State(const AnalyzeOptions& o)
      : options(o),
        compressor(o.codec),
        workers(o.threads > 1 && o.measure_compression ? std::make_unique<CompressionWorkers>(o.codec, o.threads)
                                                       : nullptr),
        raw(o, &compressor, workers.get()),
        unique(o, &compressor, workers.get()) {
    if (options.unit_bytes == 0) throw_invalid("unit 0: must be at least 1 byte");
    if (options.codec_chunk_bytes == 0) throw_invalid("codec chunk 0: must be at least 1 byte");
    partial.reserve(options.unit_bytes);
  }

  void add_block(const std::uint8_t* block) {
    const std::size_t unit = options.unit_bytes;
    ++result.full_blocks;
    if (all_zero(block, unit)) ++result.zero_blocks;
    const XXH128_hash_t h = XXH3_128bits(block, unit);
    if (seen.insert({h.low64, h.high64}).second) {
      ++result.distinct_blocks;
      unique.add(block, unit);
    }
  }

  AnalyzeOptions options;
  // Workers finish their queued chunks before the counters they add to go away.
  ~State() { workers.reset(); }

  mutable Compressor compressor;
  std::unique_ptr<CompressionWorkers> workers;
  ChunkedCompression raw, unique;
  std::unordered_set<Hash128, Hash128Hasher> seen;
  std::vector<std::uint8_t> partial;  // the current stream's incomplete block
  AnalysisResult result;
  bool in_stream = false;
};

Analyzer::Analyzer(const AnalyzeOptions& options) : state_(std::make_unique<State>(options)) {}
Analyzer::~Analyzer() = default;

void Analyzer::add(std::span<const std::uint8_t> bytes) {
  State& s = *state_;
  s.in_stream = true;
  s.result.bytes += bytes.size();
  s.raw.add(bytes.data(), bytes.size());
  const std::size_t unit = s.options.unit_bytes;
  const std::uint8_t* data = bytes.data();
  std::size_t size = bytes.size();
  if (!s.partial.empty()) {
    const std::size_t take = std::min(size, unit - s.partial.size());
    s.partial.insert(s.partial.end(), data, data + take);
    data += take, size -= take;
    if (s.partial.size() < unit) return;
    s.add_block(s.partial.data());
    s.partial.clear();
  }
  for (; size >= unit; data += unit, size -= unit) s.add_block(data);
  s.partial.assign(data, data + size);
}

void Analyzer::end_stream() {
  State& s = *state_;
  if (!s.in_stream) return;
  s.result.tail_bytes += s.partial.size();
  s.unique.add(s.partial.data(), s.partial.size());
  s.partial.clear();
  s.raw.flush();
  ++s.result.streams;
  s.in_stream = false;
}

AnalysisResult Analyzer::result() const {
  const State& s = *state_;
  AnalysisResult r = s.result;
  r.unique_bytes = r.distinct_blocks * s.options.unit_bytes + r.tail_bytes;
  if (s.options.measure_compression) {
    if (s.workers) s.workers->wait_idle();
    r.raw_compressed_bytes = s.raw.compressed_bytes();
    r.unique_compressed_bytes = s.unique.compressed_bytes();
  }
  return r;
}

double AnalysisResult::dedup_ratio() const { return ratio(full_blocks, distinct_blocks); }
double AnalysisResult::raw_compression_ratio() const { return ratio(bytes, raw_compressed_bytes); }
double AnalysisResult::unique_compression_ratio() const { return ratio(unique_bytes, unique_compressed_bytes); }
double AnalysisResult::total_reduction() const { return ratio(bytes, unique_compressed_bytes); }

void analyze_file(Analyzer& analyzer, const std::string& path) {
  const bool standard_input = path == "-";
  const int fd = standard_input ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_io(path + ": " + std::strerror(errno));
  std::vector<std::uint8_t> buffer(std::size_t{4} << 20);
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      if (!standard_input) ::close(fd);
      throw_io(path + ": " + std::strerror(error));
    }
    if (n == 0) break;
    analyzer.add({buffer.data(), static_cast<std::size_t>(n)});
  }
  if (!standard_input) ::close(fd);
  analyzer.end_stream();
}

}  // namespace sdgen
