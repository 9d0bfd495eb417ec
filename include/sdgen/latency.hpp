// Latency distributions in fixed memory, for per-operation percentiles of long runs.
//
// A LatencyHistogram records durations into log-linear buckets: exact below 64 ns, then 64
// buckets per power of two, so a reported percentile is within 1 % of the true value whatever
// the run length, in ~30 KiB. The maximum and the mean are exact. Not thread-safe: keep one per
// thread and merge() them at the end.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#pragma GCC visibility push(default)
namespace sdgen {

// Percentiles use the nearest-rank definition: p50 is the smallest recorded value with at least
// 50 % of the values at or below it. All figures are in seconds; zero when count is 0.
struct LatencySummary {
  std::uint64_t count = 0;
  double mean_s = 0;
  double p50_s = 0;
  double p90_s = 0;
  double p99_s = 0;
  double p999_s = 0;
  double max_s = 0;
};

class LatencyHistogram {
 public:
  LatencyHistogram();

  void record(std::chrono::nanoseconds duration);
  void merge(const LatencyHistogram& other);

  std::uint64_t count() const { return count_; }
  // The value at quantile q in [0, 1], in seconds (bucket midpoint, never above the maximum).
  double quantile_s(double q) const;
  LatencySummary summary() const;

 private:
  std::vector<std::uint64_t> buckets_;
  std::uint64_t count_ = 0;
  std::uint64_t max_ns_ = 0;
  long double sum_ns_ = 0;
};

}  // namespace sdgen
#pragma GCC visibility pop
