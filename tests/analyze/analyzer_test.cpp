// The analyzer (include/sdgen/analyze.hpp): hand-built inputs with known answers, piecewise
// feeding, stream boundaries, files, and sdgen's own data.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "sdgen/analyze.hpp"
#include "sdgen/error.hpp"
#include "sdgen/generator.hpp"
#include "test_util.hpp"

namespace sdgen {
namespace {

using test::Bytes;
using test::KiB;
using test::MiB;

AnalyzeOptions options(std::uint32_t unit = 4096, bool compression = true) {
  AnalyzeOptions o;
  o.unit_bytes = unit;
  o.measure_compression = compression;
  return o;
}

AnalysisResult analyze_once(const AnalyzeOptions& o, const Bytes& data) {
  Analyzer analyzer(o);
  analyzer.add(data);
  analyzer.end_stream();
  return analyzer.result();
}

void expect_same(const AnalysisResult& a, const AnalysisResult& b) {
  EXPECT_EQ(a.streams, b.streams);
  EXPECT_EQ(a.bytes, b.bytes);
  EXPECT_EQ(a.full_blocks, b.full_blocks);
  EXPECT_EQ(a.distinct_blocks, b.distinct_blocks);
  EXPECT_EQ(a.zero_blocks, b.zero_blocks);
  EXPECT_EQ(a.tail_bytes, b.tail_bytes);
  EXPECT_EQ(a.unique_bytes, b.unique_bytes);
  EXPECT_EQ(a.raw_compressed_bytes, b.raw_compressed_bytes);
  EXPECT_EQ(a.unique_compressed_bytes, b.unique_compressed_bytes);
}

TEST(Analyzer, AllZeroMegabyte) {
  const AnalysisResult r = analyze_once(options(), Bytes(MiB, 0));
  EXPECT_EQ(r.streams, 1u);
  EXPECT_EQ(r.bytes, MiB);
  EXPECT_EQ(r.full_blocks, 256u);
  EXPECT_EQ(r.zero_blocks, 256u);
  EXPECT_EQ(r.distinct_blocks, 1u);
  EXPECT_EQ(r.tail_bytes, 0u);
  EXPECT_EQ(r.unique_bytes, 4096u);
  EXPECT_DOUBLE_EQ(r.dedup_ratio(), 256.0);
  EXPECT_GT(r.raw_compression_ratio(), 1000.0);  // 16 chunks of 64 KiB zeros, a few bytes each
  EXPECT_GT(r.unique_compression_ratio(), 50.0);
  EXPECT_GT(r.total_reduction(), 256.0 * 50);
}

TEST(Analyzer, ThreeCopiesAndOneOther) {
  std::mt19937_64 rng(1);
  const Bytes a = test::random_bytes(rng, 4096), b = test::random_bytes(rng, 4096);
  Bytes data;
  for (const Bytes* block : {&a, &b, &a, &a}) data.insert(data.end(), block->begin(), block->end());
  const AnalysisResult r = analyze_once(options(), data);
  EXPECT_EQ(r.full_blocks, 4u);
  EXPECT_EQ(r.distinct_blocks, 2u);
  EXPECT_EQ(r.zero_blocks, 0u);
  EXPECT_EQ(r.unique_bytes, 8192u);
  EXPECT_DOUBLE_EQ(r.dedup_ratio(), 2.0);
  // Random blocks do not compress: ~1 for the deduplicated data (two blocks) ...
  EXPECT_LE(r.unique_compression_ratio(), 1.01);
  EXPECT_GE(r.unique_compression_ratio(), 0.99);
  // ... while the raw stream (one 16 KiB chunk) holds the repeats.
  EXPECT_GT(r.raw_compression_ratio(), 1.8);
}

TEST(Analyzer, RandomDataCompressesByAboutOne) {
  std::mt19937_64 rng(2);
  const Bytes data = test::random_bytes(rng, 4 * MiB);
  for (const char* codec : {"zstd:1", "zstd:3", "lz4", "zlib:6"}) {
    AnalyzeOptions o = options();
    o.codec = parse_codec(codec);
    const AnalysisResult r = analyze_once(o, data);
    EXPECT_EQ(r.distinct_blocks, 1024u) << codec;
    EXPECT_LE(r.raw_compression_ratio(), 1.01) << codec;
    EXPECT_GE(r.raw_compression_ratio(), 0.99) << codec;
    EXPECT_LE(r.unique_compression_ratio(), 1.01) << codec;
    EXPECT_GE(r.unique_compression_ratio(), 0.99) << codec;
    // The analyzer's compressed sizes are the codec's, chunk by chunk.
    EXPECT_EQ(r.raw_compressed_bytes, test::compressed_size_direct(o.codec, data, o.codec_chunk_bytes)) << codec;
  }
}

TEST(Analyzer, OddPieceSizesEqualOneShot) {
  std::mt19937_64 rng(3);
  // Repeated and zero blocks, and a tail, so every counter is non-trivial.
  Bytes data = test::random_bytes(rng, test::scaled(300 * KiB, 140 * KiB) + 77);
  data.insert(data.end(), data.begin(), data.begin() + 100 * 1024);
  data.insert(data.end(), 20 * KiB, 0);
  data.insert(data.end(), data.begin() + 4096, data.begin() + 50 * 1024);
  for (const std::uint32_t unit : {512u, 4096u, 4097u, 65536u}) {
    SCOPED_TRACE("unit " + std::to_string(unit));
    const AnalysisResult whole = analyze_once(options(unit), data);
    for (const std::vector<std::size_t>& pieces : std::vector<std::vector<std::size_t>>{
             {1}, {7}, {4095}, {4096}, {4097}, {1, 7, 4095, 65537, 3}, {100000}, {70000, 1}}) {
      Analyzer analyzer(options(unit));
      std::size_t at = 0;
      for (std::size_t k = 0; at < data.size(); ++k) {
        const std::size_t n = std::min(pieces[k % pieces.size()], data.size() - at);
        analyzer.add({data.data() + at, n});
        at += n;
      }
      analyzer.end_stream();
      SCOPED_TRACE("first piece " + std::to_string(pieces[0]));
      expect_same(analyzer.result(), whole);
    }
  }
}

TEST(Analyzer, PartialBlockAtTheEndIsATail) {
  std::mt19937_64 rng(4);
  const AnalysisResult r = analyze_once(options(), test::random_bytes(rng, 10 * KiB));
  EXPECT_EQ(r.bytes, 10240u);
  EXPECT_EQ(r.full_blocks, 2u);
  EXPECT_EQ(r.distinct_blocks, 2u);
  EXPECT_EQ(r.tail_bytes, 2048u);
  EXPECT_EQ(r.unique_bytes, 2u * 4096 + 2048);
  EXPECT_DOUBLE_EQ(r.dedup_ratio(), 1.0);

  // A short stream is all tail.
  const AnalysisResult short_stream = analyze_once(options(), Bytes(100, 0));
  EXPECT_EQ(short_stream.full_blocks, 0u);
  EXPECT_EQ(short_stream.tail_bytes, 100u);
  EXPECT_EQ(short_stream.unique_bytes, 100u);
  EXPECT_DOUBLE_EQ(short_stream.dedup_ratio(), 1.0);
}

TEST(Analyzer, SecondStreamRepeatingTheFirstHalvesTheUniqueBlocks) {
  std::mt19937_64 rng(5);
  const Bytes data = test::random_bytes(rng, 10 * KiB);
  Analyzer analyzer(options());
  analyzer.add(data);
  analyzer.end_stream();
  analyzer.add(data);
  analyzer.end_stream();
  const AnalysisResult r = analyzer.result();
  EXPECT_EQ(r.streams, 2u);
  EXPECT_EQ(r.bytes, 20480u);
  EXPECT_EQ(r.full_blocks, 4u);
  EXPECT_EQ(r.distinct_blocks, 2u);
  EXPECT_DOUBLE_EQ(r.dedup_ratio(), 2.0);
  EXPECT_EQ(r.tail_bytes, 4096u);  // each stream's 2 KiB tail counts as unique
  EXPECT_EQ(r.unique_bytes, 2u * 4096 + 4096);
}

// Blocks are cut at each stream's own offsets: a short first stream does not shift the second.
TEST(Analyzer, BlocksAlignToEachStreamsStart) {
  std::mt19937_64 rng(6);
  const Bytes first = test::random_bytes(rng, 1000), block = test::random_bytes(rng, 4096);
  Analyzer analyzer(options());
  analyzer.add(first);
  analyzer.end_stream();
  analyzer.end_stream();  // an empty stream is no stream
  analyzer.add(block);
  analyzer.add(block);
  analyzer.end_stream();
  const AnalysisResult r = analyzer.result();
  EXPECT_EQ(r.streams, 2u);
  EXPECT_EQ(r.full_blocks, 2u);
  EXPECT_EQ(r.distinct_blocks, 1u);
  EXPECT_EQ(r.tail_bytes, 1000u);
}

TEST(Analyzer, DedupOnlyAndEmptyResults) {
  const AnalysisResult empty = Analyzer(options()).result();
  EXPECT_EQ(empty.bytes, 0u);
  EXPECT_DOUBLE_EQ(empty.dedup_ratio(), 1.0);
  EXPECT_DOUBLE_EQ(empty.unique_compression_ratio(), 1.0);

  const AnalysisResult r = analyze_once(options(4096, false), Bytes(MiB, 0));
  EXPECT_EQ(r.full_blocks, 256u);
  EXPECT_EQ(r.distinct_blocks, 1u);
  EXPECT_EQ(r.raw_compressed_bytes, 0u);
  EXPECT_EQ(r.unique_compressed_bytes, 0u);

  AnalyzeOptions zero_unit = options(0);
  EXPECT_THROW(Analyzer{zero_unit}, Error);
}

// sdgen's own data, measured by the analyzer with the spec's codec and chunk: D exactly, C within 3 %.
TEST(Analyzer, MeasuresGeneratedDataExactly) {
  DataSpec spec;
  spec.dedup = 2;
  spec.compress = 3;
  spec.seed = 11;
  const std::uint64_t size = test::scaled(4 * MiB, MiB);
  const DataGenerator g(spec, {4, size});
  Analyzer analyzer(options());
  for (std::uint64_t i = 0; i < 4; ++i) {
    analyzer.add(test::generate_object(g, i));
    analyzer.end_stream();
  }
  const AnalysisResult r = analyzer.result();
  EXPECT_EQ(r.full_blocks, 4 * size / 4096);
  EXPECT_EQ(r.distinct_blocks, g.distinct_full_blocks());
  EXPECT_DOUBLE_EQ(r.dedup_ratio(), 2.0);
  EXPECT_EQ(r.zero_blocks, 0u);
  EXPECT_EQ(r.unique_bytes, g.expected_bytes().unique);
  EXPECT_NEAR(r.unique_compression_ratio() / 3.0, 1.0, 0.03) << "measured " << r.unique_compression_ratio();
  EXPECT_NEAR(r.total_reduction() / 6.0, 1.0, 0.03) << "measured " << r.total_reduction();
}

// Compression on worker threads gives the same numbers as on the caller's thread, whatever the
// pieces, and result() may be read in the middle of a stream.
TEST(Analyzer, ThreadsDoNotChangeResults) {
  std::mt19937_64 rng(8);
  Bytes data = test::random_bytes(rng, MiB + 333);
  data.insert(data.end(), MiB / 2, 0);
  data.insert(data.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(MiB / 2));
  const std::vector<std::uint64_t> chunks =
      test::small_scale() ? std::vector<std::uint64_t>{1000, 65536} : std::vector<std::uint64_t>{1000, 4096, 65536};
  for (const char* codec : {"zstd:1", "lz4"}) {
    for (const std::uint64_t chunk : chunks) {
      AnalyzeOptions o = options();
      o.codec = parse_codec(codec);
      o.codec_chunk_bytes = chunk;
      const AnalysisResult reference = analyze_once(o, data);
      for (const unsigned threads : {2u, 8u}) {
        SCOPED_TRACE(std::string(codec) + " chunk " + std::to_string(chunk) + " threads " + std::to_string(threads));
        o.threads = threads;
        expect_same(analyze_once(o, data), reference);
        Analyzer analyzer(o);
        std::size_t at = 0;
        for (std::size_t k = 0; at < data.size(); ++k) {
          const std::size_t n = std::min<std::size_t>(k % 2 ? 70001 : 1, data.size() - at);
          analyzer.add({data.data() + at, n});
          at += n;
          if (k == 40) (void)analyzer.result();  // mid-stream
        }
        analyzer.end_stream();
        expect_same(analyzer.result(), reference);
      }
    }
  }
}

// An analyzer may be dropped without reading its result (analyze_file throwing on a later file
// does that) while chunks are still queued for its compression threads: destruction must finish
// them or drop them without touching freed memory (ASan checks) and without hanging.
TEST(Analyzer, DestroyedWithChunksInFlight) {
  std::mt19937_64 rng(9);
  const Bytes data = test::random_bytes(rng, 4 * MiB);
  for (int round = 0; round < 3; ++round) {
    AnalyzeOptions o = options();
    o.codec = parse_codec("zlib:6");  // slow, so chunks are still queued at destruction
    o.threads = 4;
    Analyzer analyzer(o);
    analyzer.add(data);
  }
  SUCCEED();
}

class TempFile {
 public:
  explicit TempFile(const Bytes& content) {
    const char* dir = std::getenv("TMPDIR");
    path_ = std::string(dir && *dir ? dir : "/tmp") + "/sdgen_analyzer_test_XXXXXX";
    const int fd = ::mkstemp(path_.data());
    EXPECT_GE(fd, 0) << path_;
    if (fd < 0) return;
    EXPECT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
    ::close(fd);
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(AnalyzeFile, ReadsTheWholeFileAsOneStream) {
  std::mt19937_64 rng(7);
  Bytes data = test::random_bytes(rng, 5 * MiB + 3);  // more than one 4 MiB read
  data.insert(data.end(), data.begin(), data.begin() + 2 * MiB);
  const TempFile file(data);
  Analyzer from_file(options());
  analyze_file(from_file, file.path());
  const AnalysisResult r = from_file.result();
  EXPECT_EQ(r.streams, 1u);
  EXPECT_EQ(r.bytes, data.size());
  expect_same(r, analyze_once(options(), data));
}

TEST(AnalyzeFile, MissingFileIsAnIoErrorNamingThePath) {
  Analyzer analyzer(options());
  const std::string path = "/nonexistent-sdgen-dir/missing.bin";
  const std::string message = test::error_message([&] { analyze_file(analyzer, path); }, ErrorKind::io);
  EXPECT_NE(message.find(path), std::string::npos) << message;
  const std::string dir_message = test::error_message([&] { analyze_file(analyzer, "/"); }, ErrorKind::io);
  EXPECT_EQ(dir_message.rfind("/: ", 0), 0u) << dir_message;  // a directory cannot be read
  EXPECT_EQ(analyzer.result().streams, 0u);
}

}  // namespace
}  // namespace sdgen
