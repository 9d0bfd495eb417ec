// A tiny driver for scripts/bench-s3.sh: puts `count` generated objects of `size` bytes through
// the s3:// backend alone (no pipeline), one after another, and prints the rate.
//   sdgen_s3_put_driver s3://bucket/prefix SIZE_BYTES [COUNT [PART_BYTES [PARTS_IN_FLIGHT]]]
// (endpoint: AWS_ENDPOINT_URL; StorageOptions defaults unless given)
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "sdgen/error.hpp"
#include "sdgen/generator.hpp"
#include "storage/s3/s3_storage.hpp"

namespace {

class GeneratedSource final : public sdgen::ByteSource {
 public:
  GeneratedSource(const sdgen::DataGenerator& generator, std::uint64_t object)
      : generator_(generator), object_(object) {}
  void read_at(std::uint64_t offset, std::span<std::uint8_t> out) override { generator_.fill(object_, offset, out); }

 private:
  const sdgen::DataGenerator& generator_;
  std::uint64_t object_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s s3://bucket/prefix SIZE_BYTES [COUNT [PART_BYTES [PARTS_IN_FLIGHT]]]\n", argv[0]);
    return 2;
  }
  try {
    const std::uint64_t size = std::stoull(argv[2]);
    const std::uint64_t count = argc > 3 ? std::stoull(argv[3]) : 1;
    sdgen::DataSpec spec;
    spec.seed = 1;
    const sdgen::DataGenerator generator(spec, {count, size});
    sdgen::StorageOptions options;  // defaults: what `sdgen put` uses unless told otherwise
    options.set("create-bucket", "true");
    if (argc > 4) options.set("part-size", argv[4]);
    if (argc > 5) options.set("parts-in-flight", argv[5]);
    auto storage = sdgen::open_s3_storage(argv[1], options);
    std::vector<std::uint8_t> chunk(1u << 20);
    const auto start = std::chrono::steady_clock::now();
    for (std::uint64_t object = 0; object < count; ++object) {
      GeneratedSource source(generator, object);
      auto writer = storage->create("object_" + std::to_string(object), size, source);
      sdgen::ObjectGen stream = generator.begin_object(object);
      while (!stream.done()) {
        const std::span<std::uint8_t> piece(chunk.data(), std::min<std::uint64_t>(chunk.size(), stream.remaining()));
        stream.fill_chunk(piece);
        writer->write(piece);
      }
      writer->complete();
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%llu x %llu bytes in %.3f s: %.1f MiB/s\n", static_cast<unsigned long long>(count),
                static_cast<unsigned long long>(size), seconds, count * size / seconds / (1 << 20));
    return 0;
  } catch (const sdgen::Error& error) {
    std::fprintf(stderr, "sdgen_s3_put_driver: %s\n", error.what());
    return sdgen::exit_code(error.kind());
  }
}
