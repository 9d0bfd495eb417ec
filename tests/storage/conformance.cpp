// The backend conformance cases (conformance.hpp). Compiled into every test binary that
// instantiates the suite; the cases ask capabilities and the harness's views, never schemes.
#include "conformance.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <random>
#include <thread>

namespace sdgen::conformance {
namespace {

Bytes pattern(std::size_t size, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Bytes bytes(size);
  for (std::size_t i = 0; i < size; i += 8) {
    const std::uint64_t word = rng();
    for (std::size_t b = 0; b < 8 && i + b < size; ++b) bytes[i + b] = static_cast<std::uint8_t>(word >> (8 * b));
  }
  return bytes;
}

// The bytes a writer may regenerate from (S3 resends parts from it).
class BytesSource final : public ByteSource {
 public:
  explicit BytesSource(const Bytes& bytes) : bytes_(bytes) {}
  void read_at(std::uint64_t offset, std::span<std::uint8_t> out) override {
    if (offset > bytes_.size() || out.size() > bytes_.size() - offset)
      throw Error(ErrorKind::invalid_argument, "test source: range outside the object");
    std::copy_n(bytes_.begin() + static_cast<std::ptrdiff_t>(offset), out.size(), out.begin());
  }

 private:
  const Bytes& bytes_;
};

// A copy of `bytes` at `misalign` bytes past a 4096-aligned address, as the pipeline's pool
// buffers are (misalign 0) or a caller's arbitrary buffer is (misalign 3).
class AlignedCopy {
 public:
  AlignedCopy(const Bytes& bytes, std::size_t misalign)
      : base_(static_cast<std::uint8_t*>(std::aligned_alloc(4096, (bytes.size() + misalign + 4096) / 4096 * 4096))),
        data_(base_ + misalign),
        size_(bytes.size()) {
    std::copy(bytes.begin(), bytes.end(), data_);
  }
  ~AlignedCopy() { std::free(base_); }
  AlignedCopy(const AlignedCopy&) = delete;
  AlignedCopy& operator=(const AlignedCopy&) = delete;
  std::span<const std::uint8_t> piece(std::size_t at, std::size_t bytes) const {
    return {data_ + at, std::min(bytes, size_ - at)};
  }

