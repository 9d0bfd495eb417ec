// sdgen cat: stream a dataset's objects, one after another, to standard output.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "commands.hpp"
#include "options.hpp"
#include "sdgen/error.hpp"
#include "sdgen/size.hpp"

namespace sdgen::cli {
namespace {

void write_all(int fd, const std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_io(std::string("standard output: ") + std::strerror(errno));
    data += n, size -= static_cast<std::size_t>(n);
  }
}

struct CatOptions {
  SpecOptions spec;
  unsigned threads = 1;
  std::string chunk = "4MiB";
};

int run_cat(const CatOptions& options) {
  if (::isatty(STDOUT_FILENO)) throw_invalid("standard output is a terminal: redirect or pipe it");
  const DataSpec spec = options.spec.data_spec();
  const DataGenerator generator(spec, options.spec.layout());
  std::fprintf(stderr, "sdgen: seed %llu, %llu x %s, dedup %g, compress %g (%s, %s chunks, %s unit)\n",
               static_cast<unsigned long long>(spec.seed),
               static_cast<unsigned long long>(generator.layout().object_count),
               format_bytes(generator.layout().object_bytes).c_str(), spec.dedup, spec.compress,
               spec.codec.name().c_str(), format_bytes(spec.codec_chunk_bytes).c_str(),
               format_bytes(spec.unit_bytes).c_str());
  const std::uint64_t chunk_bytes = parse_size(options.chunk, "chunk size");
  if (chunk_bytes == 0) throw_invalid("chunk size 0: must be at least 1 byte");
  std::vector<std::uint8_t> buffer(chunk_bytes);
  const std::uint64_t object_bytes = generator.layout().object_bytes;
  for (std::uint64_t object = 0; object < generator.layout().object_count; ++object) {
    for (std::uint64_t offset = 0; offset < object_bytes; offset += chunk_bytes) {
      const std::size_t n = std::min(chunk_bytes, object_bytes - offset);
      generator.fill_parallel(object, offset, {buffer.data(), n}, options.threads);
      write_all(STDOUT_FILENO, buffer.data(), n);
    }
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
