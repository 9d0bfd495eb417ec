// Datasets: naming, the generator as the pipeline's source, and the put / read-back policy.
//
// A dataset is a DataSpec and a DatasetLayout (what the generator makes) plus names (a
// NameTemplate and an optional raw name prefix). `put` writes its manifest first and then its
// objects; `get` and `verify` read the manifest back and rebuild the same objects from it, or,
// without a manifest, read whatever the target lists (for throughput only).
//
// Targets are directories: the storage layer makes s3://b/run1 and s3://b/run1/ the same place.
// A raw name prefix ("run1-") is the explicit way to keep several datasets side by side in one
// directory: it goes in front of every object name and of the manifest's name.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "sdgen/generator.hpp"
#include "sdgen/manifest.hpp"
#include "sdgen/pipeline.hpp"
#include "sdgen/source.hpp"
#include "sdgen/storage.hpp"

#pragma GCC visibility push(default)
namespace sdgen {

// Throws Error (invalid_argument) naming `what` when `name` could leave the directory it is
// meant for: an absolute name, a ".." component, or an empty component ("a//b").
void check_contained_name(const std::string& name, const std::string& what);

// Object names from a template: the first "{}" becomes the object index (0-based), a second
// "{}" the object count: "obj_{}_of_{}.dat" -> obj_0_of_10.dat ... obj_9_of_10.dat. With more
// than one object the template needs the index placeholder, or every name would be the same.
class NameTemplate {
 public:
  // Throws Error for an empty template, braces other than "{}", more than two placeholders, a
  // missing index placeholder when object_count > 1, or names that would leave the target
  // (check_contained_name).
  NameTemplate(std::string text, std::uint64_t object_count);

  std::string name(std::uint64_t index) const;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::uint64_t object_count_;
  std::vector<std::string> literals_;  // the text around the placeholders: placeholders + 1 pieces
};

inline constexpr const char* kDefaultNameTemplate = "obj_{}_of_{}.dat";

// The generated dataset as the pipeline's source: names from the template (behind the prefix),
// sizes from the layout, bytes from the generator. Holds its own generator.
class GeneratedObjects final : public ObjectSource {
 public:
  // Builds (and calibrates) the generator; throws Error for a bad spec, layout, template or name
  // prefix, and for names that would overwrite the manifest.
  GeneratedObjects(const DataSpec& spec, const DatasetLayout& layout,
                   const std::string& name_template = kDefaultNameTemplate, std::string name_prefix = "");
  // The dataset a manifest describes, exactly as it was written.
  explicit GeneratedObjects(const Manifest& manifest, std::string name_prefix = "");
  // Over a generator already built (copied: copies share its derived plan).
  GeneratedObjects(DataGenerator generator, const std::string& name_template, std::string name_prefix = "");

  std::uint64_t object_count() const override { return generator_.layout().object_count; }
  std::string object_name(std::uint64_t object) const override { return name_prefix_ + names_.name(object); }
  std::uint64_t object_bytes(std::uint64_t object) const override { return generator_.layout().size_of(object); }
  std::uint64_t largest_object_bytes() const override { return largest_; }
  void fill(std::uint64_t object, std::uint64_t offset, std::span<std::uint8_t> out) const override {
    generator_.fill(object, offset, out);
  }
  std::uint32_t check_unit_bytes() const override { return generator_.spec().unit_bytes; }

  const DataGenerator& generator() const { return generator_; }
  const NameTemplate& names() const { return names_; }
  const std::string& name_prefix() const { return name_prefix_; }
  Manifest manifest() const;

 private:
  NameTemplate names_;  // first: a bad template is refused before the generator calibrates
  DataGenerator generator_;
  std::string name_prefix_;
  std::uint64_t largest_;
};

// Objects found by listing a target: names and sizes, no content (has_content() is false).
class ListedObjects final : public ObjectSource {
 public:
  // Sorted by name, so runs over the same listing read in the same order.
  explicit ListedObjects(std::vector<ObjectInfo> objects);

  std::uint64_t object_count() const override { return objects_.size(); }
  std::string object_name(std::uint64_t object) const override { return objects_[object].name; }
  std::uint64_t object_bytes(std::uint64_t object) const override { return objects_[object].size; }
  std::uint64_t largest_object_bytes() const override { return largest_; }
  void fill(std::uint64_t object, std::uint64_t offset, std::span<std::uint8_t> out) const override;
  bool has_content() const override { return false; }

 private:
  std::vector<ObjectInfo> objects_;
  std::uint64_t largest_ = 0;
};

// The manifest's object name under a raw name prefix.
std::string manifest_name(const std::string& name_prefix = "");

// put: writes the dataset's manifest first (a put that fails half-way still leaves what verify
// needs to list the damage), where the storage keeps data that can be read back, then the
// selected objects through the pipeline. Manifest errors throw Error before any object is
// written; object failures are in the result (see put_objects).
//
// A target that holds the manifest of another dataset (another spec, layout or names) is
// refused before anything is written, unless `overwrite`: two puts into one place would
// otherwise leave a mix of two datasets. The same dataset again (a re-run, or the other objects
// of a selection) is no conflict.
PutResult put_dataset(Storage& storage, const GeneratedObjects& dataset, const PipelineOptions& options,
                      const ObjectSelection& objects = {}, TransferProgress* progress = nullptr,
                      std::stop_token stop = {}, bool overwrite = false);

// What get / verify read: the dataset of the manifest, or without one (and only when not
// verifying) the objects the target lists under the name prefix.
struct ReadBackSet {
  std::optional<Manifest> manifest;
  std::unique_ptr<GeneratedObjects> dataset;  // with a manifest
  std::unique_ptr<ListedObjects> listed;      // without one
  std::uint64_t selected_bytes = 0;           // the expected sizes of the selected objects, added up

  const ObjectSource& objects() const {
    return dataset ? static_cast<const ObjectSource&>(*dataset) : static_cast<const ObjectSource&>(*listed);
  }
};

// Throws Error (invalid_argument) for a write-only target and (io) when verifying without a
// manifest or with an unreadable one.
ReadBackSet open_read_back(Storage& storage, bool verify, const ObjectSelection& objects = {},
                           const std::string& name_prefix = "");

}  // namespace sdgen
#pragma GCC visibility pop
