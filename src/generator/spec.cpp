#include "sdgen/spec.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>

#include "sdgen/error.hpp"
#include "sdgen/size.hpp"

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

DatasetLayout DatasetLayout::per_object(std::vector<std::uint64_t> sizes) {
  DatasetLayout layout;
  layout.object_count = sizes.size();
  layout.object_sizes = std::move(sizes);
  return layout;
}

std::uint64_t DatasetLayout::total_bytes() const {
  if (fixed()) return object_count * object_bytes;
  return std::accumulate(object_sizes.begin(), object_sizes.end(), std::uint64_t{0});
}

std::uint64_t DatasetLayout::largest_object_bytes() const {
  return fixed() ? object_bytes : *std::max_element(object_sizes.begin(), object_sizes.end());
}

std::uint64_t DatasetLayout::smallest_object_bytes() const {
  return fixed() ? object_bytes : *std::min_element(object_sizes.begin(), object_sizes.end());
}

namespace {

// Full unit blocks in the dataset (dataset scope) or in its smallest object (object scope).
double blocks_in_scope(const DataSpec& spec, const DatasetLayout& layout) {
  if (spec.scope == DedupScope::object) return static_cast<double>(layout.smallest_object_bytes() / spec.unit_bytes);
  if (layout.fixed())
    return static_cast<double>(layout.object_bytes / spec.unit_bytes) * static_cast<double>(layout.object_count);
  double blocks = 0;
  for (const std::uint64_t size : layout.object_sizes) blocks += static_cast<double>(size / spec.unit_bytes);
  return blocks;
}

void validate_layout(const DatasetLayout& layout) {
  if (layout.object_count == 0) throw_invalid("count 0: need at least one object");
  if (!layout.fixed()) {
    if (layout.object_sizes.size() != layout.object_count)
      throw_invalid("layout: " + std::to_string(layout.object_sizes.size()) + " object sizes for " +
                    std::to_string(layout.object_count) + " objects");
    std::uint64_t total = 0;
    for (const std::uint64_t size : layout.object_sizes) {
      if (size > (std::uint64_t{1} << 62) - total)
        throw_invalid("dataset too large: the sizes must add up to less than 4 EiB");
      total += size;
    }
    return;
  }
  if (layout.object_bytes != 0 && layout.object_count > (std::uint64_t{1} << 62) / layout.object_bytes)
    throw_invalid("dataset too large: count x size must stay below 4 EiB");
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
  validate_layout(layout);

  if (spec.dedup > 1.0) {
    const bool dataset = spec.scope == DedupScope::dataset;
    const double blocks = blocks_in_scope(spec, layout);
    if (blocks == 0) {
      const std::uint64_t size = dataset ? layout.largest_object_bytes() : layout.smallest_object_bytes();
      throw_invalid("dedup " + number(spec.dedup) + " needs objects of at least one unit (" +
                    format_bytes(spec.unit_bytes) + "); " +
                    (layout.fixed() ? "object size is "
                     : dataset      ? "the largest object is "
                                    : "the smallest object is ") +
                    std::to_string(size) + " bytes");
    }
    if (spec.dedup > blocks)
      throw_invalid("dedup " + number(spec.dedup) + ": more than the " + number(blocks) + " blocks of " +
                    format_bytes(spec.unit_bytes) +
                    (dataset          ? " in the dataset"
                     : layout.fixed() ? " in each object"
                                      : " in the smallest object") +
                    " (at least one block must be distinct)");
    if (blocks > 0x1p62) throw_invalid("dataset too large: more than 2^62 blocks");
  }
}

std::uint64_t random_seed() {
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

}  // namespace sdgen
