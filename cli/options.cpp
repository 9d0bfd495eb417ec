#include "options.hpp"

#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

#include "sdgen/error.hpp"
#include "sdgen/manifest.hpp"
#include "sdgen/size.hpp"

namespace sdgen::cli {

void SpecOptions::add_to(CLI::App& command) {
  command.add_option("-s,--size", size, "Object size (e.g. 64KiB, 1GiB, 1.5GB)")->required();
  command.add_option("-n,--count", count, "Number of objects (k/m suffixes)")->capture_default_str();
  command.add_option("-d,--dedup", dedup, "Dedup ratio D >= 1 at the unit")->capture_default_str();
  command.add_option("-x,--compress", compress, "Compression ratio C >= 1 of the deduplicated data")
      ->capture_default_str();
  command.add_option("--unit", unit, "Dedup unit: multiple of 512 up to 1MiB")->capture_default_str();
  command.add_option("--codec", codec, "Codec the ratio holds for: zstd[:N], lz4, zlib[:N]")->capture_default_str();
  command.add_option("--codec-chunk", codec_chunk, "Chunk size the codec compresses")->capture_default_str();
  command.add_option("--seed", seed, "Seed, 0 to 18446744073709551615 (random when absent; always printed)");
  command.add_option("--scope", scope, "Dedup scope: dataset or object")->capture_default_str();
}

namespace {

// Decimal digits only, 0 to 2^64 - 1: "-1" is not 2^64 - 1, "2^64" does not saturate, "0x10" is
// not 16 (each would silently name another seed's data).
std::uint64_t parse_seed(const std::string& text) {
  std::uint64_t seed = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, seed);
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || error != std::errc() || stop != end)
    throw_invalid("--seed '" + text + "': must be a whole number from 0 to 18446744073709551615");
  return seed;
}

}  // namespace

DataSpec SpecOptions::data_spec() const {
  DataSpec spec;
  spec.dedup = dedup;
  spec.compress = compress;
  const std::uint64_t unit_bytes = parse_size(unit, "unit");
  if (unit_bytes > (1u << 20)) throw_invalid("unit " + unit + ": must be a multiple of 512 from 512 B to 1 MiB");
  spec.unit_bytes = static_cast<std::uint32_t>(unit_bytes);
  spec.codec = parse_codec(codec);
  spec.codec_chunk_bytes = parse_size(codec_chunk, "codec chunk");
  spec.seed = seed ? parse_seed(*seed) : random_seed();
  spec.scope = parse_scope(scope);
  return spec;
}

DatasetLayout SpecOptions::layout() const { return {parse_count(count, "count"), parse_size(size, "size")}; }

nlohmann::json to_json(const DataSpec& spec) { return nlohmann::json::parse(format_spec(spec)); }

void write_json_file(const std::string& path, const std::string& document) {
  std::ofstream out(path);
  out << document;
  out.close();
  if (!out) throw_io("--json " + path + ": cannot write: " + std::strerror(errno));
}

void write_json_file(const std::string& path, const nlohmann::json& document) {
  write_json_file(path, document.dump(2) + "\n");
}

std::vector<unsigned> parse_thread_list(const std::string& text) {
  std::vector<unsigned> threads;
  std::stringstream stream(text);
  for (std::string item; std::getline(stream, item, ',');) {
    const std::uint64_t n = parse_count(item, "threads");
    if (n < 1 || n > 1024) throw_invalid("threads '" + item + "': must be from 1 to 1024");
    threads.push_back(static_cast<unsigned>(n));
  }
  if (threads.empty()) throw_invalid("threads '" + text + "': empty list");
  return threads;
}

}  // namespace sdgen::cli
