#include "sdgen/verify.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

namespace sdgen {

void VerifyResult::merge(const VerifyResult& later) {
  bytes_checked += later.bytes_checked;
  bad_blocks += later.bad_blocks;
  if (!first_bad_offset) first_bad_offset = later.first_bad_offset;
}

VerifyResult verify_range(const ObjectSource& source, std::uint64_t object, std::uint64_t offset,
                          std::span<const std::uint8_t> data) {
  const std::uint64_t unit = std::max<std::uint32_t>(1, source.check_unit_bytes());
  thread_local std::vector<std::uint8_t> expected;
  expected.resize(std::min<std::size_t>(data.size(), std::size_t{1} << 20));
  VerifyResult result;
  result.bytes_checked = data.size();
  std::uint64_t last_bad_block = UINT64_MAX;
  for (std::size_t done = 0; done < data.size();) {
    const std::size_t piece = std::min(expected.size(), data.size() - done);
    source.fill(object, offset + done, {expected.data(), piece});
    if (std::memcmp(expected.data(), data.data() + done, piece) != 0) {
      // Slow path only where something differs: find every bad block in this piece.
      for (std::size_t at = 0; at < piece;) {
        const std::uint64_t position = offset + done + at;
        const std::size_t span = std::min<std::uint64_t>(piece - at, unit - position % unit);
        if (std::memcmp(expected.data() + at, data.data() + done + at, span) != 0) {
          if (!result.first_bad_offset) {
            std::size_t i = 0;
            while (expected[at + i] == data[done + at + i]) ++i;
            result.first_bad_offset = position + i;
          }
          if (position / unit != last_bad_block) ++result.bad_blocks;
          last_bad_block = position / unit;
        }
        at += span;
      }
    }
    done += piece;
  }
  return result;
}

}  // namespace sdgen
