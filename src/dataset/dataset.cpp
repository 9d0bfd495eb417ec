// The generated dataset as a source, listed objects, and the put / read-back policy.
#include "sdgen/dataset.hpp"

#include <algorithm>

#include "sdgen/error.hpp"

namespace sdgen {

namespace {

// The prefix and template together must name objects inside the target, never the manifest.
void check_names(const NameTemplate& names, const std::string& name_prefix) {
  if (!name_prefix.empty()) check_contained_name(name_prefix + "x", "name prefix '" + name_prefix + "'");
  if (names.text() == kManifestName)
    throw_invalid("template '" + names.text() + "': the manifest's name (objects would overwrite it)");
}

}  // namespace

GeneratedObjects::GeneratedObjects(const DataSpec& spec, const DatasetLayout& layout, const std::string& name_template,
                                   std::string name_prefix)
    : names_(name_template, layout.object_count),
      generator_(spec, layout),
      name_prefix_(std::move(name_prefix)),
      largest_(layout.largest_object_bytes()) {
  check_names(names_, name_prefix_);
}

GeneratedObjects::GeneratedObjects(const Manifest& manifest, std::string name_prefix)
    : GeneratedObjects(manifest.spec, manifest.layout, manifest.name_template, std::move(name_prefix)) {}

GeneratedObjects::GeneratedObjects(DataGenerator generator, const std::string& name_template, std::string name_prefix)
    : names_(name_template, generator.layout().object_count),
      generator_(std::move(generator)),
      name_prefix_(std::move(name_prefix)),
      largest_(generator_.layout().largest_object_bytes()) {
  check_names(names_, name_prefix_);
}

Manifest GeneratedObjects::manifest() const { return make_manifest(generator_, names_.text()); }

ListedObjects::ListedObjects(std::vector<ObjectInfo> objects) : objects_(std::move(objects)) {
  std::sort(objects_.begin(), objects_.end(), [](const ObjectInfo& a, const ObjectInfo& b) { return a.name < b.name; });
  for (const ObjectInfo& object : objects_) largest_ = std::max(largest_, object.size);
}

void ListedObjects::fill(std::uint64_t object, std::uint64_t, std::span<std::uint8_t>) const {
  throw_invalid(objects_.at(object).name + ": listed without a manifest, so its content is not known");
}

std::string manifest_name(const std::string& name_prefix) { return name_prefix + kManifestName; }

namespace {

// The manifest without the version of sdgen that wrote it: what makes two datasets the same.
std::string identity_of(Manifest manifest) {
  manifest.sdgen_version.clear();
  return format_manifest(manifest);
}

void refuse_other_dataset(Storage& storage, const GeneratedObjects& dataset) {
  const std::optional<Manifest> existing = read_manifest(storage, dataset.name_prefix());
  if (!existing || identity_of(*existing) == identity_of(dataset.manifest())) return;
  throw_invalid(storage.object_uri(manifest_name(dataset.name_prefix())) + ": the target holds another dataset (seed " +
                std::to_string(existing->spec.seed) + ", " + std::to_string(existing->layout.object_count) +
                " objects, written by sdgen " + existing->sdgen_version +
                "): refusing to mix two datasets (--overwrite replaces its manifest)");
}

}  // namespace

PutResult put_dataset(Storage& storage, const GeneratedObjects& dataset, const PipelineOptions& options,
                      const ObjectSelection& objects, TransferProgress* progress, std::stop_token stop,
                      bool overwrite) {
  validate(options);
  validate(objects, dataset.object_count());
  const StorageCapabilities capabilities = storage.capabilities();
  if (capabilities.readable && !capabilities.discards_data) {
    if (!overwrite) refuse_other_dataset(storage, dataset);
    write_manifest(storage, dataset.manifest(), dataset.name_prefix());
  }
  return put_objects(storage, dataset, options, objects, progress, std::move(stop));
}

ReadBackSet open_read_back(Storage& storage, bool verify, const ObjectSelection& objects,
                           const std::string& name_prefix) {
  const StorageCapabilities capabilities = storage.capabilities();
  const std::string command = verify ? "verify" : "get";
  if (capabilities.discards_data || !capabilities.readable)
    throw_invalid(command + " " + storage.describe() + ": this target is write-only, nothing can be read back");
  ReadBackSet set;
  set.manifest = read_manifest(storage, name_prefix);
  if (set.manifest) {
    set.dataset = std::make_unique<GeneratedObjects>(*set.manifest, name_prefix);
  } else if (verify) {
    throw_io(storage.describe() + ": no " + manifest_name(name_prefix) +
             " here, so nothing to verify against (was this written by sdgen put, with this URI?)");
  } else {
    set.listed = std::make_unique<ListedObjects>(storage.list(name_prefix));
  }
  const ObjectSource& found = set.objects();
  validate(objects, found.object_count());
  const std::uint64_t selected = objects.count(found.object_count());
  for (std::uint64_t k = 0; k < selected; ++k) set.selected_bytes += found.object_bytes(objects.object(k));
  return set;
}

}  // namespace sdgen
