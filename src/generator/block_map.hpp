// Which distinct block each dedup-unit block of the dataset is a copy of.
// Internal to libsdgen: not installed, not part of the API (include/sdgen/ is).
#pragma once

#include <cstdint>

namespace sdgen::detail {

// A seeded bijection on [0, size): a four-round Feistel network on the smallest even number of
// bits that covers `size`, with cycle walking back into range. Scatters indices without a period.
class Permutation {
 public:
  Permutation() = default;
  Permutation(std::uint64_t size, std::uint64_t key);
  std::uint64_t operator()(std::uint64_t index) const;
  std::uint64_t size() const { return size_; }

 private:
  std::uint64_t feistel(std::uint64_t value) const;
  std::uint64_t size_ = 0;
  unsigned half_bits_ = 1;
  std::uint64_t half_mask_ = 1;
  std::uint64_t round_keys_[4] = {};
};

// Mixes two 64-bit values into one (used to key per-object permutations).
std::uint64_t mix64(std::uint64_t value);

}  // namespace sdgen::detail
