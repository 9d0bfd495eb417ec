#include "generator/block_map.hpp"

#include <bit>

namespace sdgen::detail {

std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

Permutation::Permutation(std::uint64_t size, std::uint64_t key) : size_(size) {
  const unsigned bits = size <= 4 ? 2u : static_cast<unsigned>(std::bit_width(size - 1));
  half_bits_ = (bits + 1) / 2;
  half_mask_ = (std::uint64_t{1} << half_bits_) - 1;
  for (int i = 0; i < 4; ++i) round_keys_[i] = mix64(key + 0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(i + 1));
}

std::uint64_t Permutation::feistel(std::uint64_t value) const {
  std::uint64_t left = value >> half_bits_;
  std::uint64_t right = value & half_mask_;
  for (const std::uint64_t round_key : round_keys_) {
    // The top bits of one multiply depend on every input bit: a cheap, adequate round function.
    const std::uint64_t f = ((right ^ round_key) * 0x9E3779B97F4A7C15ull) >> (64 - half_bits_);
    const std::uint64_t next = left ^ f;
    left = right;
    right = next;
  }
  return (left << half_bits_) | right;
}

std::uint64_t Permutation::operator()(std::uint64_t index) const {
  // The Feistel network permutes [0, 4^half_bits); walking the cycle from an in-range index
  // always comes back into range, and the domain is at most 4x the size.
  std::uint64_t value = feistel(index);
  while (value >= size_) value = feistel(value);
  return value;
}

}  // namespace sdgen::detail
