// Where objects go: one small interface over files, O_DIRECT files, discard, stdout, memory and S3.
//
// A Storage is opened from a URI:
//   file:///dir/prefix    POSIX files
//   direct:///dir/prefix  files written and read with O_DIRECT (aligned buffers)
//   mem://NAME/prefix     an in-process object store shared by every Storage of the process
//                         opened on NAME (tests, bindings); drop_mem_store(NAME) frees it
//   s3://bucket/prefix    any S3-compatible store
//   null://               discards everything (measures the pipeline)
//   -                     standard output, objects one after another
// Object names passed to it are relative to that prefix and are appended to it as text:
// file:///data/run1- with name "obj_0" is /data/run1-obj_0, as s3://b/run1- with "obj_0" is the
// key run1-obj_0. A file:// or direct:// path that ends in '/' or names an existing directory is
// a directory; missing directories are created on the first write. The pipeline only talks to
// this interface; it asks capabilities, never schemes.
//
// Honesty rule: an object is written only when ObjectWriter::complete() has returned. Any
// error before that leaves no object claimed; abort() removes what a failed write left behind.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#pragma GCC visibility push(default)
namespace sdgen {

// What a backend needs and offers; the pipeline adapts to these, never to a scheme name.
struct StorageCapabilities {
  // Chunks handed to write() and buffers handed to read() should start at this alignment and be
  // multiples of size_granularity (except an object's last chunk) for the fast path; backends
  // still accept any buffer, at the cost of a copy (direct://: 4096 and 4096).
  std::size_t buffer_alignment = 1;
  std::size_t size_granularity = 1;
  bool discards_data = false;      // null://: nothing can be read back
  bool readable = true;            // stdout: write only
  bool concurrent_objects = true;  // false: one object at a time, in order (stdout)
};

// Produces any byte range of the object being written, as often as asked: a writer that must
// resend data (an S3 part retried after a 503) regenerates it instead of keeping it in memory.
// read_at() may be called from several threads at once (the pipeline's source is the generator,
// which is thread-safe); it throws Error for a range outside the object.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual void read_at(std::uint64_t offset, std::span<std::uint8_t> out) = 0;
};

// Writes one object. write() receives the object's bytes in order, in chunks of any size;
// complete() makes the object durable and visible. Not thread-safe: one thread per writer.
//
// A writer returned by Storage::create() enforces this contract itself, for every backend
// (storage.cpp): a broken rule throws Error (invalid_argument) naming the object; the store's own
// failures come through as the backend threw them. The rules:
//   - the chunks add up to exactly the size given to create(): a write() that would pass it is
//     refused before any of its bytes reach the store, and complete() after fewer bytes is
//     refused; both abort the object;
//   - any write() or complete() that throws (a broken contract or the store's failure) ends the
//     writer: the object is aborted at once and only abort() may follow;
//   - nothing may follow complete() or abort(), and complete() succeeds at most once;
//   - abort() may be called any number of times, also after a failed write() or complete();
//     after a successful complete() it does nothing (the object stays);
//   - a writer destroyed without a successful complete() aborts the object;
//   - an empty chunk is accepted and reaches no backend.
// A writer must not outlive the Storage that created it.
class ObjectWriter {
 public:
  virtual ~ObjectWriter() = default;
  virtual void write(std::span<const std::uint8_t> chunk) = 0;  // throws Error
  virtual void complete() = 0;                                  // throws Error
  virtual void abort() noexcept = 0;                            // best effort: remove the partial object / upload
};

struct ObjectInfo {
  std::string name;  // relative to the storage prefix
  std::uint64_t size = 0;
};

// Thread-safe: writers and reads of different objects may run concurrently (except where
// capabilities().concurrent_objects is false: then one object at a time, in order).
class Storage {
 public:
  virtual ~Storage() = default;
  virtual StorageCapabilities capabilities() const = 0;
  virtual std::string describe() const = 0;  // the URI, for messages
  // Object `name` as a user would write it, for messages: describe() and the name ("/" between
  // them when the URI has no path, as s3://bucket), control characters as %XX so that every
  // message stays on one line. Backends whose URI cannot be followed by a name override it.
  virtual std::string object_uri(const std::string& name) const;

