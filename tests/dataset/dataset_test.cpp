// The dataset layer (include/sdgen/dataset.hpp) and the results documents (sdgen/report.hpp):
// manifest first, selections that write and check exactly the objects a whole run would, the
// read-back policy, per-object layouts through the manifest, and one JSON schema.
#include "sdgen/dataset.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sdgen/report.hpp"
#include "storage_test_support.hpp"

namespace sdgen {
namespace {

using test::Bytes;
using test::KiB;
using test::MemoryStorage;

DataSpec spec() {
  DataSpec s;
  s.dedup = 2;
  s.compress = 2;
  s.seed = 99;
  return s;
}

PipelineOptions small_pipeline() {
  PipelineOptions options;
  options.jobs = 3;
  options.threads = 2;
  options.chunk_bytes = 8 * KiB;
  options.queue_depth = 4;
  return options;
}

TEST(Dataset, ManifestIsWrittenBeforeAnyObject) {
  MemoryStorage storage;
  const GeneratedObjects dataset(spec(), {4, 20 * KiB});
  ASSERT_EQ(put_dataset(storage, dataset, small_pipeline()).objects_written, 4u);
  const std::vector<std::string> created = storage.created();
  ASSERT_EQ(created.size(), 5u);
  EXPECT_EQ(created.front(), "sdgen-manifest.json");
  const std::optional<Manifest> manifest = read_manifest(storage);
  ASSERT_TRUE(manifest);
  EXPECT_EQ(format_manifest(*manifest), format_manifest(dataset.manifest()));
}

// Strided and ranged runs write exactly the objects a whole run writes, byte for byte, and
// nothing else; together they make the whole dataset.
TEST(Dataset, SelectionsWriteTheSameBytesAsTheWholeRun) {
  const GeneratedObjects dataset(spec(), {7, 20 * KiB + 3});
  MemoryStorage whole;
  put_dataset(whole, dataset, small_pipeline());
  MemoryStorage parts;
  for (const char* share : {"0::3", "1::3", "2::3"}) {
    const PutResult result = put_dataset(parts, dataset, small_pipeline(), ObjectSelection::parse(share, "share"));
    EXPECT_EQ(result.objects_requested, share[0] == '0' ? 3u : 2u) << share;
    EXPECT_EQ(result.objects_written, result.objects_requested) << share;
  }
  EXPECT_EQ(parts.objects(), whole.objects());

  MemoryStorage range;
  const PutResult result = put_dataset(range, dataset, small_pipeline(), ObjectSelection::parse("2:5", "range"));
  EXPECT_EQ(result.objects_written, 3u);
  const auto written = range.objects();
  EXPECT_EQ(written.size(), 4u);  // the manifest and objects 2, 3, 4
  for (std::uint64_t i = 2; i < 5; ++i)
    EXPECT_EQ(written.at(dataset.object_name(i)), whole.objects().at(dataset.object_name(i)));

  // Reading a selection back checks only those objects.
  const ReadBackSet set = open_read_back(range, true, ObjectSelection::parse("2:5", "range"));
  EXPECT_EQ(set.selected_bytes, 3 * (20 * KiB + 3));
  const GetResult checked =
      get_objects(range, set.objects(), true, small_pipeline(), ObjectSelection::parse("2:5", "r"));
  EXPECT_TRUE(checked.all_ok());
  EXPECT_EQ(checked.objects_ok, 3u);
  const GetResult all = get_objects(range, set.objects(), true, small_pipeline());
  EXPECT_EQ(all.objects_missing, 4u);
}

TEST(Dataset, SelectionsOutsideTheDatasetAreRefused) {
  MemoryStorage storage;
  const GeneratedObjects dataset(spec(), {4, 4 * KiB});
  EXPECT_EQ(test::error_message([&] { put_dataset(storage, dataset, {}, ObjectSelection::parse("4:", "--objects")); }),
            "objects '4:': selects none of the dataset's 4 objects");
  EXPECT_TRUE(storage.objects().empty());  // refused before the manifest was written
  EXPECT_EQ(test::error_message([] { ObjectSelection::parse("3:1", "--objects"); }),
            "--objects '3:1': selects no object (the end must be above the first) (use FIRST:END or "
            "FIRST:END:STRIDE, e.g. 0:100, 100:, 0::4)");
  EXPECT_EQ(test::error_message([] { ObjectSelection::parse("0:10:0", "--objects"); }),
            "--objects '0:10:0': the stride must be at least 1 (use FIRST:END or FIRST:END:STRIDE, e.g. 0:100, "
            "100:, 0::4)");
  EXPECT_EQ(ObjectSelection::parse(":", "x").count(10), 10u);
  EXPECT_EQ(ObjectSelection::parse("1::4", "x").count(10), 3u);  // 1, 5, 9
  EXPECT_EQ(ObjectSelection::parse("1::4", "x").to_string(), "1::4");
}

// A per-object layout goes through the manifest and verifies as written.
TEST(Dataset, PerObjectLayoutRoundTripsThroughTheManifest) {
  MemoryStorage storage;
  const GeneratedObjects dataset(spec(), DatasetLayout::per_object({0, 1, 4096, 12 * KiB + 5, 4095}), "f{}");
  ASSERT_EQ(put_dataset(storage, dataset, small_pipeline()).objects_written, 5u);
  const ReadBackSet set = open_read_back(storage, true);
  ASSERT_TRUE(set.manifest);
  EXPECT_EQ(set.manifest->layout.object_sizes, dataset.generator().layout().object_sizes);
  EXPECT_NE(format_manifest(*set.manifest).find("\"sizes\": [\n      0,\n      1,"), std::string::npos);
  EXPECT_EQ(set.selected_bytes, 0u + 1 + 4096 + 12 * KiB + 5 + 4095);
  const GetResult result = get_objects(storage, set.objects(), true, small_pipeline());
  EXPECT_TRUE(result.all_ok());
  EXPECT_EQ(storage.objects().at("f3").size(), 12 * KiB + 5);
}

TEST(Dataset, ReadBackWithoutAManifestListsOrRefuses) {
  MemoryStorage storage;
  storage.put_bytes("b", Bytes(10, 1));
  storage.put_bytes("a", Bytes(3, 2));
  EXPECT_EQ(test::error_message([&] { open_read_back(storage, true); }, ErrorKind::io),
            "memory://: no sdgen-manifest.json here, so nothing to verify against (was this written by sdgen put, "
            "with this URI?)");
  const ReadBackSet set = open_read_back(storage, false);
  EXPECT_FALSE(set.manifest);
  ASSERT_EQ(set.objects().object_count(), 2u);
  EXPECT_EQ(set.objects().object_name(0), "a");  // sorted by name
  EXPECT_EQ(set.selected_bytes, 13u);
  EXPECT_EQ(test::error_message([&] { get_objects(storage, set.objects(), true, {}); }),
            "memory://: nothing to verify against (the objects' content is not known)");
  const GetResult result = get_objects(storage, set.objects(), false, {});
  EXPECT_TRUE(result.all_ok());
  EXPECT_EQ(result.bytes_read, 13u);

  storage.capabilities_value.readable = false;
  EXPECT_EQ(test::error_message([&] { open_read_back(storage, false); }),
            "get memory://: this target is write-only, nothing can be read back");
}

TEST(Dataset, NamePrefixKeepsDatasetsApart) {
  MemoryStorage storage;
  const GeneratedObjects first(spec(), {2, 4 * KiB}, "o{}", "run1-");
  DataSpec other = spec();
  other.seed = 100;
  const GeneratedObjects second(other, {3, 4 * KiB}, "o{}", "run2-");
  put_dataset(storage, first, small_pipeline());
  put_dataset(storage, second, small_pipeline());
  EXPECT_EQ(storage.objects().size(), 2u + 3u + 2u);
  EXPECT_TRUE(storage.objects().count("run1-sdgen-manifest.json"));
  const ReadBackSet set = open_read_back(storage, true, {}, "run2-");
  EXPECT_EQ(set.manifest->spec.seed, 100u);
  EXPECT_EQ(set.objects().object_name(2), "run2-o2");
  EXPECT_TRUE(get_objects(storage, set.objects(), true, small_pipeline()).all_ok());
  EXPECT_FALSE(open_read_back(storage, false, {}, "run3-").manifest);
}

// Names never leave the target: no absolute names, no '..' components, never the manifest's name,
// whether from the command line or from a manifest someone edited.
TEST(Dataset, NamesStayInsideTheTarget) {
  DataSpec s = spec();
  s.dedup = 1;
  const DatasetLayout one{1, 10};
  const DatasetLayout two{2, 10};
  EXPECT_EQ(test::error_message([&] { GeneratedObjects(s, two, "../escaped_{}"); }),
            "template '../escaped_{}': a '..' component (names stay inside the target)");
  EXPECT_EQ(test::error_message([&] { GeneratedObjects(s, two, "a/b/../../../{}"); }),
            "template 'a/b/../../../{}': a '..' component (names stay inside the target)");
  EXPECT_EQ(test::error_message([&] { GeneratedObjects(s, two, "/etc/x{}"); }),
            "template '/etc/x{}': an absolute name (names stay inside the target)");
  EXPECT_EQ(test::error_message([&] { GeneratedObjects(s, two, "a//{}"); }),
            "template 'a//{}': an empty path component ('//')");
  EXPECT_EQ(test::error_message([&] { GeneratedObjects(s, one, "sdgen-manifest.json"); }),
            "template 'sdgen-manifest.json': the manifest's name (objects would overwrite it)");
  EXPECT_EQ(test::error_message([&] { GeneratedObjects(s, two, "o{}", "../"); }),
            "name prefix '../': a '..' component (names stay inside the target)");
  EXPECT_EQ(GeneratedObjects(s, two, "..{}/x..", "d/").object_name(1), "d/..1/x..");  // dots inside names are fine

  Manifest edited = GeneratedObjects(s, two).manifest();
  edited.name_template = "../../{}";
  EXPECT_EQ(test::error_message([&] { parse_manifest(format_manifest(edited), "m.json"); }),
            "m.json: template '../../{}': a '..' component (names stay inside the target)");
}

TEST(Report, PutAndVerifyDocumentsStateTheRun) {
  MemoryStorage storage;
  const GeneratedObjects dataset(spec(), {4, 20 * KiB});
  const ObjectSelection objects = ObjectSelection::parse("1:3", "objects");
  const PutResult put = put_dataset(storage, dataset, small_pipeline(), objects);
  const nlohmann::json document = nlohmann::json::parse(put_results(storage, dataset, objects, put));
  EXPECT_EQ(document["command"], "put");
  EXPECT_EQ(document["target"], "memory://");
  EXPECT_EQ(document["seed"], 99u);
  EXPECT_EQ(document["layout"], nlohmann::json({{"count", 4}, {"size", 20 * KiB}}));
  EXPECT_EQ(document["selection"], "1:3");
  EXPECT_EQ(document["objects"]["written"], 2u);
  EXPECT_EQ(document["bytes"], 2 * 20 * KiB);
  EXPECT_EQ(document["expected"]["logical_bytes"], 4 * 20 * KiB);
  EXPECT_EQ(document["latency"]["object_write"]["count"], 2u);

  storage.remove(dataset.object_name(2));
  const ReadBackSet set = open_read_back(storage, true, objects);
  const GetResult result = get_objects(storage, set.objects(), true, small_pipeline(), objects);
  const nlohmann::json verify = nlohmann::json::parse(read_back_results("verify", storage, set, objects, result));
  EXPECT_EQ(verify["command"], "verify");
  EXPECT_EQ(verify["objects"]["ok"], 1u);
  EXPECT_EQ(verify["objects"]["missing"], 1u);
  ASSERT_EQ(verify["errors"].size(), 1u);
  EXPECT_EQ(verify["errors"][0]["object"], "obj_2_of_4.dat");
  EXPECT_EQ(verify["errors"][0]["status"], "missing");
  EXPECT_EQ(describe_problem(result.problems[0], 4096), "obj_2_of_4.dat: missing");
}

}  // namespace
}  // namespace sdgen
