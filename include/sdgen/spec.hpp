// What data to generate: the data spec (ratios and their units) and the dataset layout.
//
// The contract (SPEC section 1): every byte is a pure function of (seed, DataSpec, object index,
// offset). Dedup is exact at `unit_bytes`-aligned blocks over the dataset (or each object);
// compression is calibrated against `codec` at `codec_chunk_bytes` on the deduplicated data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sdgen/codec.hpp"

#pragma GCC visibility push(default)
namespace sdgen {

enum class DedupScope {
  dataset,  // duplicates spread across all objects (default): what a global-dedup array sees
  object,   // duplicates only within each object; objects share no blocks
};

std::string to_string(DedupScope scope);
DedupScope parse_scope(const std::string& text);  // "dataset" | "object"

struct DataSpec {
  // Dedup ratio D >= 1: full unit blocks / distinct full unit blocks, over the scope.
  double dedup = 1.0;
  // Compression ratio C >= 1 of the deduplicated data under `codec` at `codec_chunk_bytes`.
  // 1 means incompressible for every codec at every chunk size.
  double compress = 1.0;
  // Dedup unit: a multiple of 512 from 512 to 1 MiB. Default 4 KiB.
  std::uint32_t unit_bytes = 4096;
  // The codec and chunk size the compression ratio is stated (and calibrated) for.
  CodecSpec codec{};
  // 512 B to 64 MiB. Default 64 KiB.
  std::uint64_t codec_chunk_bytes = 64 * 1024;
  // All content derives from this. sdgen::random_seed() gives a fresh one.
  std::uint64_t seed = 0;
  DedupScope scope = DedupScope::dataset;
  // Random bytes in each distinct block; the rest are zeros spread over its 512-byte sectors.
  // Normally left empty: the generator calibrates it from `compress`. A manifest records it, so
  // verification regenerates identical bytes even if a different codec build would calibrate
  // one byte differently.
  std::optional<std::uint32_t> random_bytes_per_block{};
};

// How many objects a dataset has and how large each one is.
//
// Fixed (the default): object_count objects of object_bytes each. Per object: object_sizes holds
// one size per object (object_count must equal its length; object_bytes is then ignored and
// should stay 0). The generator keeps the global block index exact either way: closed forms for a
// fixed layout (no memory per object), prefix sums of full blocks and of distinct blocks for a
// per-object one (16 bytes per object in the generator, plus the 8 of the size here).
struct DatasetLayout {
  std::uint64_t object_count = 1;
  std::uint64_t object_bytes = 0;
  std::vector<std::uint64_t> object_sizes{};

  // A layout of one size per object.
  static DatasetLayout per_object(std::vector<std::uint64_t> sizes);

  bool fixed() const { return object_sizes.empty(); }
  // The size of object `object` (< object_count; not checked).
  std::uint64_t size_of(std::uint64_t object) const { return fixed() ? object_bytes : object_sizes[object]; }
  std::uint64_t total_bytes() const;
  std::uint64_t largest_object_bytes() const;
  std::uint64_t smallest_object_bytes() const;
};

// Throws Error naming the first field that is out of range or the request that cannot hold
// (object smaller than the unit with D > 1, more duplicates than blocks, ...). Compression
// reachability is checked by calibration, when the generator is built.
void validate(const DataSpec& spec, const DatasetLayout& layout);

// A seed from the operating system's entropy source.
std::uint64_t random_seed();

}  // namespace sdgen
#pragma GCC visibility pop
