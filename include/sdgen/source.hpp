// What the pipeline writes and checks: a set of named objects whose bytes can be produced on demand.
//
// An ObjectSource is the pipeline's only view of the data. The generator is the first source
// (GeneratedObjects in sdgen/dataset.hpp); format encoders and Python callables are others. The
// pipeline never keeps a copy of an object: a writer that must resend a range (an S3 part retried
// after a 503) and a verifier that compares a read-back range both ask the source again.
//
// Contract: fill() is a pure function of (object, offset, size): the same range yields the same
// bytes on every call, from any thread, in any order, split at any boundary. All members are
// const and safe to call concurrently.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#pragma GCC visibility push(default)
namespace sdgen {

class ObjectSource {
 public:
  virtual ~ObjectSource() = default;

  virtual std::uint64_t object_count() const = 0;
  // The name of object `object` (< object_count()), relative to the storage's prefix.
  virtual std::string object_name(std::uint64_t object) const = 0;
  virtual std::uint64_t object_bytes(std::uint64_t object) const = 0;
  // Sizes the pipeline's buffers: chunks never exceed the largest object.
  virtual std::uint64_t largest_object_bytes() const = 0;
  // Writes bytes [offset, offset + out.size()) of `object`. Throws Error for a range outside it.
  virtual void fill(std::uint64_t object, std::uint64_t offset, std::span<std::uint8_t> out) const = 0;
  // False for a source that only names objects (a listing read back for throughput): fill()
  // then throws, and nothing can be verified against it.
  virtual bool has_content() const { return true; }
  // Verification counts bad blocks of this many bytes (the dedup unit for generated data), and
  // chunks read for verification are multiples of it, so no block is split between two chunks.
  virtual std::uint32_t check_unit_bytes() const { return 4096; }
};

// Which objects of a source a run covers: first, first + stride, first + 2 x stride, ... while
// below `end` (capped at the source's object count). The same objects get the same bytes as in a
// run over all of them, so ranks of a distributed run, and a resumed run, each take a selection.
struct ObjectSelection {
  std::uint64_t first = 0;
  std::uint64_t end = UINT64_MAX;
  std::uint64_t stride = 1;

  // The k-th selected object and how many there are, for a source of `object_count` objects.
  std::uint64_t object(std::uint64_t k) const { return first + k * stride; }
  std::uint64_t count(std::uint64_t object_count) const;
  bool all() const { return first == 0 && end == UINT64_MAX && stride == 1; }

  // "FIRST:END[:STRIDE]" with either bound optional ("100:", ":50", "0::4"), as Python slices.
  // Throws Error naming `what` for anything else.
  static ObjectSelection parse(const std::string& text, const std::string& what);
  std::string to_string() const;
};

// Throws Error when a selection other than all() selects none of `object_count` objects.
void validate(const ObjectSelection& selection, std::uint64_t object_count);

}  // namespace sdgen
#pragma GCC visibility pop