  // Starts writing object `name` of exactly `size` bytes and returns a writer that enforces the
  // ObjectWriter contract above around the backend's own (open_writer). `source` produces the
  // same bytes that write() will receive and stays valid until complete() or abort() has
  // returned (or the writer is destroyed). Throws Error when the backend cannot start the object.
  std::unique_ptr<ObjectWriter> create(const std::string& name, std::uint64_t size, ByteSource& source);
  // Reads up to out.size() bytes at `offset`; returns the count (short only at the object's end,
  // 0 at or past it). Throws Error (io) for a missing object, naming it; a storage that is not
  // capabilities().readable throws invalid_argument for every read.
  virtual std::uint64_t read(const std::string& name, std::uint64_t offset, std::span<std::uint8_t> out) = 0;
  // The object's size, or nullopt when it does not exist.
  virtual std::optional<std::uint64_t> size_of(const std::string& name) = 0;
  // Objects whose names (relative to the storage prefix) start with `prefix`, in no set order.
  virtual std::vector<ObjectInfo> list(const std::string& prefix) = 0;
  // Removes the object; removing one that does not exist is not an error.
  virtual void remove(const std::string& name) = 0;

  // Small whole-object helpers (the manifest), built on the calls above. put_bytes() aborts the
  // writer and rethrows on failure; get_bytes() returns nullopt when the object does not exist.
  void put_bytes(const std::string& name, std::span<const std::uint8_t> bytes);
  std::optional<std::vector<std::uint8_t>> get_bytes(const std::string& name);

 protected:
  // The backend's writer for `name` of `size` bytes (create()'s arguments, unchecked). create()
  // wraps it, so a backend's writer may rely on every call it gets being valid:
  //   - write() chunks fit: their sizes add up to at most `size`, and complete() is called only
  //     after exactly `size` bytes;
  //   - after write() or complete() throws, the next and last call is abort();
  //   - exactly one of complete() (returning) or abort() ends it, then it is destroyed; its
  //     destructor need not abort anything. abort() must still clean up after the writer's own
  //     failed write() or complete(), whatever state that left.
  // Called from any thread (several at once unless concurrent_objects is false).
  virtual std::unique_ptr<ObjectWriter> open_writer(const std::string& name, std::uint64_t size,
                                                    ByteSource& source) = 0;
};

// One option a backend takes, as the backend's own table declares it (each backend's file holds
// its table; registry.cpp names the tables). The CLI makes a flag "--<name>" of each, so a new
// backend brings its options without any change to the CLI.
struct BackendOption {
  enum class Kind {
    flag,   // "true" or "false"; given without a value on the command line
    text,   // any string
    size,   // bytes, with units as parse_size reads them ("8MiB")
    count,  // a decimal number
  };
  std::string_view name;  // "part-size": the CLI's --part-size
  Kind kind = Kind::text;
  std::string_view default_value;  // as a user writes it ("8MiB"); "" for none (a flag: off)
  std::string_view help;           // one line, without the scheme
  bool writing_only = false;       // applies to writing objects (put), not to reading them (get)
};

// A backend as the registry knows it.
struct StorageBackend {
  std::string_view scheme;  // "file", "s3"; "-" for stdout
  std::string_view target;  // how messages name its targets: "file://", "- (stdout)"
  std::span<const BackendOption> options;
};

// Every backend this sdgen was built with, in a fixed order.
std::span<const StorageBackend> storage_backends();
// The backend that `uri` names. Throws Error (invalid_argument) for a URI without a known scheme.
const StorageBackend& storage_backend_of(const std::string& uri);

// Options for a storage, by the names of its backend's table, with values as a user writes
// them: set("part-size", "16MiB"), set("fsync", "true"). An option left out takes the table's
// default. open_storage() refuses a name the target's backend does not take (naming it and the
// target) and a value its backend cannot read.
struct StorageOptions {
  std::map<std::string, std::string, std::less<>> values;

  StorageOptions& set(std::string_view name, std::string_view value) {
    values.insert_or_assign(std::string(name), std::string(value));
    return *this;
  }
};

// Opens the storage named by `uri`. Throws Error for unknown schemes, bad URIs and options the
// backend does not take or cannot read (and, for s3://, missing credentials or an unreachable
// endpoint).
std::unique_ptr<Storage> open_storage(const std::string& uri, const StorageOptions& options);

// Frees the mem:// store NAME: removes all its objects at once, for every Storage opened on it
// (a read in progress keeps the one object it copies from until it returns; a writer still open
// completes into the emptied store). Returns the number of objects removed: 0 when the store is
// empty or was never opened. Thread-safe.
std::size_t drop_mem_store(const std::string& name);

}  // namespace sdgen
#pragma GCC visibility pop
