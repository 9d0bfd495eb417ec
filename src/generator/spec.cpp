#include <cmath>
#include <random>
#include <string>

#include "sdgen/error.hpp"
#include "sdgen/size.hpp"
#include "sdgen/spec.hpp"

namespace sdgen {

std::string to_string(DedupScope scope) { return scope == DedupScope::dataset ? "dataset" : "object"; }

DedupScope parse_scope(const std::string& text) {
  if (text == "dataset") return DedupScope::dataset;
  if (text == "object") return DedupScope::object;
  throw_invalid("scope '" + text + "': unknown (use dataset or object)");
}

namespace {

std::string number(double value) {
  std::string text = std::to_string(value);
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') text.pop_back();
  return text;
}

}  // namespace

void validate(const DataSpec& spec, const DatasetLayout& layout) {
  if (!(spec.dedup >= 1.0) || !std::isfinite(spec.dedup))
    throw_invalid("dedup " + number(spec.dedup) + ": must be a finite number >= 1");
  if (!(spec.compress >= 1.0) || !std::isfinite(spec.compress))
    throw_invalid("compress " + number(spec.compress) + ": must be a finite number >= 1");
  if (spec.unit_bytes < 512 || spec.unit_bytes > (1u << 20) || spec.unit_bytes % 512 != 0)
    throw_invalid("unit " + std::to_string(spec.unit_bytes) + ": must be a multiple of 512 from 512 B to 1 MiB");
  if (spec.codec_chunk_bytes < 512 || spec.codec_chunk_bytes > (64u << 20))
    throw_invalid("codec chunk " + std::to_string(spec.codec_chunk_bytes) + ": must be from 512 B to 64 MiB");
  // Fewer than 16 random bytes could make distinct blocks equal (0 makes them all zeros).
  if (spec.random_bytes_per_block &&
      (*spec.random_bytes_per_block > spec.unit_bytes || *spec.random_bytes_per_block < 16))
    throw_invalid("random bytes per block " + std::to_string(*spec.random_bytes_per_block) +
                  ": must be from 16 to the unit (" + std::to_string(spec.unit_bytes) + ")");
  if (layout.object_count == 0) throw_invalid("count 0: need at least one object");
  if (layout.object_bytes != 0 && layout.object_count > (std::uint64_t{1} << 62) / layout.object_bytes)
    throw_invalid("dataset too large: count x size must stay below 4 EiB");

  if (spec.dedup > 1.0) {
    const std::uint64_t blocks_per_object = layout.object_bytes / spec.unit_bytes;
    if (blocks_per_object == 0)
      throw_invalid("dedup " + number(spec.dedup) + " needs objects of at least one unit (" +
                    format_bytes(spec.unit_bytes) + "); object size is " + format_bytes(layout.object_bytes));
    const bool dataset = spec.scope == DedupScope::dataset;
    const double blocks = static_cast<double>(blocks_per_object) *
                          (dataset ? static_cast<double>(layout.object_count) : 1.0);
    if (spec.dedup > blocks)
      throw_invalid("dedup " + number(spec.dedup) + ": more than the " + number(blocks) + " blocks of " +
                    format_bytes(spec.unit_bytes) + (dataset ? " in the dataset" : " in each object") +
                    " (at least one block must be distinct)");
    if (blocks > 0x1p62) throw_invalid("dataset too large: more than 2^62 blocks");
  }
}

std::uint64_t random_seed() {
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

}  // namespace sdgen
