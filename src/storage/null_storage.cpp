// null:// — accepts every object and keeps nothing: measures generation and the pipeline alone.
#include "sdgen/error.hpp"
#include "storage/registry.hpp"

namespace sdgen {
namespace {

// Storage::create() checks sizes and call order, so null:// refuses the same misuse as a real
// store would and measures the same pipeline.
class NullWriter final : public ObjectWriter {
 public:
  void write(std::span<const std::uint8_t>) override {}
  void complete() override {}
  void abort() noexcept override {}
};

class NullStorage final : public Storage {
 public:
  StorageCapabilities capabilities() const override {
    StorageCapabilities capabilities;
    capabilities.discards_data = true;
    capabilities.readable = false;
    return capabilities;
  }
  std::string describe() const override { return "null://"; }
  std::uint64_t read(const std::string& name, std::uint64_t, std::span<std::uint8_t>) override {
    throw_invalid("null://" + name + ": null:// discards data, nothing can be read back");
  }
  std::optional<std::uint64_t> size_of(const std::string&) override { return std::nullopt; }
  std::vector<ObjectInfo> list(const std::string&) override { return {}; }
  void remove(const std::string&) override {}

 protected:
  std::unique_ptr<ObjectWriter> open_writer(const std::string&, std::uint64_t, ByteSource&) override {
    return std::make_unique<NullWriter>();
  }
};

}  // namespace

std::unique_ptr<Storage> open_null_storage(const std::string& uri, const StorageOptions&) {
  if (uri != "null://") throw_invalid("target '" + uri + "': null:// takes no path (it discards everything)");
  return std::make_unique<NullStorage>();
}

}  // namespace sdgen
