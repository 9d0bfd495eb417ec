// Helpers shared by the sdgen unit tests: dataset scale, block hashing, direct codec calls and
// error-message checks.
#pragma once

#include <gtest/gtest.h>
#include <lz4.h>
#include <xxhash.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "sdgen/codec.hpp"
#include "sdgen/error.hpp"
#include "sdgen/generator.hpp"

namespace sdgen::test {

using Bytes = std::vector<std::uint8_t>;

// SDGEN_TEST_SCALE=small (the sanitized CI run) shrinks the heavy tests' datasets.
inline bool small_scale() {
  const char* scale = std::getenv("SDGEN_TEST_SCALE");
  return scale != nullptr && std::string_view(scale) == "small";
}
inline std::uint64_t scaled(std::uint64_t normal, std::uint64_t small) { return small_scale() ? small : normal; }

inline constexpr std::uint64_t KiB = 1024;
inline constexpr std::uint64_t MiB = 1024 * 1024;

// Random bytes from a seeded engine (tests are reproducible; the seed is in the test).
inline Bytes random_bytes(std::mt19937_64& rng, std::size_t size) {
  Bytes out(size);
  for (std::size_t i = 0; i < size; i += 8) {
    const std::uint64_t word = rng();
    for (std::size_t b = 0; b < 8 && i + b < size; ++b) out[i + b] = static_cast<std::uint8_t>(word >> (8 * b));
  }
  return out;
}

// 128-bit block identity, as the analyzer uses (XXH3_128).
struct BlockHash {
  std::uint64_t low = 0, high = 0;
  friend bool operator==(const BlockHash&, const BlockHash&) = default;
};
struct BlockHashHasher {
  std::size_t operator()(const BlockHash& h) const noexcept { return static_cast<std::size_t>(h.low); }
};
using BlockHashSet = std::unordered_set<BlockHash, BlockHashHasher>;

inline BlockHash hash_block(const std::uint8_t* data, std::size_t size) {
  const XXH128_hash_t h = XXH3_128bits(data, size);
  return {h.low64, h.high64};
}

// Hashes of every full `block`-sized piece of `data` (a partial last piece is ignored).
inline std::vector<BlockHash> block_hashes(std::span<const std::uint8_t> data, std::size_t block) {
  std::vector<BlockHash> hashes;
  hashes.reserve(data.size() / block);
  for (std::size_t at = 0; at + block <= data.size(); at += block)
    hashes.push_back(hash_block(data.data() + at, block));
  return hashes;
}

// Number of `block`-sized pieces of `data` equal to an earlier one.
inline std::uint64_t duplicate_blocks(std::span<const std::uint8_t> data, std::size_t block) {
  BlockHashSet seen;
  std::uint64_t duplicates = 0;
  for (const BlockHash& h : block_hashes(data, block)) duplicates += seen.insert(h).second ? 0 : 1;
  return duplicates;
}

inline Bytes generate_object(const DataGenerator& generator, std::uint64_t object) {
  Bytes out(generator.layout().size_of(object));
  generator.fill(object, 0, out);
  return out;
}

// The size of `input` compressed in `chunk_bytes` pieces, calling zstd, lz4 or zlib directly (not
// through sdgen::Compressor, so the tests do not trust the code they check).
inline std::uint64_t compressed_size_direct(const CodecSpec& codec, std::span<const std::uint8_t> input,
                                            std::size_t chunk_bytes) {
  std::uint64_t total = 0;
  Bytes output;
  ZSTD_CCtx* zstd = codec.kind == CodecSpec::Kind::zstd ? ZSTD_createCCtx() : nullptr;
  for (std::size_t at = 0; at < input.size(); at += chunk_bytes) {
    const std::size_t n = std::min(chunk_bytes, input.size() - at);
    const std::uint8_t* src = input.data() + at;
    switch (codec.kind) {
      case CodecSpec::Kind::zstd: {
        output.resize(ZSTD_compressBound(n));
        const std::size_t size = ZSTD_compressCCtx(zstd, output.data(), output.size(), src, n, codec.level);
        EXPECT_FALSE(ZSTD_isError(size)) << ZSTD_getErrorName(size);
        total += size;
        break;
      }
      case CodecSpec::Kind::lz4: {
        output.resize(static_cast<std::size_t>(LZ4_compressBound(static_cast<int>(n))));
        const int size =
            LZ4_compress_default(reinterpret_cast<const char*>(src), reinterpret_cast<char*>(output.data()),
                                 static_cast<int>(n), static_cast<int>(output.size()));
        EXPECT_GT(size, 0);
        total += static_cast<std::uint64_t>(size);
        break;
      }
      case CodecSpec::Kind::zlib: {
        uLongf size = compressBound(static_cast<uLong>(n));
        output.resize(size);
        EXPECT_EQ(compress2(output.data(), &size, src, static_cast<uLong>(n), codec.level), Z_OK);
        total += size;
        break;
      }
    }
  }
  ZSTD_freeCCtx(zstd);
  return total;
}

inline double compression_ratio_direct(const CodecSpec& codec, std::span<const std::uint8_t> input,
                                       std::size_t chunk_bytes) {
  return static_cast<double>(input.size()) / static_cast<double>(compressed_size_direct(codec, input, chunk_bytes));
}

// Runs `action`, which must throw sdgen::Error of `kind`; returns its message ("" and a test
// failure otherwise).
inline std::string error_message(const std::function<void()>& action, ErrorKind kind = ErrorKind::invalid_argument) {
  try {
    action();
  } catch (const Error& e) {
    EXPECT_EQ(static_cast<int>(e.kind()), static_cast<int>(kind)) << "message: " << e.what();
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw a non-sdgen exception: " << e.what();
    return "";
  }
  ADD_FAILURE() << "did not throw";
  return "";
}

}  // namespace sdgen::test