 private:
  std::uint8_t* base_;
  std::uint8_t* data_;
  std::size_t size_;
};

// Writes `bytes` as `name` in pieces of `piece` bytes and completes it.
void write_whole(Storage& storage, const std::string& name, const Bytes& bytes, std::size_t piece,
                 std::size_t misalign = 0) {
  const AlignedCopy copy(bytes, misalign);
  BytesSource source(bytes);
  const std::unique_ptr<ObjectWriter> writer = storage.create(name, bytes.size(), source);
  for (std::size_t at = 0; at < bytes.size(); at += piece) writer->write(copy.piece(at, piece));
  writer->complete();
}

// "" when equal, else where they part (never a dump of megabytes).
std::string difference(const Bytes& got, const Bytes& want) {
  const auto [g, w] = std::mismatch(got.begin(), got.end(), want.begin(), want.end());
  if (g == got.end() && w == want.end()) return "";
  return "differs at byte " + std::to_string(g - got.begin()) + " (got " + std::to_string(got.size()) +
         " bytes, want " + std::to_string(want.size()) + ")";
}

// Reads `name` in `piece`-byte ranges until a short read; also checks that reading on from the
// end returns 0.
Bytes read_in_pieces(Storage& storage, const std::string& name, std::size_t piece) {
  Bytes bytes;
  std::vector<std::uint8_t> buffer(piece);
  for (;;) {
    const std::uint64_t got = storage.read(name, bytes.size(), buffer);
    bytes.insert(bytes.end(), buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(got));
    if (got < piece) break;
  }
  EXPECT_EQ(storage.read(name, bytes.size(), buffer), 0u) << name << ": read at the end";
  return bytes;
}

// The message of the Error `action` throws; fails the test when it throws nothing, another kind,
// or a message of more than one line.
template <typename Action>
std::string message_of(Action&& action, ErrorKind kind = ErrorKind::invalid_argument) {
  try {
    action();
  } catch (const Error& error) {
    EXPECT_EQ(static_cast<int>(error.kind()), static_cast<int>(kind)) << error.what();
    EXPECT_EQ(std::string(error.what()).find('\n'), std::string::npos) << "not one line: " << error.what();
    return error.what();
  }
  ADD_FAILURE() << "no Error thrown";
  return "";
}

std::vector<ObjectInfo> sorted(std::vector<ObjectInfo> objects) {
  std::sort(objects.begin(), objects.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return objects;
}

std::string names_and_sizes(const std::vector<ObjectInfo>& objects) {
  std::string text;
  for (const auto& object : objects) text += object.name + ":" + std::to_string(object.size) + " ";
  return text;
}

}  // namespace

void Conformance::SetUp() {
  target_ = GetParam().open();
  if (!target_.skip_reason.empty()) GTEST_SKIP() << target_.skip_reason;
  ASSERT_TRUE(target_.storage);
  caps_ = storage().capabilities();
  unit_ = std::max<std::size_t>(4096, caps_.size_granularity);
}

void Conformance::expect_no_leftovers() {
  if (!target_.leftovers) return;
  for (const std::string& leftover : target_.leftovers()) ADD_FAILURE() << "left behind: " << leftover;
}

void Conformance::TearDown() {
  if (target_.storage && target_.stream) {
    const Bytes emitted = target_.stream();
    EXPECT_EQ(difference(emitted, streamed_), "") << "the stream";
  }
  target_.storage.reset();
  target_ = {};
}

TEST_P(Conformance, CapabilitiesAreCoherent) {
  EXPECT_GE(caps_.buffer_alignment, 1u);
  EXPECT_EQ(caps_.buffer_alignment & (caps_.buffer_alignment - 1), 0u) << "a power of two";
  EXPECT_GE(caps_.size_granularity, 1u);
  if (caps_.discards_data) {
    EXPECT_FALSE(caps_.readable) << "discarded data cannot be read";
  }
  EXPECT_FALSE(storage().describe().empty());
}

// 0, 1, 511, unit-1, unit, unit+1 and an object of several chunks (several parts on S3), written
// in the pipeline's aligned chunks, read back whole, in odd pieces and through the harness's view.
TEST_P(Conformance, EdgeSizesRoundTripExactly) {
  const std::uint64_t sizes[] = {0, 1, 511, unit_ - 1, unit_, unit_ + 1, GetParam().large_object_bytes};
  std::uint64_t seed = 1;
  for (const std::uint64_t size : sizes) {
    SCOPED_TRACE("size " + std::to_string(size));
    const Bytes bytes = pattern(size, seed++);
    const std::string name = "size-" + std::to_string(size);
    write_whole(storage(), name, bytes, GetParam().chunk_bytes);
    streamed_.insert(streamed_.end(), bytes.begin(), bytes.end());
    if (!keeps_data()) {
      EXPECT_EQ(storage().size_of(name), std::nullopt);
      continue;
    }
    EXPECT_EQ(storage().size_of(name), size);
    const std::optional<Bytes> whole = storage().get_bytes(name);
    ASSERT_TRUE(whole);
    EXPECT_EQ(difference(*whole, bytes), "");
    // Odd pieces: 1000 bytes, or a seventh of a large object (a request each, on S3).
    const std::size_t piece = std::max<std::size_t>(1000, static_cast<std::size_t>(size / 7));
    EXPECT_EQ(difference(read_in_pieces(storage(), name, piece), bytes), "");
    if (target_.stored) {
      const std::optional<Bytes> stored = target_.stored(name);
      ASSERT_TRUE(stored);
      EXPECT_EQ(difference(*stored, bytes), "") << "as stored";
    }
  }
}

// Chunks of any size (one byte, odd sizes, just over the chunk size) from buffers at odd
// addresses: backends that want alignment still take them exactly.
TEST_P(Conformance, AnyChunkingAndUnalignedBuffers) {
  const std::uint64_t sizes[] = {unit_ + 1, GetParam().large_object_bytes};
  const std::size_t pieces[] = {1, 3000, unit_, GetParam().chunk_bytes + 1};
  std::uint64_t seed = 100;
  for (const std::uint64_t size : sizes)
    for (const std::size_t piece : pieces) {
      if (piece == 1 && size > unit_ + 1) continue;  // a million one-byte calls prove nothing more
      SCOPED_TRACE("size " + std::to_string(size) + " in pieces of " + std::to_string(piece));
      const Bytes bytes = pattern(size, seed++);
      const std::string name = "chunks-" + std::to_string(size) + "-" + std::to_string(piece);
      write_whole(storage(), name, bytes, piece, /*misalign=*/3);
      streamed_.insert(streamed_.end(), bytes.begin(), bytes.end());
      if (!keeps_data()) continue;
      const std::optional<Bytes> whole = storage().get_bytes(name);
      ASSERT_TRUE(whole);
      EXPECT_EQ(difference(*whole, bytes), "");
    }
}

TEST_P(Conformance, ReadsRangesAtOddOffsetsAndPastTheEnd) {
  if (!keeps_data()) GTEST_SKIP() << "capabilities: nothing written can be read back";
  const std::uint64_t size = 5 * unit_ + 123;
  const Bytes bytes = pattern(size, 7);
  storage().put_bytes("ranges", bytes);
  struct Range {
    std::uint64_t offset;
    std::size_t length;
    bool aligned;  // a buffer at the backend's alignment (else one byte past it)
  };
  const Range ranges[] = {
      {0, 0, true},
      {0, 1, false},
      {1, 510, false},
      {unit_ - 1, 3, false},
      {unit_, unit_, true},
      {4 * unit_, 2 * unit_, true},  // aligned, runs past the end
      {4 * unit_ + 7, 10 * unit_, false},
      {size - 1, 10, false},
      {size, 10, false},
      {size, unit_, true},
      {size + 1000, 10, false},
      {0, size + 5000, true},
  };
  const std::size_t alignment = std::max<std::size_t>(caps_.buffer_alignment, 4096);
  for (const Range& range : ranges) {
    SCOPED_TRACE("offset " + std::to_string(range.offset) + ", " + std::to_string(range.length) + " bytes");
    auto* buffer = static_cast<std::uint8_t*>(
        std::aligned_alloc(alignment, (range.length + 1 + alignment) / alignment * alignment));
    std::uint8_t* out = range.aligned ? buffer : buffer + 1;
    const std::uint64_t want = range.offset >= size ? 0 : std::min<std::uint64_t>(range.length, size - range.offset);
    EXPECT_EQ(storage().read("ranges", range.offset, {out, range.length}), want);
    if (want > 0) {
      EXPECT_TRUE(std::equal(out, out + want, bytes.begin() + static_cast<std::ptrdiff_t>(range.offset)));
    }
    std::free(buffer);
  }
  // Across the chunk (and part) boundaries of a large object.
  const std::uint64_t large = GetParam().large_object_bytes;
  const Bytes large_bytes = pattern(large, 8);
  write_whole(storage(), "large", large_bytes, GetParam().chunk_bytes);
  for (const std::uint64_t offset : {std::uint64_t{GetParam().chunk_bytes} - 3, large / 2 - 5, large - 4099}) {
    Bytes out(4101);
    const std::uint64_t want = std::min<std::uint64_t>(out.size(), large - offset);
    EXPECT_EQ(storage().read("large", offset, out), want) << offset;
    EXPECT_TRUE(std::equal(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(want),
                           large_bytes.begin() + static_cast<std::ptrdiff_t>(offset)))
        << offset;
  }
}

// Missing objects: size_of() and get_bytes() say so without an error, read() names the object.
// Backends that keep nothing refuse every read with their own stated message.
TEST_P(Conformance, MissingAndUnreadableNames) {
  storage().put_bytes("present", pattern(10, 1));
  streamed_ = pattern(10, 1);
  for (const std::string name : {"missing", "dir/missing", "presen"}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(storage().size_of(name), std::nullopt);
    EXPECT_EQ(storage().get_bytes(name), std::nullopt);
    std::uint8_t byte = 0;
    EXPECT_EQ(message_of(
                  [&] {
                    storage().read(name, 0, {&byte, 1});
                  },
                  target_.read_error_kind),
              target_.read_error(name));
  }
  if (!keeps_data()) {
    std::uint8_t byte = 0;
    EXPECT_EQ(message_of(
                  [&] {
                    storage().read("present", 0, {&byte, 1});
                  },
                  target_.read_error_kind),
              target_.read_error("present"));
  }
}

TEST_P(Conformance, ListsByPrefix) {
  const std::vector<std::pair<std::string, std::size_t>> objects = {
      {"p/one", 10}, {"p/sub/two", 20}, {"pq", 5}, {"other", 30}};
  std::uint64_t seed = 1;
  for (const auto& [name, size] : objects) {
    const Bytes bytes = pattern(size, seed++);
    storage().put_bytes(name, bytes);
    streamed_.insert(streamed_.end(), bytes.begin(), bytes.end());
  }
  if (!keeps_data()) {
    EXPECT_EQ(names_and_sizes(storage().list("")), "");
    return;
  }
  EXPECT_EQ(names_and_sizes(sorted(storage().list(""))), "other:30 p/one:10 p/sub/two:20 pq:5 ");
  EXPECT_EQ(names_and_sizes(sorted(storage().list("p"))), "p/one:10 p/sub/two:20 pq:5 ");
  EXPECT_EQ(names_and_sizes(sorted(storage().list("p/"))), "p/one:10 p/sub/two:20 ");
  EXPECT_EQ(names_and_sizes(sorted(storage().list("p/sub/"))), "p/sub/two:20 ");
  EXPECT_EQ(names_and_sizes(sorted(storage().list("p/o"))), "p/one:10 ");
  EXPECT_EQ(names_and_sizes(storage().list("none")), "");
  EXPECT_EQ(names_and_sizes(storage().list("other/")), "");
}

TEST_P(Conformance, RemovesAndRemovingMissingIsNoError) {
  const Bytes bytes = pattern(100, 3);
  storage().put_bytes("doomed", bytes);
  storage().put_bytes("kept", bytes);
  streamed_ = bytes;
  streamed_.insert(streamed_.end(), bytes.begin(), bytes.end());
  storage().remove("doomed");
  storage().remove("doomed");         // gone already
  storage().remove("never-written");  // never there
  EXPECT_EQ(storage().size_of("doomed"), std::nullopt);
  if (!keeps_data()) return;
  EXPECT_EQ(names_and_sizes(storage().list("")), "kept:100 ");
  EXPECT_EQ(storage().get_bytes("kept"), bytes);
  if (target_.stored) {
    EXPECT_EQ(target_.stored("doomed"), std::nullopt);
  }
}

// abort() after some or all bytes, twice, and a writer dropped half way: nothing is visible, and
// nothing is left outside the listing either.
TEST_P(Conformance, AbortedAndAbandonedWritesLeaveNothing) {
  for (const std::uint64_t size : {std::uint64_t{unit_} + 1, GetParam().large_object_bytes}) {
    SCOPED_TRACE("size " + std::to_string(size));
    const Bytes bytes = pattern(size, size);
    const AlignedCopy copy(bytes, 0);
    BytesSource source(bytes);
    const std::size_t half = size / 2;
    {
      auto writer = storage().create("half", size, source);
      writer->write(copy.piece(0, half));
      writer->abort();
      writer->abort();  // harmless
    }
    {
      auto writer = storage().create("all-then-abort", size, source);
      for (std::size_t at = 0; at < size; at += GetParam().chunk_bytes)
        writer->write(copy.piece(at, GetParam().chunk_bytes));
      writer->abort();
    }
    {
      auto writer = storage().create("dropped", size, source);
      writer->write(copy.piece(0, half));
    }
    // A stream cannot take back what it emitted; the reader knows from the sizes.
    streamed_.insert(streamed_.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(half));
    streamed_.insert(streamed_.end(), bytes.begin(), bytes.end());
    streamed_.insert(streamed_.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(half));
    for (const std::string name : {"half", "all-then-abort", "dropped"}) {
      EXPECT_EQ(storage().size_of(name), std::nullopt) << name;
      if (target_.stored) {
        EXPECT_EQ(target_.stored(name), std::nullopt) << name;
      }
    }
    EXPECT_EQ(names_and_sizes(storage().list("")), "");
  }
  expect_no_leftovers();
}

// The writer contract of storage.hpp, with its exact messages, the same for every backend.
TEST_P(Conformance, WriterContractErrorsAreExact) {
  const Bytes bytes = pattern(12, 5);
  BytesSource source(bytes);
  const std::span<const std::uint8_t> all(bytes);
  const auto uri = [&](const std::string& name) { return target_.object_uri(name); };
  {  // one write past the size: refused before any byte reaches the store, the object aborted
    auto writer = storage().create("overlong", 10, source);
    EXPECT_EQ(message_of([&] { writer->write(all.first(11)); }),
              uri("overlong") +
                  ": write of 11 bytes at offset 0 runs past the declared size of 10 bytes (more bytes "
                  "than declared); aborted");
    EXPECT_EQ(message_of([&] { writer->write(all.first(1)); }), uri("overlong") + ": write() after a refused write()");
    EXPECT_EQ(message_of([&] { writer->complete(); }), uri("overlong") + ": complete() after a refused write()");
    writer->abort();
  }
  {  // the write that crosses the size, after some that fit
    auto writer = storage().create("crossing", 10, source);
    writer->write(all.first(6));
    EXPECT_EQ(message_of([&] { writer->write(all.subspan(6, 5)); }),
              uri("crossing") +
                  ": write of 5 bytes at offset 6 runs past the declared size of 10 bytes (more bytes "
                  "than declared); aborted");
    streamed_.insert(streamed_.end(), bytes.begin(), bytes.begin() + 6);
  }
  {  // complete() short of the size: refused and aborted
    auto writer = storage().create("short", 10, source);
    writer->write(all.first(4));
    EXPECT_EQ(message_of([&] { writer->complete(); }),
              uri("short") + ": 4 of 10 bytes written before complete(); aborted");
    EXPECT_EQ(message_of([&] { writer->complete(); }), uri("short") + ": complete() after a refused complete()");
    writer->abort();
    streamed_.insert(streamed_.end(), bytes.begin(), bytes.begin() + 4);
  }
  {  // an empty object takes no byte at all
    auto writer = storage().create("empty", 0, source);
    writer->write({});  // nothing is not too much
    EXPECT_EQ(message_of([&] { writer->write(all.first(1)); }),
              uri("empty") +
                  ": write of 1 byte at offset 0 runs past the declared size of 0 bytes (more bytes "
                  "than declared); aborted");
  }
  {  // complete() once; nothing after it; abort() after it keeps the object
    auto writer = storage().create("done", 10, source);
    writer->write(all.first(10));
    writer->complete();
    EXPECT_EQ(message_of([&] { writer->complete(); }), uri("done") + ": complete() after complete()");
    EXPECT_EQ(message_of([&] { writer->write(all.first(1)); }), uri("done") + ": write() after complete()");
    writer->abort();
    streamed_.insert(streamed_.end(), bytes.begin(), bytes.begin() + 10);
  }
  {  // nothing after abort()
    auto writer = storage().create("aborted", 10, source);
    writer->abort();
    EXPECT_EQ(message_of([&] { writer->write(all.first(1)); }), uri("aborted") + ": write() after abort()");
    EXPECT_EQ(message_of([&] { writer->complete(); }), uri("aborted") + ": complete() after abort()");
    writer->abort();
  }
  {  // control characters in a name show as %XX: the message stays one line
    auto writer = storage().create("line\nbreak", 10, source);
    EXPECT_EQ(message_of([&] { writer->write(all.first(11)); }),
              uri("line%0Abreak") +
                  ": write of 11 bytes at offset 0 runs past the declared size of 10 bytes (more "
                  "bytes than declared); aborted");
  }
  expect_no_leftovers();
  if (!keeps_data()) return;
  EXPECT_EQ(names_and_sizes(storage().list("")), "done:10 ");
  EXPECT_EQ(storage().get_bytes("done"), Bytes(bytes.begin(), bytes.begin() + 10));
}

TEST_P(Conformance, ConcurrentWritersOfDifferentObjects) {
  if (!caps_.concurrent_objects) GTEST_SKIP() << "capabilities: one object at a time";
  constexpr int kThreads = 4, kObjectsPerThread = 3;
  const auto size_of_object = [&](int thread, int object) {
    return 3 * unit_ + 17 * (thread * kObjectsPerThread + object);
  };
  std::vector<std::thread> threads;
  std::vector<std::string> failures(kThreads);
  for (int thread = 0; thread < kThreads; ++thread)
    threads.emplace_back([&, thread] {
      try {
        for (int object = 0; object < kObjectsPerThread; ++object) {
          const std::uint64_t seed = static_cast<std::uint64_t>(thread * kObjectsPerThread + object);
          write_whole(storage(), "t" + std::to_string(thread) + "/o" + std::to_string(object),
                      pattern(size_of_object(thread, object), seed), 4096);
        }
      } catch (const std::exception& error) {
        failures[static_cast<std::size_t>(thread)] = error.what();
      }
    });
  for (auto& thread : threads) thread.join();
  for (const std::string& failure : failures) EXPECT_EQ(failure, "");
  if (!keeps_data()) return;
  EXPECT_EQ(storage().list("").size(), static_cast<std::size_t>(kThreads * kObjectsPerThread));
  for (int thread = 0; thread < kThreads; ++thread)
    for (int object = 0; object < kObjectsPerThread; ++object) {
      const std::string name = "t" + std::to_string(thread) + "/o" + std::to_string(object);
      const std::optional<Bytes> got = storage().get_bytes(name);
      ASSERT_TRUE(got) << name;
      EXPECT_EQ(difference(*got, pattern(size_of_object(thread, object),
                                         static_cast<std::uint64_t>(thread * kObjectsPerThread + object))),
                "")
          << name;
    }
}

}  // namespace sdgen::conformance
