// sdgen bench: generator speed beside memset and memcpy of the same buffers, in the same run.
//
// Two shapes: each thread streaming through its own 1 MiB buffer (cache-resident, as a pipeline
// chunk), and all threads filling one large buffer (memory-bound). Every figure is the median of
// --reps repetitions with the min and max beside it; ratios compare medians of the same run.
#include <algorithm>
#include <barrier>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <thread>
#include <utility>
#include <vector>

#include "commands.hpp"
#include "options.hpp"
#include "sdgen/error.hpp"
#include "sdgen/size.hpp"

namespace sdgen::cli {
namespace {

struct BenchOptions {
  std::string threads = "1,2";
  unsigned reps = 5;
  std::string small = "1MiB";
  std::string large = "256MiB";
  std::string per_rep = "2GiB";
  std::string json_path;
};

// Keeps the compiler from dropping stores to a buffer nobody reads.
inline void clobber(void* p) { asm volatile("" : : "r"(p) : "memory"); }

// Page-aligned and pre-faulted, as the pipeline's buffers are: page faults and split cache lines
// would otherwise be measured instead of the fill.
class AlignedBuffer {
 public:
  AlignedBuffer(std::size_t size, std::uint8_t value)
      : data_(static_cast<std::uint8_t*>(std::aligned_alloc(4096, (size + 4095) / 4096 * 4096))), size_(size) {
    if (!data_) throw_io("out of memory for a " + format_bytes(size) + " buffer");
    std::memset(data_, value, size);
  }
  AlignedBuffer(AlignedBuffer&& other) noexcept : data_(std::exchange(other.data_, nullptr)), size_(other.size_) {}
  AlignedBuffer& operator=(AlignedBuffer&&) = delete;
  ~AlignedBuffer() { std::free(data_); }
  std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }
  operator std::span<std::uint8_t>() const { return {data_, size_}; }

 private:
  std::uint8_t* data_;
  std::size_t size_;
};

struct Stats {
  double median = 0, min = 0, max = 0;
};

Stats summarize(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  const double median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  return {median, values.front(), values.back()};
}

struct Workload {
  std::string name;
  // Fills `out` as thread `thread` of `threads`; `pass` numbers successive calls.
  std::function<void(std::span<std::uint8_t> out, unsigned thread, std::uint64_t pass)> run;
};

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
}

// Runs `work` on `threads` threads, each over its own buffer `passes` times; returns GB/s.
double measure_per_thread(const Workload& work, std::vector<AlignedBuffer>& buffers, unsigned threads,
                          std::uint64_t passes) {
  std::barrier start(threads + 1);
  std::vector<std::jthread> workers;
  for (unsigned t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      start.arrive_and_wait();
      for (std::uint64_t pass = 0; pass < passes; ++pass) {
        work.run(buffers[t], t, pass);
        clobber(buffers[t].data());
      }
    });
  start.arrive_and_wait();
  const auto begin = std::chrono::steady_clock::now();
  workers.clear();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  return static_cast<double>(threads * passes * buffers[0].size()) / seconds / 1e9;
}

