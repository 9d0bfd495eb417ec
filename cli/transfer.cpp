#include "transfer.hpp"

#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>

#include "sdgen/error.hpp"
#include "sdgen/size.hpp"

namespace sdgen::cli {

void PipelineCliOptions::add_to(CLI::App& command, bool writing) {
  command.add_option("-j,--jobs", jobs, "Objects in flight (1-4096)")->capture_default_str();
  command
      .add_option("-t,--threads", threads,
                  writing ? "Generator threads (0: one per CPU)" : "Verifying threads (0: one per CPU)")
      ->capture_default_str();
  command.add_option("--chunk-size", chunk, "Bytes per write/read call and per pool buffer")->capture_default_str();
  command.add_option("--queue-depth", queue_depth, "Buffers in the pool: memory = queue depth x chunk size")
      ->capture_default_str();
  if (writing)
    command.add_flag("--keep-going", keep_going, "After a failed object, keep starting new ones (default: stop)");
}

PipelineOptions PipelineCliOptions::pipeline_options() const {
  PipelineOptions options;
  options.jobs = jobs;
  options.threads = threads;
  options.chunk_bytes = parse_size(chunk, "chunk size");
  options.queue_depth = queue_depth;
  options.keep_going = keep_going;
  validate(options);
  return options;
}

void StorageCliOptions::add_to(CLI::App& command, bool writing) {
  // Options by name, in the backends' order, with the targets of the backends that take each.
  struct Merged {
    const BackendOption* option;
    std::string targets;
  };
  std::vector<Merged> merged;
  for (const StorageBackend& backend : storage_backends()) {
    for (const BackendOption& option : backend.options) {
      if (option.writing_only && !writing) continue;
      auto same =
          std::find_if(merged.begin(), merged.end(), [&](const Merged& m) { return m.option->name == option.name; });
      if (same == merged.end())
        merged.push_back({&option, std::string(backend.target)});
      else
        same->targets += ", " + std::string(backend.target);
    }
  }
  for (const Merged& entry : merged) {
    const BackendOption& option = *entry.option;
    Flag& flag = flags_.emplace_back();
    flag.name = std::string(option.name);
    const std::string help = entry.targets + ": " + std::string(option.help);
    if (option.kind == BackendOption::Kind::flag) {
      flag.option = command.add_flag("--" + flag.name, flag.on, help);
    } else {
      flag.option = command.add_option("--" + flag.name, flag.value, help);
      if (!option.default_value.empty()) flag.option->default_str(std::string(option.default_value));
    }
  }
}

StorageOptions StorageCliOptions::storage_options(const std::string& target) const {
  const StorageBackend& backend = storage_backend_of(target);
  StorageOptions options;
  for (const Flag& flag : flags_) {
    if (flag.option->count() == 0) continue;
    const bool taken = std::any_of(backend.options.begin(), backend.options.end(),
                                   [&](const BackendOption& option) { return option.name == flag.name; });
    if (!taken) throw_invalid("--" + flag.name + ": does not apply to " + std::string(backend.target) + " targets");
    options.set(flag.name, flag.value.empty() && flag.on ? "true" : flag.value);
  }
  return options;
}

void SelectionCliOptions::add_to(CLI::App& command) {
  command.add_option("--objects", objects,
                     "Only these objects of the dataset, FIRST:END[:STRIDE] as a Python slice (0:100, 100:, 1::2)");
  command.add_option("--name-prefix", name_prefix,
                     "Raw prefix in front of every object name and the manifest's (datasets side by side)");
}

ObjectSelection SelectionCliOptions::selection() const {
  return objects.empty() ? ObjectSelection{} : ObjectSelection::parse(objects, "--objects");
}

namespace {

// SIGUSR1 only wakes the waiter when the run is over.
sigset_t interrupt_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);
  return set;
}

}  // namespace

