// What put, get and verify share: pipeline and storage options, the progress bar, and the
// pieces of the human summary and of the JSON results document (SPEC section 3).
#pragma once

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>

#include "sdgen/latency.hpp"
#include "sdgen/pipeline.hpp"
#include "sdgen/report.hpp"
#include "sdgen/storage.hpp"

namespace sdgen::cli {

// --jobs, --threads, --chunk-size, --queue-depth (and --keep-going for writers).
struct PipelineCliOptions {
  unsigned jobs = PipelineOptions{}.jobs;
  unsigned threads = PipelineOptions{}.threads;
  std::string chunk = "1MiB";
  unsigned queue_depth = PipelineOptions{}.queue_depth;
  bool keep_going = false;

  void add_to(CLI::App& command, bool writing);
  PipelineOptions pipeline_options() const;  // validated
};

// A flag "--NAME" for each option in the backends' tables (storage.hpp: storage_backends()), so
// that a new backend brings its flags without a change here; the reading commands get only the
// options that apply to reading. One name taken by several backends (fsync) is one flag.
class StorageCliOptions {
 public:
  void add_to(CLI::App& command, bool writing);
  // The flags given, for the backend that `target` names. Throws Error (invalid_argument) for a
  // flag that backend does not take, before anything is opened or written:
  // "--part-size: does not apply to file:// targets".
  StorageOptions storage_options(const std::string& target) const;

 private:
  struct Flag {
    std::string name;
    CLI::Option* option = nullptr;
    std::string value;  // a text, size or count option's
    bool on = false;    // a flag's
  };
  std::deque<Flag> flags_;  // a deque: CLI11 keeps pointers to value and on
};

// --objects (which objects of the dataset a run covers) and --name-prefix (a raw prefix in front
// of every object name and the manifest's, for datasets kept side by side in one directory).
struct SelectionCliOptions {
  std::string objects;
  std::string name_prefix;

  void add_to(CLI::App& command);
  ObjectSelection selection() const;  // all objects when --objects is not given
};

// A one-line progress bar on stderr, redrawn a few times a second by its own thread: bytes,
// objects, rate and ETA. Draws nothing unless `enabled` (stderr is a terminal and not --quiet).
class ProgressBar {
 public:
  ProgressBar(const TransferProgress& progress, std::uint64_t total_bytes, std::uint64_t total_objects, bool enabled);
  ~ProgressBar();  // stops and erases the bar
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

 private:
  void draw(double seconds) const;

  const TransferProgress& progress_;
  std::uint64_t total_bytes_;
  std::uint64_t total_objects_;
  std::jthread thread_;
};

// Turns SIGINT and SIGTERM into a stop request for the pipeline, which then aborts the objects in
// flight (no partial files, no open multipart uploads) and reports them. The signals are blocked
// in this thread and so in every thread started after it; one thread takes them with sigwait(),
// so nothing runs in a signal handler. A second signal ends the process at once (exit 130).
// Construct it before the pipeline's threads start; destroying it restores the signal mask.
class InterruptToStop {
 public:
  InterruptToStop();
  ~InterruptToStop();
  InterruptToStop(const InterruptToStop&) = delete;
  InterruptToStop& operator=(const InterruptToStop&) = delete;

  std::stop_token token() const { return source_.get_token(); }
  // The signal that asked to stop (SIGINT, SIGTERM), 0 while none did.
  int signal() const { return signal_.load(); }

 private:
  std::stop_source source_;
  sigset_t previous_mask_{};
  std::atomic<bool> finished_{false};
  std::atomic<int> signal_{0};
  std::jthread waiter_;
};

// Ends a run that a signal stopped, after its clean-up: main prints the message as an error and
// exits with 128 + the signal (130 for SIGINT, 143 for SIGTERM), as a shell reports such a process.
class Interrupted : public std::runtime_error {
 public:
  Interrupted(int signal, const std::string& message) : std::runtime_error(message), exit_code_(128 + signal) {}
  int exit_code() const noexcept { return exit_code_; }

 private:
  int exit_code_;
};

bool progress_wanted(bool quiet);  // stderr is a terminal and the user did not ask for quiet

// "p50 1.20 ms  p90 ...  max 4.1 ms" for the summary.
std::string format_latency(const LatencySummary& latency);
std::string format_seconds(double seconds);

}  // namespace sdgen::cli