// Runs `work` over one large buffer split across `threads` threads (the work splits it itself).
double measure_shared(const Workload& work, AlignedBuffer& buffer, unsigned threads, std::uint64_t passes) {
  const auto begin = std::chrono::steady_clock::now();
  for (std::uint64_t pass = 0; pass < passes; ++pass) {
    work.run(buffer, threads, pass);
    clobber(buffer.data());
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  return static_cast<double>(passes * buffer.size()) / seconds / 1e9;
}

// Splits `out` into one part per thread of `threads` and runs `part` on each in parallel.
void split(std::span<std::uint8_t> out, FillThreads& threads,
           const std::function<void(std::span<std::uint8_t>, std::size_t)>& part) {
  const unsigned n = threads.size();
  const std::size_t piece = out.size() / n;
  threads.run(
      n, [&](unsigned t) { part(out.subspan(t * piece, t + 1 == n ? out.size() - t * piece : piece), t * piece); });
}

int run_bench(const BenchOptions& o) {
  const std::vector<unsigned> thread_counts = parse_thread_list(o.threads);
  const std::uint64_t small_bytes = parse_size(o.small, "small buffer");
  const std::uint64_t large_bytes = parse_size(o.large, "large buffer");
  const std::uint64_t per_rep = parse_size(o.per_rep, "bytes per repetition");
  if (o.reps < 1) throw_invalid("reps 0: need at least one repetition");
  if (small_bytes < 4096 || large_bytes < small_bytes) throw_invalid("buffers: need 4 KiB <= small <= large");

  struct Setting {
    const char* name;
    double dedup, compress;
  };
  const Setting settings[] = {{"gen D=1 C=1", 1, 1}, {"gen D=2 C=2", 2, 2}, {"gen D=1 C=3", 1, 3}};
  // One huge virtual object per setting: successive passes generate new blocks, as a stream does.
  const DatasetLayout layout{1, std::uint64_t{1} << 50};
  std::vector<DataGenerator> generators;
  for (const Setting& s : settings) {
    DataSpec spec;
    spec.dedup = s.dedup;
    spec.compress = s.compress;
    spec.seed = 42;
    generators.emplace_back(spec, layout);
  }

  std::printf("sdgen bench: %s, %u online CPUs, AES implementation %s; GB = 1e9 bytes/s, median [min-max] of %u\n",
              cpu_model().c_str(), std::thread::hardware_concurrency(), DataGenerator::implementation().c_str(),
              o.reps);
  std::printf("spec: unit 4 KiB, codec zstd:1 at 64 KiB chunks; C=2 uses %u, C=3 uses %u random bytes per block\n",
              generators[1].random_bytes_per_block(), generators[2].random_bytes_per_block());
  std::printf("%-8s %-10s %-14s %26s %10s\n", "threads", "buffer", "operation", "GB/s", "vs memset");

  nlohmann::json rows = nlohmann::json::array();
  for (const unsigned threads : thread_counts) {
    for (const bool shared : {false, true}) {
      const std::uint64_t buffer_bytes = shared ? large_bytes : small_bytes;
      std::vector<AlignedBuffer> buffers;
      for (unsigned t = 0; t < (shared ? 1 : threads); ++t) buffers.emplace_back(buffer_bytes, 1);
      AlignedBuffer source(buffer_bytes, 7);
      std::vector<Workload> workloads;
      // Shared buffer: kept threads split it; per-thread buffers: measure_per_thread's threads.
      const auto fill_threads = shared ? std::make_unique<FillThreads>(threads) : nullptr;
      if (shared) {
        workloads.push_back({"memset", [&](std::span<std::uint8_t> out, unsigned, std::uint64_t) {
                               split(out, *fill_threads, [](std::span<std::uint8_t> part, std::size_t) {
                                 std::memset(part.data(), 0, part.size());
                               });
                             }});
        workloads.push_back({"memcpy", [&](std::span<std::uint8_t> out, unsigned, std::uint64_t) {
                               split(out, *fill_threads, [&](std::span<std::uint8_t> part, std::size_t at) {
                                 std::memcpy(part.data(), source.data() + at, part.size());
                               });
                             }});
        for (std::size_t g = 0; g < generators.size(); ++g)
          workloads.push_back({settings[g].name, [&, g](std::span<std::uint8_t> out, unsigned, std::uint64_t pass) {
                                 generators[g].fill_parallel(0, pass * out.size(), out, *fill_threads);
                               }});
      } else {
        workloads.push_back({"memset", [](std::span<std::uint8_t> out, unsigned, std::uint64_t) {
                               std::memset(out.data(), 0, out.size());
                             }});
        workloads.push_back({"memcpy", [&](std::span<std::uint8_t> out, unsigned, std::uint64_t) {
                               std::memcpy(out.data(), source.data(), out.size());
                             }});
        for (std::size_t g = 0; g < generators.size(); ++g)
          workloads.push_back(
              {settings[g].name, [&, g, threads](std::span<std::uint8_t> out, unsigned t, std::uint64_t pass) {
                 generators[g].fill(0, (pass * threads + t) * out.size(), out);
               }});
      }
      const std::uint64_t passes = std::max<std::uint64_t>(1, per_rep / buffer_bytes);
      std::vector<std::vector<double>> samples(workloads.size());
      // Interleave the workloads within each repetition so drift in machine speed hits all alike.
      for (unsigned rep = 0; rep < o.reps; ++rep)
        for (std::size_t w = 0; w < workloads.size(); ++w)
          samples[w].push_back(shared ? measure_shared(workloads[w], buffers[0], threads, passes)
                                      : measure_per_thread(workloads[w], buffers, threads, passes));
      const double memset_median = summarize(samples[0]).median;
      for (std::size_t w = 0; w < workloads.size(); ++w) {
        const Stats s = summarize(samples[w]);
        const std::string buffer = format_bytes(buffer_bytes) + (shared ? " shared" : " each");
        std::printf("%-8u %-10s %-14s %8.2f [%6.2f - %6.2f] %10.2f\n", threads, buffer.c_str(),
                    workloads[w].name.c_str(), s.median, s.min, s.max, s.median / memset_median);
        rows.push_back({{"threads", threads},
                        {"buffer_bytes", buffer_bytes},
                        {"shared_buffer", shared},
                        {"operation", workloads[w].name},
                        {"gb_per_s_median", s.median},
                        {"gb_per_s_min", s.min},
                        {"gb_per_s_max", s.max},
                        {"vs_memset", s.median / memset_median},
                        {"samples", samples[w]}});
      }
    }
  }
  if (!o.json_path.empty())
    write_json_file(o.json_path, {{"command", "bench"},
                                  {"cpu", cpu_model()},
                                  {"online_cpus", std::thread::hardware_concurrency()},
                                  {"implementation", DataGenerator::implementation()},
                                  {"reps", o.reps},
                                  {"results", rows}});
  return 0;
}

}  // namespace

void add_bench_command(CLI::App& root, int& exit_code) {
  auto o = std::make_shared<BenchOptions>();
  CLI::App* command = root.add_subcommand("bench", "Generator speed beside memset/memcpy, same run");
  command->add_option("--threads", o->threads, "Thread counts, comma-separated")->capture_default_str();
  command->add_option("--reps", o->reps, "Repetitions per figure (median reported)")->capture_default_str();
  command->add_option("--small", o->small, "Per-thread buffer size")->capture_default_str();
  command->add_option("--large", o->large, "Shared large buffer size")->capture_default_str();
  command->add_option("--bytes-per-rep", o->per_rep, "Bytes each repetition moves per thread")->capture_default_str();
  command->add_option("--json", o->json_path, "Write the results as JSON to this file");
  command->callback([o, &exit_code] { exit_code = run_bench(*o); });
}

}  // namespace sdgen::cli
