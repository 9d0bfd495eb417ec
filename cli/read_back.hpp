// get and verify share one implementation: read a dataset back through the pipeline and, for
// verify (or get --verify), compare every byte with what the manifest's spec generates.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "transfer.hpp"

namespace sdgen::cli {

struct ReadBackOptions {
  std::string uri;
  PipelineCliOptions pipeline;
  StorageCliOptions storage;
  SelectionCliOptions selection;
  bool verify = false;
  std::string json_path;
  bool quiet = false;
};

// Registers the options both commands take (not --verify: that is get's alone).
void add_read_back_options(CLI::App& command, ReadBackOptions& options);

// `command`: "get" or "verify", for messages and the JSON document. Returns the exit code; throws
// Error (mismatch) when any object is missing, has the wrong size or differs.
int run_read_back(const ReadBackOptions& options, const std::string& command);

}  // namespace sdgen::cli
