// Measures the dedup and compression ratios of any byte stream: sdgen's own data or real data.
//
// Dedup: the stream is cut into `unit_bytes` blocks at unit-aligned offsets of each stream (file);
// blocks are identified by their 128-bit XXH3 hash. A partial block at a stream's end is counted
// as unique data but not as a block. Compression: the raw stream, and the deduplicated stream
// (each distinct block once, in order of first appearance, plus partial tails), each compressed
// in `codec_chunk_bytes` pieces with `codec`.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "sdgen/codec.hpp"

#pragma GCC visibility push(default)
namespace sdgen {

struct AnalyzeOptions {
  std::uint32_t unit_bytes = 4096;  // any size >= 1; usually a multiple of 512
  CodecSpec codec{};
  std::uint64_t codec_chunk_bytes = 64 * 1024;
  bool measure_compression = true;  // false: dedup and zero blocks only (hashing speed)
  // Threads compressing chunks (hashing stays on the caller's thread). Results do not depend on it.
  unsigned threads = 1;
};

struct AnalysisResult {
  std::uint64_t streams = 0;
  std::uint64_t bytes = 0;
  std::uint64_t full_blocks = 0;
  std::uint64_t distinct_blocks = 0;
  std::uint64_t zero_blocks = 0;
  std::uint64_t tail_bytes = 0;            // bytes in partial blocks at stream ends
  std::uint64_t unique_bytes = 0;          // distinct blocks x unit + tail bytes
  std::uint64_t raw_compressed_bytes = 0;  // the raw streams compressed
  std::uint64_t unique_compressed_bytes = 0;

  double dedup_ratio() const;               // full blocks / distinct blocks
  double raw_compression_ratio() const;     // bytes / raw compressed
  double unique_compression_ratio() const;  // unique bytes / unique compressed: the "C" of a spec
  double total_reduction() const;           // bytes / unique compressed
};

// Streaming analysis. Feed each stream with add() in as many pieces as convenient, then
// end_stream(); result() may be read at any time. Not thread-safe (it may use worker threads inside).
class Analyzer {
 public:
  explicit Analyzer(const AnalyzeOptions& options);
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  void add(std::span<const std::uint8_t> bytes);
  void end_stream();
  AnalysisResult result() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Analyzes one file (or standard input for "-"), reading it in large pieces. Throws Error.
void analyze_file(Analyzer& analyzer, const std::string& path);

}  // namespace sdgen
#pragma GCC visibility pop
