// CRC32C for S3 part checksums: known answers, and the fast path against the table, byte for byte.
#include "storage/s3/s3_checksum.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string_view>
#include <vector>

namespace sdgen::s3 {
namespace {

std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

TEST(Crc32c, KnownAnswers) {
  // RFC 3720 (iSCSI) appendix B.4 and the usual check value.
  EXPECT_EQ(crc32c(bytes_of("123456789")), 0xE3069283u);
  EXPECT_EQ(crc32c(std::vector<std::uint8_t>(32, 0x00)), 0x8A9136AAu);
  EXPECT_EQ(crc32c(std::vector<std::uint8_t>(32, 0xFF)), 0x62A8AB43u);
  std::vector<std::uint8_t> ascending(32);
  for (int i = 0; i < 32; ++i) ascending[i] = static_cast<std::uint8_t>(i);
  EXPECT_EQ(crc32c(ascending), 0x46DD794Eu);
  EXPECT_EQ(crc32c({}), 0u);
  EXPECT_EQ(crc32c_base64(0xE3069283u), "4waSgw==");  // as S3 writes x-amz-checksum-crc32c
  EXPECT_EQ(crc32c_base64(0), "AAAAAA==");
}

TEST(Crc32c, FastPathMatchesTableAtEveryLengthAndOffset) {
  std::vector<std::uint8_t> data(4096 + 64);
  std::mt19937_64 random(7);
  for (auto& byte : data) byte = static_cast<std::uint8_t>(random());
  for (std::size_t offset = 0; offset < 9; ++offset) {
    for (std::size_t length : {0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000, 4096}) {
      const std::span<const std::uint8_t> piece(data.data() + offset, length);
      ASSERT_EQ(crc32c(piece), crc32c_portable(piece)) << offset << "+" << length;
    }
  }
  // Continuing a CRC over pieces equals one pass.
  const std::span<const std::uint8_t> all(data);
  EXPECT_EQ(crc32c(all.subspan(1000), crc32c(all.first(1000))), crc32c(all));
}

}  // namespace
}  // namespace sdgen::s3
