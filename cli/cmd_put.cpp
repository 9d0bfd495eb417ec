// sdgen put: generate a dataset and stream it to storage through the bounded pipeline, with a
// manifest beside it so get --verify and verify need only the URI.
#include <cstdio>

#include "commands.hpp"
#include "options.hpp"
#include "sdgen/dataset.hpp"
#include "sdgen/error.hpp"
#include "sdgen/report.hpp"
#include "sdgen/size.hpp"
#include "transfer.hpp"

namespace sdgen::cli {
namespace {

struct PutCommandOptions {
  std::string uri;
  SpecOptions spec;
  PipelineCliOptions pipeline;
  StorageCliOptions storage;
  SelectionCliOptions selection;
  std::string name_template = kDefaultNameTemplate;
  std::string json_path;
  bool quiet = false;
  bool overwrite = false;
};

constexpr std::size_t kFailuresListed = 10;

void print_summary(std::FILE* out, const PutResult& r, const DataGenerator& generator) {
  std::fprintf(out, "wrote %llu of %llu objects, %s in %s: %.1f MB/s, %.1f objects/s\n",
               static_cast<unsigned long long>(r.objects_written), static_cast<unsigned long long>(r.objects_requested),
               format_bytes(r.bytes_written).c_str(), format_seconds(r.seconds).c_str(),
               mb_per_s(r.bytes_written, r.seconds), per_s(r.objects_written, r.seconds));
  if (r.object_latency.count())
    std::fprintf(out, "  per object: %s\n", format_latency(r.object_latency.summary()).c_str());
  if (r.chunk_latency.count())
    std::fprintf(out, "  per write of up to %s: %s\n", format_bytes(r.effective.chunk_bytes).c_str(),
                 format_latency(r.chunk_latency.summary()).c_str());
  const ExpectedBytes expected = generator.expected_bytes();
  std::fprintf(out,
               "  expected on a reducing store: logical %s, unique %s, stored %s; pipeline: %u jobs, %u threads, "
               "%u x %s buffers, peak memory %s\n",
               format_bytes(expected.logical).c_str(), format_bytes(expected.unique).c_str(),
               format_bytes(expected.stored).c_str(), r.effective.jobs, r.effective.threads, r.effective.queue_depth,
               format_bytes(r.effective.chunk_bytes).c_str(), format_bytes(peak_resident_bytes()).c_str());
}

// The failed objects go to stderr whatever --quiet says: they are the run's errors.
void print_failures(const PutResult& r) {
  for (std::size_t i = 0; i < r.failures.size() && i < kFailuresListed; ++i)
    std::fprintf(stderr, "sdgen: failed: %s: %s\n", r.failures[i].name.c_str(), r.failures[i].message.c_str());
  if (r.failures.size() > kFailuresListed)
    std::fprintf(stderr, "sdgen: ... and %zu more failed objects (all in --json)\n",
                 r.failures.size() - kFailuresListed);
  if (r.objects_skipped && !r.interrupted)
    std::fprintf(stderr, "sdgen: %llu objects not started after the failure (--keep-going continues past failures)\n",
                 static_cast<unsigned long long>(r.objects_skipped));
}

int run_put(const PutCommandOptions& o) {
  const DataSpec spec = o.spec.data_spec();
  const DatasetLayout layout = o.spec.layout();
  const PipelineOptions pipeline = o.pipeline.pipeline_options();
  const ObjectSelection objects = o.selection.selection();
  const StorageOptions storage_options = o.storage.storage_options(o.uri);
  const GeneratedObjects dataset(spec, layout, o.name_template, o.selection.name_prefix);
  validate(objects, dataset.object_count());
  const DataGenerator& generator = dataset.generator();
  const std::unique_ptr<Storage> storage = open_storage(o.uri, storage_options);
  // Standard output may carry the data; the report then goes to stderr.
  std::FILE* report = o.uri == "-" ? stderr : stdout;

  if (!o.quiet)
    std::fprintf(report, "sdgen put %s: %llu x %s (%s), seed %llu, dedup %g, compress %g (%s at %s, unit %s)%s\n",
                 storage->describe().c_str(), static_cast<unsigned long long>(layout.object_count),
                 format_bytes(layout.object_bytes).c_str(), format_bytes(generator.expected_bytes().logical).c_str(),
                 static_cast<unsigned long long>(spec.seed), spec.dedup, spec.compress, spec.codec.name().c_str(),
                 format_bytes(spec.codec_chunk_bytes).c_str(), format_bytes(spec.unit_bytes).c_str(),
                 objects.all() ? "" : (", objects " + objects.to_string()).c_str());
  else if (!o.spec.seed)
    std::fprintf(stderr, "sdgen: seed %llu\n", static_cast<unsigned long long>(spec.seed));
  std::fflush(report);

  TransferProgress progress;
  PutResult result;
  int stopped_by = 0;  // the signal, if one stopped the run
  {
    InterruptToStop interrupt;
    ProgressBar bar(progress, generator.expected_bytes().logical, objects.count(layout.object_count),
                    progress_wanted(o.quiet));
    result = put_dataset(*storage, dataset, pipeline, objects, &progress, interrupt.token(), o.overwrite);
    stopped_by = interrupt.signal();
  }
  if (!o.quiet) print_summary(report, result, generator);
  print_failures(result);
  if (!o.json_path.empty()) write_json_file(o.json_path, put_results(*storage, dataset, objects, result));
  if (result.interrupted)
    throw Interrupted(stopped_by, "interrupted: " + std::to_string(result.objects_written) + " of " +
                                      std::to_string(result.objects_requested) + " objects written; " +
                                      std::to_string(result.objects_failed) + " in flight aborted, " +
                                      std::to_string(result.objects_skipped) + " not started");
  if (!result.failures.empty())
    throw_io(std::to_string(result.objects_failed) + " of " + std::to_string(result.objects_requested) +
             " objects failed; first: " + result.failures.front().name + ": " + result.failures.front().message);
  return 0;
}

}  // namespace

void add_put_command(CLI::App& root, int& exit_code) {
  auto o = std::make_shared<PutCommandOptions>();
  CLI::App* command = root.add_subcommand("put", "Generate objects and write them to storage, with a manifest");
  command->add_option("uri", o->uri, "file:///dir/prefix, direct:///dir/prefix, s3://bucket/prefix, null:// or -")
      ->required();
  o->spec.add_to(*command);
  o->pipeline.add_to(*command, true);
  o->storage.add_to(*command, true);
  o->selection.add_to(*command);
  command->add_option("--template", o->name_template, "Object names: {} = index (from 0), second {} = count")
      ->capture_default_str();
  command->add_option("--json", o->json_path, "Write the results as JSON to this file");
  command->add_flag("--overwrite", o->overwrite,
                    "Write over another dataset's manifest in the target (default: refuse)");
  command->add_flag("-q,--quiet", o->quiet, "No progress bar and no summary (a random seed is still printed)");
  command->callback([o, &exit_code] { exit_code = run_put(*o); });
}

}  // namespace sdgen::cli
