// Uses an installed libsdgen through its public headers only: generates 1 MiB twice (the bytes
// must be the same), catches an sdgen::Error thrown inside the library and prints one line.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "sdgen/error.hpp"
#include "sdgen/generator.hpp"
#include "sdgen/size.hpp"

int main() {
  constexpr std::uint64_t kObjectBytes = std::uint64_t{1} << 20;
  sdgen::DataSpec spec;
  spec.dedup = 2.0;
  spec.seed = 42;
  sdgen::DatasetLayout layout;
  layout.object_count = 2;
  layout.object_bytes = kObjectBytes;
  const sdgen::DataGenerator generator(spec, layout);

  std::vector<std::uint8_t> first(kObjectBytes);
  std::vector<std::uint8_t> second(kObjectBytes, 0xff);
  generator.fill(1, 0, first);
  generator.fill(1, 0, second);
  if (first != second) {
    std::fprintf(stderr, "two fills of the same range differ\n");
    return 1;
  }
  if (first == std::vector<std::uint8_t>(kObjectBytes, 0)) {
    std::fprintf(stderr, "the fill wrote only zeros\n");
    return 1;
  }

  // A shared libsdgen must export sdgen::Error's type information, or this catch misses.
  try {
    sdgen::parse_size("twelve");
    std::fprintf(stderr, "parse_size accepted 'twelve'\n");
    return 1;
  } catch (const sdgen::Error& error) {
    if (error.kind() != sdgen::ErrorKind::invalid_argument) return 1;
  }

  std::printf("sdgen consumer: %s filled twice, same bytes, implementation %s\n",
              sdgen::format_bytes(kObjectBytes).c_str(), sdgen::DataGenerator::implementation().c_str());
  return 0;
}
