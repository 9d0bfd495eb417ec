// Command-line options shared by the sdgen commands, and their translation into library structs.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "sdgen/analyze.hpp"
#include "sdgen/generator.hpp"
#include "sdgen/spec.hpp"

namespace sdgen::cli {

// The data spec and layout options as typed on the command line (sizes as text).
struct SpecOptions {
  double dedup = 1.0;
  double compress = 1.0;
  std::string unit = "4KiB";
  std::string codec = "zstd:1";
  std::string codec_chunk = "64KiB";
  std::optional<std::string> seed;  // as typed: parsed strictly in data_spec()
  std::string scope = "dataset";
  std::string count = "1";
  std::string size;

  void add_to(CLI::App& command);
  DataSpec data_spec() const;  // draws a random seed when none was given
  DatasetLayout layout() const;
};

nlohmann::json to_json(const DataSpec& spec);

// Writes a results document to `path`; throws Error when the file cannot be written.
void write_json_file(const std::string& path, const std::string& document);
void write_json_file(const std::string& path, const nlohmann::json& document);

// Parses "1,2,4" into thread counts >= 1.
std::vector<unsigned> parse_thread_list(const std::string& text);

}  // namespace sdgen::cli
