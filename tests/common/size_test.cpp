// Human sizes and counts: parse_size, parse_count, format_bytes (include/sdgen/size.hpp).
#include "sdgen/size.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "test_util.hpp"

namespace sdgen {
namespace {

using test::error_message;

TEST(ParseSize, BytesBinaryAndSiUnits) {
  EXPECT_EQ(parse_size("0"), 0u);
  EXPECT_EQ(parse_size("4096"), 4096u);
  EXPECT_EQ(parse_size("4096B"), 4096u);
  EXPECT_EQ(parse_size("64KiB"), 65536u);
  EXPECT_EQ(parse_size("1MiB"), 1048576u);
  EXPECT_EQ(parse_size("10GiB"), 10ull << 30);
  EXPECT_EQ(parse_size("2TiB"), 2ull << 40);
  EXPECT_EQ(parse_size("1kB"), 1000u);
  EXPECT_EQ(parse_size("3MB"), 3000000u);
  EXPECT_EQ(parse_size("1.5GB"), 1500000000u);
  EXPECT_EQ(parse_size("2TB"), 2000000000000u);
}

TEST(ParseSize, BareLettersAreBinaryLikeFio) {
  EXPECT_EQ(parse_size("4k"), 4096u);
  EXPECT_EQ(parse_size("4K"), 4096u);
  EXPECT_EQ(parse_size("2m"), 2u << 20);
  EXPECT_EQ(parse_size("1g"), 1u << 30);
  EXPECT_EQ(parse_size("1t"), 1ull << 40);
}

TEST(ParseSize, SuffixesIgnoreCase) {
  EXPECT_EQ(parse_size("64kib"), 65536u);
  EXPECT_EQ(parse_size("64KIB"), 65536u);
  EXPECT_EQ(parse_size("1gb"), 1000000000u);
}

TEST(ParseSize, WholeFractions) {
  EXPECT_EQ(parse_size("1.5KiB"), 1536u);
  EXPECT_EQ(parse_size("0.5MiB"), 524288u);
  EXPECT_EQ(parse_size("2.25k"), 2304u);
  EXPECT_EQ(parse_size("1.5GiB"), 3ull << 29);
}

TEST(ParseSize, RejectsMalformedTextNamingTheOption) {
  for (const char* text : {"", "abc", "KiB", "-1", "-4KiB", " 4k", "4 k", "1..5k", "1e3", "0x10"}) {
    SCOPED_TRACE(std::string("text '") + text + "'");
    const std::string message = error_message([&] { parse_size(text, "unit"); });
    EXPECT_NE(message.find("unit"), std::string::npos) << message;
    EXPECT_NE(message.find(std::string("'") + text + "'"), std::string::npos) << message;
  }
}

TEST(ParseSize, RejectsFractionsOfAByte) {
  for (const char* text : {"1.3B", "1.3", "0.1KiB", "1.0001k"}) {
    SCOPED_TRACE(text);
    const std::string message = error_message([&] { parse_size(text); });
    EXPECT_NE(message.find("size"), std::string::npos) << message;
    EXPECT_NE(message.find("whole"), std::string::npos) << message;
  }
}

TEST(ParseSize, RejectsUnknownUnits) {
  for (const char* text : {"5XB", "5PiB", "5bytes", "5kibi", "5i"}) {
    SCOPED_TRACE(text);
    const std::string message = error_message([&] { parse_size(text); });
    EXPECT_NE(message.find("unknown unit"), std::string::npos) << message;
    EXPECT_NE(message.find(text), std::string::npos) << message;
  }
}

TEST(ParseSize, RejectsValuesBeyond64Bits) {
  EXPECT_EQ(parse_size("16000000TB"), 16000000000000000000ull);
  const std::string message = error_message([] { parse_size("20000000TB"); });
  EXPECT_NE(message.find("too large"), std::string::npos) << message;
}

// Whole byte counts are exact at any magnitude: a size typed in bytes must not be silently
// rounded to a neighbouring value (doubles hold integers exactly only up to 2^53).
TEST(ParseSize, LargeIntegersAreExact) {
  EXPECT_EQ(parse_size("9007199254740993"), 9007199254740993ull);  // 2^53 + 1
  EXPECT_EQ(parse_size("18014398509481985B"), 18014398509481985ull);
  EXPECT_EQ(parse_count("9007199254740993"), 9007199254740993ull);
}

TEST(ParseCount, DecimalSuffixes) {
  EXPECT_EQ(parse_count("0"), 0u);
  EXPECT_EQ(parse_count("1000"), 1000u);
  EXPECT_EQ(parse_count("10k"), 10000u);
  EXPECT_EQ(parse_count("10K"), 10000u);
  EXPECT_EQ(parse_count("1.5k"), 1500u);
  EXPECT_EQ(parse_count("2m"), 2000000u);
  EXPECT_EQ(parse_count("3g"), 3000000000u);
}

TEST(ParseCount, RejectsBadCountsNamingTheOption) {
  for (const char* text : {"", "x", "-1", "1.5", "10x", "10KiB", "1t"}) {
    SCOPED_TRACE(std::string("text '") + text + "'");
    const std::string message = error_message([&] { parse_count(text, "count"); });
    EXPECT_NE(message.find("count '" + std::string(text) + "'"), std::string::npos) << message;
  }
}

TEST(FormatBytes, LargestBinaryUnit) {
  EXPECT_EQ(format_bytes(0), "0 B");
  EXPECT_EQ(format_bytes(1), "1 B");
  EXPECT_EQ(format_bytes(1023), "1023 B");
  EXPECT_EQ(format_bytes(1024), "1 KiB");
  EXPECT_EQ(format_bytes(1536), "1.50 KiB");
  EXPECT_EQ(format_bytes(65536), "64 KiB");
  EXPECT_EQ(format_bytes(1u << 20), "1 MiB");
  EXPECT_EQ(format_bytes((1u << 20) + (1u << 18)), "1.25 MiB");
  EXPECT_EQ(format_bytes(3ull << 29), "1.50 GiB");
  EXPECT_EQ(format_bytes(10ull << 30), "10 GiB");
  EXPECT_EQ(format_bytes(1ull << 40), "1 TiB");
  EXPECT_EQ(format_bytes(1ull << 50), "1 PiB");
  EXPECT_EQ(format_bytes(1ull << 60), "1024 PiB");
}

TEST(FormatBytes, RoundTripsThroughParseSize) {
  for (const std::uint64_t bytes : {0ull, 512ull, 4096ull, 65536ull, 1ull << 20, 3ull << 29, 1ull << 40})
    EXPECT_EQ(parse_size(format_bytes(bytes).erase(format_bytes(bytes).find(' '), 1)), bytes) << format_bytes(bytes);
}

}  // namespace
}  // namespace sdgen
