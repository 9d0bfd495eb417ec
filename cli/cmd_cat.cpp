// sdgen cat: stream a dataset's objects, one after another, to standard output.
#include <algorithm>
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "options.hpp"
#include "sdgen/dataset.hpp"
#include "sdgen/error.hpp"
#include "sdgen/size.hpp"

namespace sdgen::cli {
namespace {

struct CatOptions {
  SpecOptions spec;
  unsigned threads = 1;
  std::string chunk = "4MiB";
};

int run_cat(const CatOptions& options) {
  const std::unique_ptr<Storage> out = open_storage("-", {});  // refuses a terminal
  const DataSpec spec = options.spec.data_spec();
  const GeneratedObjects dataset(spec, options.spec.layout());
  const DataGenerator& generator = dataset.generator();
  std::fprintf(
      stderr, "sdgen: seed %llu, %llu x %s, dedup %g, compress %g (%s, %s chunks, %s unit)\n",
      static_cast<unsigned long long>(spec.seed), static_cast<unsigned long long>(generator.layout().object_count),
      format_bytes(generator.layout().object_bytes).c_str(), spec.dedup, spec.compress, spec.codec.name().c_str(),
      format_bytes(spec.codec_chunk_bytes).c_str(), format_bytes(spec.unit_bytes).c_str());
  const std::uint64_t chunk_bytes = parse_size(options.chunk, "chunk size");
  if (chunk_bytes == 0) throw_invalid("chunk size 0: must be at least 1 byte");
  // Not zero-filled: the generator overwrites it, and faulting pages in twice shows at start-up.
  const auto buffer = std::make_unique_for_overwrite<std::uint8_t[]>(
      std::clamp<std::uint64_t>(dataset.largest_object_bytes(), 1, chunk_bytes));
  FillThreads threads(options.threads);
  for (std::uint64_t object = 0; object < dataset.object_count(); ++object) {
    const std::uint64_t object_bytes = dataset.object_bytes(object);
    ObjectBytes source(dataset, object);
    const std::unique_ptr<ObjectWriter> writer = out->create("", object_bytes, source);
    for (std::uint64_t offset = 0; offset < object_bytes; offset += chunk_bytes) {
      const std::span<std::uint8_t> chunk(buffer.get(), std::min(chunk_bytes, object_bytes - offset));
      generator.fill_parallel(object, offset, chunk, threads);
      writer->write(chunk);
    }
    writer->complete();
  }
  return 0;
}

}  // namespace

void add_cat_command(CLI::App& root, int& exit_code) {
  auto options = std::make_shared<CatOptions>();
  CLI::App* command = root.add_subcommand("cat", "Stream a dataset to standard output");
  options->spec.add_to(*command);
  command->add_option("-t,--threads", options->threads, "Generator threads")->check(CLI::Range(1, 1024));
  command->add_option("--chunk-size", options->chunk, "Bytes generated per write")->capture_default_str();
  command->callback([options, &exit_code] { exit_code = run_cat(*options); });
}

}  // namespace sdgen::cli
