// sdgen analyze: measure dedup and compression ratios of any files (or standard input).
#include <algorithm>
#include <cstdio>
#include <thread>

#include "commands.hpp"
#include "options.hpp"
#include "sdgen/error.hpp"
#include "sdgen/report.hpp"
#include "sdgen/size.hpp"

namespace sdgen::cli {
namespace {

struct AnalyzeCommandOptions {
  std::vector<std::string> paths;
  std::string unit = "4KiB";
  std::string codec = "zstd:1";
  std::string codec_chunk = "64KiB";
  bool no_compress = false;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::string json_path;
};

int run_analyze(const AnalyzeCommandOptions& o) {
  AnalyzeOptions options;
  const std::uint64_t unit = parse_size(o.unit, "unit");
  if (unit == 0 || unit > (std::uint64_t{64} << 20)) throw_invalid("unit " + o.unit + ": must be from 1 B to 64 MiB");
  options.unit_bytes = static_cast<std::uint32_t>(unit);
  options.codec = parse_codec(o.codec);
  options.codec_chunk_bytes = parse_size(o.codec_chunk, "codec chunk");
  if (options.codec_chunk_bytes == 0 || options.codec_chunk_bytes > (std::uint64_t{1} << 30))
    throw_invalid("codec chunk " + o.codec_chunk + ": must be from 1 B to 1 GiB");
  options.measure_compression = !o.no_compress;
  options.threads = o.threads;

  Analyzer analyzer(options);
  for (const std::string& path : o.paths) analyze_file(analyzer, path);
  const AnalysisResult r = analyzer.result();

  std::printf("analyzed %llu stream(s), %llu bytes (%s)\n", static_cast<unsigned long long>(r.streams),
              static_cast<unsigned long long>(r.bytes), format_bytes(r.bytes).c_str());
  std::printf("dedup at %s:      %.4f  (%llu full blocks, %llu distinct, %llu all-zero, %llu tail bytes)\n",
              format_bytes(options.unit_bytes).c_str(), r.dedup_ratio(), static_cast<unsigned long long>(r.full_blocks),
              static_cast<unsigned long long>(r.distinct_blocks), static_cast<unsigned long long>(r.zero_blocks),
              static_cast<unsigned long long>(r.tail_bytes));
  if (options.measure_compression) {
    const std::string codec = options.codec.name() + " at " + format_bytes(options.codec_chunk_bytes);
    std::printf("compression, %s, raw stream:    %.4f\n", codec.c_str(), r.raw_compression_ratio());
    std::printf("compression, %s, deduplicated:  %.4f\n", codec.c_str(), r.unique_compression_ratio());
    std::printf("total reduction (dedup x compression):  %.4f\n", r.total_reduction());
  }
  if (!o.json_path.empty()) write_json_file(o.json_path, analysis_results(r, options, o.paths));
  return 0;
}

}  // namespace

void add_analyze_command(CLI::App& root, int& exit_code) {
  auto o = std::make_shared<AnalyzeCommandOptions>();
  CLI::App* command = root.add_subcommand("analyze", "Measure dedup and compression ratios of files ('-': stdin)");
  command->add_option("paths", o->paths, "Files to analyze, or - for standard input")->required();
  command->add_option("--unit", o->unit, "Dedup block size")->capture_default_str();
  command->add_option("--codec", o->codec, "zstd[:N], lz4 or zlib[:N]")->capture_default_str();
  command->add_option("--codec-chunk", o->codec_chunk, "Compress in pieces of this size")->capture_default_str();
  command->add_option("-t,--threads", o->threads, "Compression threads (default: all CPUs)")
      ->check(CLI::Range(1, 1024));
  command->add_flag("--no-compress", o->no_compress, "Measure dedup only");
  command->add_option("--json", o->json_path, "Write the results as JSON to this file");
  command->callback([o, &exit_code] { exit_code = run_analyze(*o); });
}

}  // namespace sdgen::cli
