// The results documents, built with nlohmann::json; the only place their schema is written.
#include "sdgen/report.hpp"

#include <sys/resource.h>

#include <nlohmann/json.hpp>

#include "sdgen/manifest.hpp"
#include "sdgen/size.hpp"

namespace sdgen {
namespace {

nlohmann::json to_json(const LatencySummary& latency) {
  return {{"count", latency.count}, {"mean_s", latency.mean_s},  {"p50_s", latency.p50_s}, {"p90_s", latency.p90_s},
          {"p99_s", latency.p99_s}, {"p99_9_s", latency.p999_s}, {"max_s", latency.max_s}};
}

nlohmann::json to_json(const PipelineOptions& effective) {
  return {{"jobs", effective.jobs},
          {"threads", effective.threads},
          {"chunk_bytes", effective.chunk_bytes},
          {"queue_depth", effective.queue_depth},
          {"keep_going", effective.keep_going}};
}

nlohmann::json to_json(const ExpectedBytes& expected) {
  return {{"logical_bytes", expected.logical}, {"unique_bytes", expected.unique}, {"stored_bytes", expected.stored}};
}

// What every put / get / verify document says about the dataset it covered.
void describe_dataset(nlohmann::json& document, const Manifest& manifest, const ExpectedBytes& expected,
                      const ObjectSelection& objects) {
  document["seed"] = manifest.spec.seed;
  document["spec"] = nlohmann::json::parse(format_spec(manifest.spec));
  document["layout"] = nlohmann::json::parse(format_layout(manifest.layout));
  document["name_template"] = manifest.name_template;
  document["expected"] = to_json(expected);
  if (!objects.all()) document["selection"] = objects.to_string();
}

nlohmann::json problem_json(const ObjectCheck& check) {
  nlohmann::json j = {{"index", check.index},
                      {"object", check.name},
                      {"status", to_string(check.status)},
                      {"actual_bytes", check.actual_bytes},
                      {"bytes_checked", check.verify.bytes_checked},
                      {"bad_blocks", check.verify.bad_blocks}};
  j["expected_bytes"] = check.expected_bytes ? nlohmann::json(*check.expected_bytes) : nlohmann::json();
  j["first_bad_offset"] =
      check.verify.first_bad_offset ? nlohmann::json(*check.verify.first_bad_offset) : nlohmann::json();
  if (!check.message.empty()) j["message"] = check.message;
  return j;
}

std::string text(const nlohmann::json& document) { return document.dump(2) + "\n"; }

}  // namespace

std::string put_results(const Storage& storage, const GeneratedObjects& dataset, const ObjectSelection& objects,
                        const PutResult& r) {
  nlohmann::json errors = nlohmann::json::array();
  for (const ObjectFailure& failure : r.failures)
    errors.push_back({{"index", failure.index}, {"object", failure.name}, {"message", failure.message}});
  nlohmann::json document = {{"command", "put"}, {"target", storage.describe()}, {"sdgen_version", SDGEN_VERSION}};
  describe_dataset(document, dataset.manifest(), dataset.generator().expected_bytes(), objects);
  document.update({
      {"pipeline", to_json(r.effective)},
      {"objects",
       {{"requested", r.objects_requested},
        {"written", r.objects_written},
        {"failed", r.objects_failed},
        {"skipped", r.objects_skipped}}},
      {"interrupted", r.interrupted},
      {"bytes", r.bytes_written},
      {"bytes_transferred", r.bytes_transferred},
      {"seconds", r.seconds},
      {"mb_per_s", mb_per_s(r.bytes_written, r.seconds)},
      {"ops_per_s", per_s(r.objects_written, r.seconds)},
      {"latency",
       {{"object_write", to_json(r.object_latency.summary())},
        {"chunk_write", to_json(r.chunk_latency.summary())},
        {"complete", to_json(r.complete_latency.summary())}}},
      {"peak_rss_bytes", peak_resident_bytes()},
      {"errors", errors},
  });
  return text(document);
}

std::string read_back_results(const std::string& command, const Storage& storage, const ReadBackSet& set,
                              const ObjectSelection& objects, const GetResult& r) {
  const std::uint64_t read_fully = r.objects_requested - r.objects_missing - r.objects_read_errors;
  nlohmann::json problems = nlohmann::json::array();
  for (const ObjectCheck& check : r.problems) problems.push_back(problem_json(check));
  nlohmann::json document = {
      {"command", command},
      {"target", storage.describe()},
      {"sdgen_version", SDGEN_VERSION},
      {"verified", r.verified},
      {"pipeline", to_json(r.effective)},
      {"objects",
       {{"requested", r.objects_requested},
        {"ok", r.objects_ok},
        {"missing", r.objects_missing},
        {"wrong_size", r.objects_wrong_size},
        {"mismatched", r.objects_mismatched},
        {"read_errors", r.objects_read_errors},
        {"skipped", r.objects_skipped}}},
      {"interrupted", r.interrupted},
      {"bytes", r.bytes_read},
      {"seconds", r.seconds},
      {"mb_per_s", mb_per_s(r.bytes_read, r.seconds)},
      {"ops_per_s", per_s(read_fully, r.seconds)},
      {"latency",
       {{"object_read", to_json(r.object_latency.summary())}, {"chunk_read", to_json(r.chunk_latency.summary())}}},
      {"peak_rss_bytes", peak_resident_bytes()},
      {"errors", problems},
  };
  if (set.manifest) describe_dataset(document, *set.manifest, set.dataset->generator().expected_bytes(), objects);
  return text(document);
}

std::string analysis_results(const AnalysisResult& r, const AnalyzeOptions& options,
                             const std::vector<std::string>& paths) {
  nlohmann::json j = {
      {"command", "analyze"},
      {"sdgen_version", SDGEN_VERSION},
      {"paths", paths},
      {"unit_bytes", options.unit_bytes},
      {"streams", r.streams},
      {"bytes", r.bytes},
      {"full_blocks", r.full_blocks},
      {"distinct_blocks", r.distinct_blocks},
      {"zero_blocks", r.zero_blocks},
      {"tail_bytes", r.tail_bytes},
      {"unique_bytes", r.unique_bytes},
      {"dedup_ratio", r.dedup_ratio()},
  };
  if (options.measure_compression) {
    j["codec"] = options.codec.name();
    j["codec_chunk_bytes"] = options.codec_chunk_bytes;
    j["raw_compressed_bytes"] = r.raw_compressed_bytes;
    j["unique_compressed_bytes"] = r.unique_compressed_bytes;
    j["raw_compression_ratio"] = r.raw_compression_ratio();
    j["unique_compression_ratio"] = r.unique_compression_ratio();
    j["total_reduction"] = r.total_reduction();
  }
  return text(j);
}

std::string describe_problem(const ObjectCheck& check, std::uint32_t unit_bytes) {
  std::string line = check.name + ": " + to_string(check.status);
  if (check.status == ObjectStatus::read_error) return line + ": " + check.message;
  if (check.status == ObjectStatus::missing) return line;
  if (check.status == ObjectStatus::wrong_size)
    line += ": " + std::to_string(check.actual_bytes) + " bytes, expected " + std::to_string(*check.expected_bytes);
  if (check.verify.bytes_checked == 0) return line;
  if (check.verify.ok()) return line + " (the " + std::to_string(check.verify.bytes_checked) + " bytes checked match)";
  return line + (check.status == ObjectStatus::wrong_size ? "; " : ": ") + std::to_string(check.verify.bad_blocks) +
         " bad block(s) of " + format_bytes(unit_bytes) + ", first bad byte at offset " +
         std::to_string(*check.verify.first_bad_offset);
}

double mb_per_s(std::uint64_t bytes, double seconds) {
  return seconds > 0 ? static_cast<double>(bytes) / seconds / 1e6 : 0;
}

double per_s(std::uint64_t count, double seconds) { return seconds > 0 ? static_cast<double>(count) / seconds : 0; }

std::uint64_t peak_resident_bytes() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

}  // namespace sdgen
