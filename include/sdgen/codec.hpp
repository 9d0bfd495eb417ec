// Compression codecs that sdgen calibrates against and measures with: zstd, lz4, zlib.
//
// A ratio is only meaningful with its codec, level and chunk size: "C = 3 under zstd:1 at
// 64 KiB chunks". Codec names on the command line: "zstd" (level 1), "zstd:N" (1..19), "lz4"
// (LZ4 default, acceleration 1), "zlib" (level 6), "zlib:N" (1..9).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#pragma GCC visibility push(default)
namespace sdgen {

struct CodecSpec {
  enum class Kind { zstd, lz4, zlib };
  Kind kind = Kind::zstd;
  int level = 1;  // ignored for lz4

  std::string name() const;  // canonical form: "zstd:1", "lz4", "zlib:6"
  friend bool operator==(const CodecSpec&, const CodecSpec&) = default;
};

// Parses "zstd", "zstd:3", "lz4", "zlib:6"; throws Error naming the text when unknown.
CodecSpec parse_codec(std::string_view text);

// Compresses buffers one at a time with one codec. Keeps its context and output buffer between
// calls, so repeated calls do not allocate. Not thread-safe: one Compressor per thread.
class Compressor {
 public:
  explicit Compressor(CodecSpec spec);
  ~Compressor();
  Compressor(Compressor&&) noexcept;
  Compressor& operator=(Compressor&&) noexcept;

  // Size in bytes of `input` compressed as one independent frame.
  std::size_t compressed_size(std::span<const std::uint8_t> input);

  // Sum of the compressed sizes of `input` cut into `chunk_bytes` pieces (the last may be short).
  std::uint64_t compressed_size_chunked(std::span<const std::uint8_t> input, std::size_t chunk_bytes);

  const CodecSpec& spec() const { return spec_; }

 private:
  struct Context;
  CodecSpec spec_;
  std::unique_ptr<Context> context_;
  std::vector<std::uint8_t> output_;
};

}  // namespace sdgen
#pragma GCC visibility pop
