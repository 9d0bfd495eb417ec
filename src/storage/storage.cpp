// The Storage helpers every backend inherits: whole small objects in one call.
#include "sdgen/storage.hpp"

#include <algorithm>
#include <cstring>

#include "sdgen/error.hpp"

namespace sdgen {
namespace {

class SpanSource final : public ByteSource {
 public:
  explicit SpanSource(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  void read_at(std::uint64_t offset, std::span<std::uint8_t> out) override {
    if (offset > bytes_.size() || out.size() > bytes_.size() - offset)
      throw_invalid("range [" + std::to_string(offset) + ", " + std::to_string(offset + out.size()) +
                    ") is outside the object of " + std::to_string(bytes_.size()) + " bytes");
    std::memcpy(out.data(), bytes_.data() + offset, out.size());
  }

 private:
  std::span<const std::uint8_t> bytes_;
};

}  // namespace

void Storage::put_bytes(const std::string& name, std::span<const std::uint8_t> bytes) {
  SpanSource source(bytes);
  std::unique_ptr<ObjectWriter> writer = create(name, bytes.size(), source);
  try {
    if (!bytes.empty()) writer->write(bytes);
    writer->complete();
  } catch (...) {
    writer->abort();
    throw;
  }
}

std::optional<std::vector<std::uint8_t>> Storage::get_bytes(const std::string& name) {
  const std::optional<std::uint64_t> size = size_of(name);
  if (!size) return std::nullopt;
  std::vector<std::uint8_t> bytes(*size);
  std::uint64_t done = 0;
  while (done < bytes.size()) {
    const std::uint64_t got = read(name, done, std::span(bytes).subspan(done));
    if (got == 0)
      throw_io(describe() + ": " + name + " ended at byte " + std::to_string(done) + " of " +
               std::to_string(bytes.size()) + " while reading it");
    done += got;
  }
  return bytes;
}

}  // namespace sdgen
