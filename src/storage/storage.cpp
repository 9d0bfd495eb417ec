// What every backend inherits: the writer contract, enforced once around each backend's writer,
// object names for messages, and whole small objects in one call.
#include "sdgen/storage.hpp"

#include <algorithm>
#include <cstring>
#include <new>
#include <string_view>

#include "sdgen/error.hpp"
#include "storage/printable.hpp"

namespace sdgen {
namespace {

std::string bytes_text(std::uint64_t count) { return std::to_string(count) + (count == 1 ? " byte" : " bytes"); }

// The ObjectWriter contract (storage.hpp) around a backend's writer, so that backends need not
// check sizes or call order, and a backend that forgets cannot break the honesty rule: every path
// that does not end in a successful complete() reaches the backend's abort(), exactly once.
// Costs one extra virtual call and a compare per chunk, never per byte.
class CheckedWriter final : public ObjectWriter {
 public:
  // The object name lives in the same allocation, after the writer. Measured on null://
  // (create + one write + complete, 2M objects named like the pipeline's): the checker added
  // ~100 ns per object with the name in a std::string of its own, ~35 ns with it inline; that
  // shows with millions of small objects.
  static std::unique_ptr<ObjectWriter> make(const Storage& storage, const std::string& name, std::uint64_t size,
                                            std::unique_ptr<ObjectWriter> backend) {
    void* memory = ::operator new(sizeof(CheckedWriter) + name.size());
    char* name_chars = static_cast<char*>(memory) + sizeof(CheckedWriter);
    std::memcpy(name_chars, name.data(), name.size());
    return std::unique_ptr<ObjectWriter>(
        new (memory) CheckedWriter(storage, std::string_view(name_chars, name.size()), size, std::move(backend)));
  }
  // Pairs with make()'s ::operator new; the unsized form, since the block is larger than the class.
  static void operator delete(void* memory) { ::operator delete(memory); }

  CheckedWriter(const CheckedWriter&) = delete;
  CheckedWriter& operator=(const CheckedWriter&) = delete;
  ~CheckedWriter() override { abort(); }

  void write(std::span<const std::uint8_t> chunk) override {
    if (ended_by_) refuse("write()");
    if (chunk.size() > size_ - written_) {
      end_aborted("a refused write()");
      throw_invalid(object() + ": write of " + bytes_text(chunk.size()) + " at offset " + std::to_string(written_) +
                    " runs past the declared size of " + bytes_text(size_) + " (more bytes than declared); aborted");
    }
    if (chunk.empty()) return;  // backends never see empty chunks
    try {
      backend_->write(chunk);
    } catch (...) {
      end_aborted("a failed write()");
      throw;
    }
    written_ += chunk.size();
  }

  void complete() override {
    if (ended_by_) refuse("complete()");
    if (written_ != size_) {
      end_aborted("a refused complete()");
      throw_invalid(object() + ": " + std::to_string(written_) + " of " + bytes_text(size_) +
                    " written before complete(); aborted");
    }
    try {
      backend_->complete();
    } catch (...) {
      end_aborted("a failed complete()");
      throw;
    }
    ended_by_ = "complete()";
  }

  void abort() noexcept override {
    if (!ended_by_) end_aborted("abort()");
  }

 private:
  CheckedWriter(const Storage& storage, std::string_view name, std::uint64_t size,
                std::unique_ptr<ObjectWriter> backend) noexcept
      : storage_(storage), name_(name), size_(size), backend_(std::move(backend)) {}

  std::string object() const { return storage_.object_uri(std::string(name_)); }

  [[noreturn]] void refuse(const char* call) const { throw_invalid(object() + ": " + call + " after " + ended_by_); }

  void end_aborted(const char* reason) noexcept {
    ended_by_ = reason;
    backend_->abort();
  }

  const Storage& storage_;
  const std::string_view name_;  // the characters follow the object (make())
  const std::uint64_t size_;
  std::unique_ptr<ObjectWriter> backend_;
  std::uint64_t written_ = 0;
  // What ended the writer ("complete()", "abort()", "a failed write()", ...), for the message a
  // later call gets; nullptr while it is open.
  const char* ended_by_ = nullptr;
};

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

std::unique_ptr<ObjectWriter> Storage::create(const std::string& name, std::uint64_t size, ByteSource& source) {
  return CheckedWriter::make(*this, name, size, open_writer(name, size, source));
}

std::string Storage::object_uri(const std::string& name) const {
  std::string uri = describe();
  // "s3://bucket" + "obj" is s3://bucket/obj; "null://" and "file:///d/run1-" take the name as is.
  const std::size_t scheme_end = uri.find("://");
  if (scheme_end != std::string::npos && scheme_end + 3 < uri.size() &&
      uri.find('/', scheme_end + 3) == std::string::npos && !name.empty())
    uri += '/';
  detail::append_printable(uri, name);
  return uri;
}

void Storage::put_bytes(const std::string& name, std::span<const std::uint8_t> bytes) {
  SpanSource source(bytes);
  // The writer aborts itself on any failure and when it goes out of scope uncompleted.
  const std::unique_ptr<ObjectWriter> writer = create(name, bytes.size(), source);
  writer->write(bytes);
  writer->complete();
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
