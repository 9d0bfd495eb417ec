// Results documents: the one JSON schema of put, get, verify and analyze (SPEC section 3), and
// the figures the human summaries print.
//
// Each document is a JSON object as text (pretty-printed, one trailing newline) with at least
// "command", "sdgen_version" and the run's figures. put / get / verify state the target, seed,
// spec, layout, expected logical / unique / stored bytes, object counts, bytes, seconds, MB/s
// (1e6 bytes), ops/s, latency percentiles per operation (seconds), peak resident memory and every
// error. Front ends write or parse these; they never assemble their own.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sdgen/analyze.hpp"
#include "sdgen/dataset.hpp"
#include "sdgen/pipeline.hpp"

#pragma GCC visibility push(default)
namespace sdgen {

std::string put_results(const Storage& storage, const GeneratedObjects& dataset, const ObjectSelection& objects,
                        const PutResult& result);
// `command`: "get" or "verify".
std::string read_back_results(const std::string& command, const Storage& storage, const ReadBackSet& set,
                              const ObjectSelection& objects, const GetResult& result);
std::string analysis_results(const AnalysisResult& result, const AnalyzeOptions& options,
                             const std::vector<std::string>& paths);

// One line for an object that is not ok: "obj_3: mismatch: 2 bad block(s) of 4 KiB, first bad
// byte at offset 8192", "obj_4: wrong size: 10 bytes, expected 4096", "obj_5: missing", ...
std::string describe_problem(const ObjectCheck& check, std::uint32_t unit_bytes);

// Megabytes (1e6) and operations per second, 0 for a zero duration.
double mb_per_s(std::uint64_t bytes, double seconds);
double per_s(std::uint64_t count, double seconds);
// The process's peak resident memory so far, in bytes.
std::uint64_t peak_resident_bytes();

}  // namespace sdgen
#pragma GCC visibility pop
