#include "sdgen/codec.hpp"

#include <lz4.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <charconv>

#include "sdgen/error.hpp"

namespace sdgen {

std::string CodecSpec::name() const {
  switch (kind) {
    case Kind::zstd:
      return "zstd:" + std::to_string(level);
    case Kind::lz4:
      return "lz4";
    case Kind::zlib:
      return "zlib:" + std::to_string(level);
  }
  return "?";
}

CodecSpec parse_codec(std::string_view text) {
  const auto colon = text.find(':');
  const std::string_view family = text.substr(0, colon);
  CodecSpec spec;
  int max_level = 0;
  if (family == "zstd") {
    spec = {CodecSpec::Kind::zstd, 1};
    max_level = 19;
  } else if (family == "zlib") {
    spec = {CodecSpec::Kind::zlib, 6};
    max_level = 9;
  } else if (family == "lz4") {
    spec = {CodecSpec::Kind::lz4, 0};
  } else {
    throw_invalid("codec '" + std::string(text) + "': unknown (use zstd[:1-19], lz4 or zlib[:1-9])");
  }
  if (colon != std::string_view::npos) {
    const std::string_view level_text = text.substr(colon + 1);
    int level = 0;
    const auto [end, ec] = std::from_chars(level_text.data(), level_text.data() + level_text.size(), level);
    if (max_level == 0 || ec != std::errc() || end != level_text.data() + level_text.size() || level < 1 ||
        level > max_level)
      throw_invalid("codec '" + std::string(text) + "': bad level" +
                    (max_level ? " (1-" + std::to_string(max_level) + ")" : std::string(" (lz4 has none)")));
    spec.level = level;
  }
  return spec;
}

struct Compressor::Context {
  ZSTD_CCtx* zstd = nullptr;
  ~Context() { ZSTD_freeCCtx(zstd); }
};

Compressor::Compressor(CodecSpec spec) : spec_(spec), context_(std::make_unique<Context>()) {
  if (spec_.kind == CodecSpec::Kind::zstd) {
    context_->zstd = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(context_->zstd, ZSTD_c_compressionLevel, spec_.level);
  }
}
Compressor::~Compressor() = default;
Compressor::Compressor(Compressor&&) noexcept = default;
Compressor& Compressor::operator=(Compressor&&) noexcept = default;

std::size_t Compressor::compressed_size(std::span<const std::uint8_t> input) {
  switch (spec_.kind) {
    case CodecSpec::Kind::zstd: {
      output_.resize(ZSTD_compressBound(input.size()));
      const std::size_t n = ZSTD_compress2(context_->zstd, output_.data(), output_.size(), input.data(), input.size());
      if (ZSTD_isError(n)) throw_io(std::string("zstd: ") + ZSTD_getErrorName(n));
      return n;
    }
    case CodecSpec::Kind::lz4: {
      output_.resize(static_cast<std::size_t>(LZ4_compressBound(static_cast<int>(input.size()))));
      const int n =
          LZ4_compress_default(reinterpret_cast<const char*>(input.data()), reinterpret_cast<char*>(output_.data()),
                               static_cast<int>(input.size()), static_cast<int>(output_.size()));
      if (n <= 0 && !input.empty()) throw_io("lz4: compression failed");
      return static_cast<std::size_t>(n);
    }
    case CodecSpec::Kind::zlib: {
      uLongf n = compressBound(static_cast<uLong>(input.size()));
      output_.resize(n);
      if (compress2(output_.data(), &n, input.data(), static_cast<uLong>(input.size()), spec_.level) != Z_OK)
        throw_io("zlib: compression failed");
      return n;
    }
  }
  return 0;
}

std::uint64_t Compressor::compressed_size_chunked(std::span<const std::uint8_t> input, std::size_t chunk_bytes) {
  std::uint64_t total = 0;
  for (std::size_t at = 0; at < input.size(); at += chunk_bytes)
    total += compressed_size(input.subspan(at, std::min(chunk_bytes, input.size() - at)));
  return total;
}

}  // namespace sdgen
