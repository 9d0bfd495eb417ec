#include "sdgen/latency.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace sdgen {
namespace {

constexpr int kSubBucketBits = 6;  // 64 buckets per power of two: <= 0.8 % from a bucket's midpoint
constexpr std::uint64_t kSubBuckets = std::uint64_t{1} << kSubBucketBits;
constexpr std::size_t kBucketCount = kSubBuckets + (64 - kSubBucketBits) * kSubBuckets;

std::size_t bucket_of(std::uint64_t ns) {
  if (ns < kSubBuckets) return static_cast<std::size_t>(ns);
  const int exponent = 63 - std::countl_zero(ns);
  const int shift = exponent - kSubBucketBits;
  const std::uint64_t sub = (ns >> shift) - kSubBuckets;
  return static_cast<std::size_t>(kSubBuckets + static_cast<std::uint64_t>(shift) * kSubBuckets + sub);
}

// The middle of the values that fall into `bucket`, in nanoseconds.
double bucket_midpoint_ns(std::size_t bucket) {
  if (bucket < kSubBuckets) return static_cast<double>(bucket);
  const std::uint64_t shift = (bucket - kSubBuckets) / kSubBuckets;
  const std::uint64_t sub = (bucket - kSubBuckets) % kSubBuckets;
  const double lower = std::ldexp(static_cast<double>(kSubBuckets + sub), static_cast<int>(shift));
  const double width = std::ldexp(1.0, static_cast<int>(shift));
  return lower + (width - 1) / 2;
}

}  // namespace

LatencyHistogram::LatencyHistogram() : buckets_(kBucketCount, 0) {}

void LatencyHistogram::record(std::chrono::nanoseconds duration) {
  const std::uint64_t ns = static_cast<std::uint64_t>(std::max<std::int64_t>(0, duration.count()));
  ++buckets_[bucket_of(ns)];
  ++count_;
  max_ns_ = std::max(max_ns_, ns);
  sum_ns_ += static_cast<long double>(ns);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < kBucketCount; ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  max_ns_ = std::max(max_ns_, other.max_ns_);
  sum_ns_ += other.sum_ns_;
}

double LatencyHistogram::quantile_s(double q) const {
  if (count_ == 0) return 0;
  const double clamped = std::clamp(q, 0.0, 1.0);
  const std::uint64_t rank =
      std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(clamped * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (std::size_t bucket = 0; bucket < kBucketCount; ++bucket) {
    seen += buckets_[bucket];
    if (seen >= rank) return std::min(bucket_midpoint_ns(bucket), static_cast<double>(max_ns_)) * 1e-9;
  }
  return static_cast<double>(max_ns_) * 1e-9;
}

LatencySummary LatencyHistogram::summary() const {
  LatencySummary s;
  s.count = count_;
  if (count_ == 0) return s;
  s.mean_s = static_cast<double>(sum_ns_ / static_cast<long double>(count_)) * 1e-9;
  s.p50_s = quantile_s(0.50);
  s.p90_s = quantile_s(0.90);
  s.p99_s = quantile_s(0.99);
  s.p999_s = quantile_s(0.999);
  s.max_s = static_cast<double>(max_ns_) * 1e-9;
  return s;
}

}  // namespace sdgen
