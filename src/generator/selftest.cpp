#include "sdgen/selftest.hpp"

#include <vector>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "generator/block_kernels.hpp"
#include "sdgen/generator.hpp"

namespace sdgen {
namespace {

struct GoldenCase {
  const char* name;
  DataSpec spec;
  DatasetLayout layout;
  std::uint64_t object;
  std::uint64_t expected_xxh3;
};

DataSpec make_spec(double dedup, std::uint32_t random_bytes, std::uint64_t seed, std::uint32_t unit,
                   DedupScope scope = DedupScope::dataset) {
  DataSpec spec;
  spec.dedup = dedup;
  spec.compress = random_bytes == unit ? 1.0 : 2.0;  // informational: the layout is pinned below
  spec.unit_bytes = unit;
  spec.seed = seed;
  spec.scope = scope;
  spec.random_bytes_per_block = random_bytes;
  return spec;
}

// Random bytes per block are pinned (not calibrated), so the hashes do not depend on the codec build.
// One golden case per two lines, kept so by hand:
// clang-format off
const GoldenCase kGolden[] = {
    {"D=1 C=1, 4 KiB unit, seed 0, 1 MiB object", make_spec(1, 4096, 0, 4096), {1, 1 << 20}, 0,
     0x371ac16ac3fde559ull},
    {"D=2, 1000 random B/block, seed 42, object 2 of 4 x 256 KiB", make_spec(2, 1000, 42, 4096), {4, 256 << 10}, 2,
     0x7be4098985d24aa0ull},
    {"D=3 object scope, 16 KiB unit, 5000 random B, seed 7", make_spec(3, 5000, 7, 16384, DedupScope::object),
     {3, 1 << 20}, 1, 0xb0bbc4f04c4e05b6ull},
    {"D=1, 512 B unit, 100 random B, 10000 B object (tail)", make_spec(1, 100, 1, 512), {2, 10000}, 1,
     0xa73b2d2544c8e6e4ull},
};
// clang-format on

std::uint64_t hash_object(const DataGenerator& generator, std::uint64_t object) {
  std::vector<std::uint8_t> bytes(generator.layout().object_bytes);
  generator.fill(object, 0, bytes);
  return XXH3_64bits(bytes.data(), bytes.size());
}

}  // namespace

std::vector<SelftestCase> run_selftest() {
  std::vector<SelftestCase> cases;
  for (const GoldenCase& golden : kGolden)
    cases.push_back(
        {golden.name, golden.expected_xxh3, hash_object(DataGenerator(golden.spec, golden.layout), golden.object)});

  // Every kernel against the portable reference, on C = 1 and on a masked layout.
  const detail::BlockKernels* kernels[8];
  const int count = detail::available_kernels(kernels, 8);
  const detail::StreamKey key = detail::make_stream_key(12345);
  for (const std::uint32_t random_bytes : {4096u, 1337u}) {
    std::vector<std::uint64_t> ids(64);
    for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = i * 0x9E3779B97F4A7C15ull;
    std::vector<std::uint8_t> reference(ids.size() * 4096), storage(reference.size() + 64);
    // Streaming kernels need vector-aligned output.
    const std::span<std::uint8_t> candidate(
        storage.data() + (64 - reinterpret_cast<std::uintptr_t>(storage.data()) % 64), reference.size());
    detail::kPortableKernels.fill_blocks(key, ids.data(), ids.size(), 4096, random_bytes, reference.data());
    const std::uint64_t expected = XXH3_64bits(reference.data(), reference.size());
    for (int k = 1; k < count; ++k)
      for (const bool streaming : {false, true}) {
        (streaming ? kernels[k]->fill_blocks_streaming : kernels[k]->fill_blocks)(key, ids.data(), ids.size(), 4096,
                                                                                  random_bytes, candidate.data());
        cases.push_back({std::string(kernels[k]->name) + (streaming ? " streaming" : "") + " = portable, " +
                             std::to_string(random_bytes) + " random B/block",
                         expected, XXH3_64bits(candidate.data(), candidate.size())});
      }
  }
  return cases;
}

}  // namespace sdgen
