// Compares bytes read back from storage with what a source (the generator) produces there.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "sdgen/source.hpp"

#pragma GCC visibility push(default)
namespace sdgen {

struct VerifyResult {
  std::uint64_t bytes_checked = 0;
  std::uint64_t bad_blocks = 0;                   // unit blocks (object-aligned) with any wrong byte
  std::optional<std::uint64_t> first_bad_offset;  // object offset of the first wrong byte

  bool ok() const { return bad_blocks == 0; }
  // Adds a later range's findings (ranges must be added in increasing offset order).
  void merge(const VerifyResult& later);
};

// Checks `data`, which claims to be bytes [offset, offset + data.size()) of `object`, counting
// bad blocks of source.check_unit_bytes(). A block straddling two calls is counted once per call
// it is bad in. Thread-safe.
VerifyResult verify_range(const ObjectSource& source, std::uint64_t object, std::uint64_t offset,
                          std::span<const std::uint8_t> data);

}  // namespace sdgen
#pragma GCC visibility pop
