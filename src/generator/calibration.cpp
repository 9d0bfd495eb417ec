#include "generator/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>
#include <vector>

#include "generator/aes_stream.hpp"
#include "generator/block_content.hpp"
#include "generator/block_kernels.hpp"
#include "sdgen/error.hpp"
#include "sdgen/size.hpp"

namespace sdgen::detail {
namespace {

// Below this many random bytes a block could collide with another one (and all-zero blocks would
// dedup against each other); 16 random bytes keep every distinct block distinct.
constexpr std::uint32_t kMinRandomBytes = 16;
// The sample spans at least this much and at least two codec chunks.
constexpr std::uint64_t kMinSampleBytes = 2u << 20;
// A fixed key: calibration must not depend on the run's seed, or the layout would too.
constexpr std::uint64_t kCalibrationSeed = 0x5d6e6e5f63616c69ull;

std::string describe(const DataSpec& spec) {
  return spec.codec.name() + " at " + format_bytes(spec.codec_chunk_bytes) + " chunks and " +
         format_bytes(spec.unit_bytes) + " units";
}

// A sample of distinct blocks, regenerated with different random bytes per block and compressed;
// the buffer and the codec context are made once per calibration, because in a VM the page faults
// of a fresh 2 MiB buffer cost more than generating it.
class Sample {
 public:
  explicit Sample(const DataSpec& spec)
      : spec_(spec),
        bytes_((std::max(kMinSampleBytes, 2 * spec.codec_chunk_bytes) + spec.codec_chunk_bytes - 1) /
               spec.codec_chunk_bytes * spec.codec_chunk_bytes),
        content_ids_((bytes_ + spec.unit_bytes - 1) / spec.unit_bytes),
        data_(std::make_unique_for_overwrite<std::uint8_t[]>(content_ids_.size() * spec.unit_bytes)),
        compressor_(spec.codec) {
    for (std::uint64_t b = 0; b < content_ids_.size(); ++b) content_ids_[b] = kCalibrationDomain | b;
  }

  double compression_ratio(std::uint32_t random_bytes) {
    static const StreamKey key = make_stream_key(kCalibrationSeed);
    best_kernels().fill_blocks(key, content_ids_.data(), content_ids_.size(), spec_.unit_bytes, random_bytes,
                               data_.get());
    const std::uint64_t compressed =
        compressor_.compressed_size_chunked(std::span(data_.get(), bytes_), spec_.codec_chunk_bytes);
    return static_cast<double>(bytes_) / static_cast<double>(compressed);
  }

 private:
  const DataSpec& spec_;
  std::uint64_t bytes_;
  std::vector<std::uint64_t> content_ids_;
  std::unique_ptr<std::uint8_t[]> data_;
  Compressor compressor_;
};

}  // namespace

Calibration calibrate(const DataSpec& spec) {
  if (spec.compress == 1.0) return {spec.unit_bytes, 1.0};

  using Key = std::tuple<std::string, std::uint64_t, std::uint32_t, double>;
  static std::mutex mutex;
  static std::map<Key, Calibration> cache;
  const Key cache_key{spec.codec.name(), spec.codec_chunk_bytes, spec.unit_bytes, spec.compress};
  {
    std::lock_guard lock(mutex);
    if (auto it = cache.find(cache_key); it != cache.end()) return it->second;
  }

  // The stored fraction 1/ratio grows almost linearly with the random bytes per block, so
  // regula falsi (Illinois variant) on it converges in a handful of compressions.
  const double target = 1.0 / spec.compress;
  std::uint32_t lo = std::min(kMinRandomBytes, spec.unit_bytes), hi = spec.unit_bytes;
  Sample sample(spec);
  double ratio_lo = sample.compression_ratio(lo);
  if (ratio_lo < spec.compress * 0.995)
    throw_invalid("compress " + std::to_string(spec.compress) + ": unreachable with " + describe(spec) + " (at most " +
                  std::to_string(ratio_lo) + ")");
  double ratio_hi = sample.compression_ratio(hi);
  double stored_lo = 1.0 / ratio_lo - target, stored_hi = 1.0 / ratio_hi - target;
  Calibration best = std::abs(ratio_lo - spec.compress) <= std::abs(ratio_hi - spec.compress)
                         ? Calibration{lo, ratio_lo}
                         : Calibration{hi, ratio_hi};
  int stale_side = 0;
  // Stop at 0.2 % of the target: well inside the +-3 % promise, and the sample's own noise.
  for (int iteration = 0; iteration < 40 && hi - lo > 1 && std::abs(best.sample_ratio / spec.compress - 1) > 0.002;
       ++iteration) {
    double guess = lo + (hi - lo) * (-stored_lo) / (stored_hi - stored_lo);
    auto mid = static_cast<std::uint32_t>(std::lround(guess));
    mid = std::clamp(mid, lo + 1, hi - 1);
    const double ratio = sample.compression_ratio(mid);
    const double stored = 1.0 / ratio - target;
    if (std::abs(ratio - spec.compress) < std::abs(best.sample_ratio - spec.compress)) best = {mid, ratio};
    if (stored <= 0) {
      lo = mid, ratio_lo = ratio, stored_lo = stored;
      if (stale_side == -1) stored_hi /= 2;
      stale_side = -1;
    } else {
      hi = mid, ratio_hi = ratio, stored_hi = stored;
      if (stale_side == 1) stored_lo /= 2;
      stale_side = 1;
    }
  }
  std::lock_guard lock(mutex);
  cache.emplace(cache_key, best);
  return best;
}

}  // namespace sdgen::detail
