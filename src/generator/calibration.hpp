// Finds how many random bytes per block make the deduplicated data compress by C under the
// spec's codec and chunk size, by compressing generated samples with the linked codec.
// Internal to libsdgen: not installed, not part of the API (include/sdgen/ is).
#pragma once

#include <cstdint>

#include "sdgen/spec.hpp"

namespace sdgen::detail {

struct Calibration {
  std::uint32_t random_bytes_per_block = 0;
  double sample_ratio = 1.0;  // compression ratio measured on the sample at that setting
};

// Deterministic for a given (codec, level, chunk, unit, C) and codec build; cached per process;
// thread-safe. Throws Error when C is beyond what the codec reaches at that chunk and unit.
Calibration calibrate(const DataSpec& spec);

}  // namespace sdgen::detail
