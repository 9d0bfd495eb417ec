// sdgen get: read a dataset back and report throughput and latency; --verify also compares every
// byte with what the manifest's spec generates (the same work as sdgen verify).
#include <cstdio>

#include "commands.hpp"
#include "options.hpp"
#include "read_back.hpp"
#include "sdgen/dataset.hpp"
#include "sdgen/error.hpp"
#include "sdgen/report.hpp"
#include "sdgen/size.hpp"

namespace sdgen::cli {
namespace {

constexpr std::size_t kProblemsListed = 10;

}  // namespace

void add_read_back_options(CLI::App& command, ReadBackOptions& o) {
  command
      .add_option("uri", o.uri, "The URI given to put: file:///dir/prefix, direct:///dir/prefix, s3://bucket/prefix")
      ->required();
  o.pipeline.add_to(command, false);
  o.storage.add_to(command, false);
  o.selection.add_to(command);
  command.add_option("--json", o.json_path, "Write the results as JSON to this file");
  command.add_flag("-q,--quiet", o.quiet, "No progress bar and no summary");
}

int run_read_back(const ReadBackOptions& o, const std::string& command) {
  const PipelineOptions pipeline = o.pipeline.pipeline_options();
  const ObjectSelection objects = o.selection.selection();
  const std::unique_ptr<Storage> storage = open_storage(o.uri, o.storage.storage_options(o.uri));
  const ReadBackSet set = open_read_back(*storage, o.verify, objects, o.selection.name_prefix);
  const std::uint64_t count = objects.count(set.objects().object_count());

  std::FILE* report = stdout;
  if (!o.quiet) {
    const std::string selected = objects.all() ? "" : ", objects " + objects.to_string();
    if (set.manifest)
      std::fprintf(report, "sdgen %s %s: %llu x %s from the manifest (seed %llu, written by sdgen %s)%s\n",
                   command.c_str(), storage->describe().c_str(), static_cast<unsigned long long>(count),
                   format_bytes(set.manifest->layout.object_bytes).c_str(),
                   static_cast<unsigned long long>(set.manifest->spec.seed), set.manifest->sdgen_version.c_str(),
                   selected.c_str());
    else
      std::fprintf(report, "sdgen %s %s: no manifest; %llu objects listed (%s)%s\n", command.c_str(),
                   storage->describe().c_str(), static_cast<unsigned long long>(count),
                   format_bytes(set.selected_bytes).c_str(), selected.c_str());
    std::fflush(report);
  }

  TransferProgress progress;
  GetResult result;
  int stopped_by = 0;  // the signal, if one stopped the run
  {
    InterruptToStop interrupt;
    ProgressBar bar(progress, set.selected_bytes, count, progress_wanted(o.quiet));
    result = get_objects(*storage, set.objects(), o.verify, pipeline, objects, &progress, interrupt.token());
    stopped_by = interrupt.signal();
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
  const std::uint32_t unit_bytes = set.objects().check_unit_bytes();
  for (std::size_t i = 0; i < result.problems.size() && i < kProblemsListed; ++i)
    std::fprintf(stderr, "sdgen: %s\n", describe_problem(result.problems[i], unit_bytes).c_str());
  if (result.problems.size() > kProblemsListed)
    std::fprintf(stderr, "sdgen: ... and %zu more objects with problems (all in --json)\n",
                 result.problems.size() - kProblemsListed);

  if (!o.json_path.empty()) write_json_file(o.json_path, read_back_results(command, *storage, set, objects, result));

  if (result.interrupted)
    throw Interrupted(stopped_by, command + ": interrupted after " + std::to_string(result.objects_ok) + " of " +
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
