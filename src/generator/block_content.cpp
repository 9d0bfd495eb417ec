#include "generator/block_content.hpp"

#include <algorithm>
#include <cstring>

namespace sdgen::detail {

void BlockContent::write(std::uint64_t content_id, std::uint64_t begin, std::uint64_t length, std::uint8_t* out) const {
  if (random_bytes == unit_bytes) {
    stream_bytes(stream_lines, *key, content_id, begin, length, out);
    return;
  }
  const std::uint64_t sectors = unit_bytes / kSectorBytes;
  const std::uint64_t end = begin + length;
  for (std::uint64_t sector = begin / kSectorBytes; sector * kSectorBytes < end; ++sector) {
    const std::uint64_t sector_begin = sector * kSectorBytes;
    const std::uint64_t random_in_sector = (sector + 1) * random_bytes / sectors - sector * random_bytes / sectors;
    const std::uint64_t random_end = sector_begin + random_in_sector;
    const std::uint64_t lo = std::max(begin, sector_begin);
    const std::uint64_t hi = std::min(end, sector_begin + kSectorBytes);
    if (lo < random_end) {
      const std::uint64_t stop = std::min(hi, random_end);
      stream_bytes(stream_lines, *key, content_id, lo, stop - lo, out + (lo - begin));
    }
    if (const std::uint64_t zeros_from = std::max(lo, random_end); zeros_from < hi)
      std::memset(out + (zeros_from - begin), 0, hi - zeros_from);
  }
}

}  // namespace sdgen::detail
