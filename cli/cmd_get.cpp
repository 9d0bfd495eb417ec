// sdgen get: read a dataset back and report throughput and latency; --verify also compares every
// byte with what the manifest's spec generates (the same work as sdgen verify).
#include <algorithm>
#include <cstdio>

#include "commands.hpp"
#include "options.hpp"
#include "read_back.hpp"
#include "sdgen/error.hpp"
#include "sdgen/manifest.hpp"
#include "sdgen/pipeline.hpp"
#include "sdgen/size.hpp"

namespace sdgen::cli {
namespace {

constexpr std::size_t kProblemsListed = 10;

std::string describe_problem(const ObjectCheck& check, std::uint32_t unit_bytes) {
  std::string text = check.name + ": " + to_string(check.status);
  if (check.status == ObjectStatus::read_error) return text + ": " + check.message;
  if (check.status == ObjectStatus::missing) return text;
  if (check.status == ObjectStatus::wrong_size)
    text += ": " + std::to_string(check.actual_bytes) + " bytes, expected " + std::to_string(*check.expected_bytes);
  if (check.verify.bytes_checked == 0) return text;
  if (check.verify.ok()) return text + " (the " + std::to_string(check.verify.bytes_checked) + " bytes checked match)";
  return text + (check.status == ObjectStatus::wrong_size ? "; " : ": ") + std::to_string(check.verify.bad_blocks) +
         " bad block(s) of " + format_bytes(unit_bytes) + ", first bad byte at offset " +
         std::to_string(*check.verify.first_bad_offset);
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

}  // namespace

void add_read_back_options(CLI::App& command, ReadBackOptions& o) {
  command
      .add_option("uri", o.uri, "The URI given to put: file:///dir/prefix, direct:///dir/prefix, s3://bucket/prefix")
      ->required();
  o.pipeline.add_to(command, false);
  o.storage.add_to(command, false);
  command.add_option("--json", o.json_path, "Write the results as JSON to this file");
  command.add_flag("-q,--quiet", o.quiet, "No progress bar and no summary");
}

int run_read_back(const ReadBackOptions& o, const std::string& command) {
  const PipelineOptions pipeline = o.pipeline.pipeline_options();
  const std::unique_ptr<Storage> storage = open_storage(o.uri, o.storage.storage_options(o.uri));
  const StorageCapabilities capabilities = storage->capabilities();
  if (capabilities.discards_data || !capabilities.readable)
    throw_invalid(command + " " + storage->describe() + ": this target is write-only, nothing can be read back");

  const std::optional<Manifest> manifest = read_manifest(*storage);
  if (!manifest && o.verify)
    throw_io(storage->describe() + ": no " + kManifestName +
             " here, so nothing to verify against (was this written by sdgen put, with this URI?)");

  std::optional<DataGenerator> generator;
  std::optional<NameTemplate> names;
  std::vector<ObjectInfo> listed;
  std::uint64_t count = 0;
  std::uint64_t total_bytes = 0;
  std::function<ObjectToRead(std::uint64_t)> object_at;
  if (manifest) {
    generator.emplace(manifest->spec, manifest->layout);
    names.emplace(manifest->name_template, manifest->layout.object_count);
    count = manifest->layout.object_count;
    total_bytes = count * manifest->layout.object_bytes;
    object_at = [&](std::uint64_t index) -> ObjectToRead {
      return {index, names->name(index), manifest->layout.object_bytes};
    };
  } else {
    // No manifest: read whatever is under the prefix, for throughput only.
    listed = storage->list("");
    std::sort(listed.begin(), listed.end(), [](const ObjectInfo& a, const ObjectInfo& b) { return a.name < b.name; });
    count = listed.size();
    for (const ObjectInfo& object : listed) total_bytes += object.size;
    object_at = [&](std::uint64_t index) -> ObjectToRead { return {index, listed[index].name, std::nullopt}; };
  }

  std::FILE* report = stdout;
  if (!o.quiet) {
    if (manifest)
      std::fprintf(report, "sdgen %s %s: %llu x %s from the manifest (seed %llu, written by sdgen %s)\n",
                   command.c_str(), storage->describe().c_str(), static_cast<unsigned long long>(count),
                   format_bytes(manifest->layout.object_bytes).c_str(),
                   static_cast<unsigned long long>(manifest->spec.seed), manifest->sdgen_version.c_str());
    else
      std::fprintf(report, "sdgen %s %s: no manifest; %llu objects listed (%s)\n", command.c_str(),
                   storage->describe().c_str(), static_cast<unsigned long long>(count),
                   format_bytes(total_bytes).c_str());
    std::fflush(report);
  }

  TransferProgress progress;
  GetResult result;
  {
    InterruptToStop interrupt;
    ProgressBar bar(progress, total_bytes, count, progress_wanted(o.quiet));
    result = get_objects(*storage, count, object_at, o.verify ? &*generator : nullptr, pipeline, &progress,
                         interrupt.token());
  }

  const std::uint64_t read_fully = result.objects_requested - result.objects_missing - result.objects_read_errors;
  if (!o.quiet) {
    std::fprintf(report, "read %llu of %llu objects, %s in %s: %.1f MB/s, %.1f objects/s\n",
                 static_cast<unsigned long long>(read_fully), static_cast<unsigned long long>(result.objects_requested),
                 format_bytes(result.bytes_read).c_str(), format_seconds(result.seconds).c_str(),
                 mb_per_s(result.bytes_read, result.seconds), per_s(read_fully, result.seconds));
    if (result.object_latency.count())
      std::fprintf(report, "  per object: %s\n", format_latency(result.object_latency.summary()).c_str());
    if (result.chunk_latency.count())
      std::fprintf(report, "  per read of up to %s: %s\n", format_bytes(result.effective.chunk_bytes).c_str(),
                   format_latency(result.chunk_latency.summary()).c_str());
    if (result.verified && result.all_ok())
      std::fprintf(report, "verified: all %llu objects match the manifest, byte for byte\n",
                   static_cast<unsigned long long>(result.objects_requested));
  }
  const std::uint32_t unit_bytes = manifest ? manifest->spec.unit_bytes : 0;
  for (std::size_t i = 0; i < result.problems.size() && i < kProblemsListed; ++i)
    std::fprintf(stderr, "sdgen: %s\n", describe_problem(result.problems[i], unit_bytes).c_str());
  if (result.problems.size() > kProblemsListed)
    std::fprintf(stderr, "sdgen: ... and %zu more objects with problems (all in --json)\n",
                 result.problems.size() - kProblemsListed);

  if (!o.json_path.empty()) {
    nlohmann::json problems = nlohmann::json::array();
    for (const ObjectCheck& check : result.problems) problems.push_back(problem_json(check));
    nlohmann::json document = {
        {"command", command},
        {"target", storage->describe()},
        {"sdgen_version", SDGEN_VERSION},
        {"verified", result.verified},
        {"pipeline", to_json(result.effective)},
        {"objects",
         {{"requested", result.objects_requested},
          {"ok", result.objects_ok},
          {"missing", result.objects_missing},
          {"wrong_size", result.objects_wrong_size},
          {"mismatched", result.objects_mismatched},
          {"read_errors", result.objects_read_errors},
          {"skipped", result.objects_skipped}}},
        {"interrupted", result.interrupted},
        {"bytes", result.bytes_read},
        {"seconds", result.seconds},
        {"mb_per_s", mb_per_s(result.bytes_read, result.seconds)},
        {"ops_per_s", per_s(read_fully, result.seconds)},
        {"latency",
         {{"object_read", to_json(result.object_latency.summary())},
          {"chunk_read", to_json(result.chunk_latency.summary())}}},
        {"peak_rss_bytes", peak_resident_bytes()},
        {"errors", problems},
    };
    if (manifest) {
      const ExpectedBytes expected = generator->expected_bytes();
      document["seed"] = manifest->spec.seed;
      document["spec"] = to_json(manifest->spec);
      document["layout"] = {{"count", manifest->layout.object_count}, {"size", manifest->layout.object_bytes}};
      document["name_template"] = manifest->name_template;
      document["expected"] = {
          {"logical_bytes", expected.logical}, {"unique_bytes", expected.unique}, {"stored_bytes", expected.stored}};
    }
    write_json_file(o.json_path, document);
  }

  if (result.interrupted)
    throw_io(command + ": interrupted after " + std::to_string(result.objects_ok) + " of " +
             std::to_string(result.objects_requested) + " objects checked clean; " +
             std::to_string(result.problems.size()) + " with problems or cut short, " +
             std::to_string(result.objects_skipped) + " not started");
  const std::uint64_t differing = result.objects_missing + result.objects_wrong_size + result.objects_mismatched;
  if (differing)
    throw Error(ErrorKind::mismatch,
                command + ": " + std::to_string(differing) + " of " + std::to_string(result.objects_requested) +
                    " objects do not match the manifest (" + std::to_string(result.objects_missing) + " missing, " +
                    std::to_string(result.objects_wrong_size) + " wrong size, " +
                    std::to_string(result.objects_mismatched) + " with bad bytes)");
  if (result.objects_read_errors)
    throw_io(command + ": " + std::to_string(result.objects_read_errors) + " of " +
             std::to_string(result.objects_requested) +
             " objects could not be read; first: " + result.problems.front().message);
  return 0;
}

void add_get_command(CLI::App& root, int& exit_code) {
  auto o = std::make_shared<ReadBackOptions>();
  CLI::App* command =
      root.add_subcommand("get", "Read a dataset back: throughput, latency; --verify checks every byte");
  add_read_back_options(*command, *o);
  command->add_flag("--verify", o->verify, "Compare every byte with what the manifest's spec generates");
  command->callback([o, &exit_code] { exit_code = run_read_back(*o, "get"); });
}

}  // namespace sdgen::cli