InterruptToStop::InterruptToStop() {
  const sigset_t signals = interrupt_signals();
  pthread_sigmask(SIG_BLOCK, &signals, &previous_mask_);
  waiter_ = std::jthread([this, signals] {
    bool stopping = false;
    for (;;) {
      int signal = 0;
      if (sigwait(&signals, &signal) != 0) return;
      if (finished_.load()) return;
      if (signal == SIGUSR1) continue;
      if (stopping) {
        std::fputs("\nsdgen: interrupted again: exiting without cleaning up\n", stderr);
        std::_Exit(128 + signal);
      }
      stopping = true;
      signal_.store(signal);
      std::fputs("\nsdgen: interrupted: aborting the objects in flight (interrupt again to exit at once)\n", stderr);
      source_.request_stop();
    }
  });
}

InterruptToStop::~InterruptToStop() {
  finished_.store(true);
  pthread_kill(waiter_.native_handle(), SIGUSR1);
  waiter_.join();
  pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

bool progress_wanted(bool quiet) { return !quiet && ::isatty(STDERR_FILENO); }

ProgressBar::ProgressBar(const TransferProgress& progress, std::uint64_t total_bytes, std::uint64_t total_objects,
                         bool enabled)
    : progress_(progress), total_bytes_(total_bytes), total_objects_(total_objects) {
  if (!enabled) return;
  thread_ = std::jthread([this](std::stop_token stop) {
    const auto start = std::chrono::steady_clock::now();
    std::mutex mutex;
    std::condition_variable_any wake;
    std::unique_lock lock(mutex);
    // A timed wait that a stop request ends at once: the redraw interval, not synchronisation.
    for (;;) {
      wake.wait_for(lock, stop, std::chrono::milliseconds(250), [] { return false; });
      if (stop.stop_requested()) break;
      draw(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
  });
}

ProgressBar::~ProgressBar() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

void ProgressBar::draw(double seconds) const {
  const std::uint64_t bytes = progress_.bytes.load(std::memory_order_relaxed);
  const std::uint64_t objects = progress_.objects.load(std::memory_order_relaxed);
  const std::uint64_t failed = progress_.failed.load(std::memory_order_relaxed);
  const double rate = seconds > 0 ? static_cast<double>(bytes) / seconds : 0;
  const double percent = total_bytes_ ? 100.0 * static_cast<double>(bytes) / static_cast<double>(total_bytes_) : 0;
  std::string eta = "--";
  if (rate > 0 && total_bytes_ > bytes) {
    const long left = std::lround(static_cast<double>(total_bytes_ - bytes) / rate);
    char text[32];
    if (left < 60)
      std::snprintf(text, sizeof text, "%ld s", left);
    else
      std::snprintf(text, sizeof text, "%ldm%02lds", left / 60, left % 60);
    eta = text;
  }
  std::string failures = failed ? "  " + std::to_string(failed) + " failed" : "";
  std::fprintf(stderr, "\r\033[K%s / %s  %3.0f%%  %llu/%llu objects%s  %.1f MB/s  ETA %s", format_bytes(bytes).c_str(),
               format_bytes(total_bytes_).c_str(), percent, static_cast<unsigned long long>(objects),
               static_cast<unsigned long long>(total_objects_), failures.c_str(), rate / 1e6, eta.c_str());
  std::fflush(stderr);
}

std::string format_seconds(double seconds) {
  char text[32];
  if (seconds < 1e-6)
    std::snprintf(text, sizeof text, "%.0f ns", seconds * 1e9);
  else if (seconds < 1e-3)
    std::snprintf(text, sizeof text, "%.0f us", seconds * 1e6);
  else if (seconds < 1)
    std::snprintf(text, sizeof text, "%.2f ms", seconds * 1e3);
  else if (seconds < 120)
    std::snprintf(text, sizeof text, "%.2f s", seconds);
  else
    std::snprintf(text, sizeof text, "%ldm%02lds", std::lround(seconds) / 60, std::lround(seconds) % 60);
  return text;
}

std::string format_latency(const LatencySummary& latency) {
  return "p50 " + format_seconds(latency.p50_s) + ", p90 " + format_seconds(latency.p90_s) + ", p99 " +
         format_seconds(latency.p99_s) + ", p99.9 " + format_seconds(latency.p999_s) + ", max " +
         format_seconds(latency.max_s);
}

}  // namespace sdgen::cli
