// The backend conformance suite: one set of cases every Storage backend runs (file, direct, null,
// stdout, mem and the skeleton in sdgen_storage_tests; s3 against moto in sdgen_s3_tests).
//
// A test binary instantiates the suite with the backends it can open:
//   INSTANTIATE_TEST_SUITE_P(Local, Conformance, ::testing::Values(BackendCase{...}, ...),
//                            conformance::case_name);
// Which cases apply is decided by the storage's capabilities() (readable, discards_data,
// concurrent_objects, buffer_alignment, size_granularity) and by the views the harness offers of
// what was stored, never by the scheme. Every case asserts exact bytes and exact messages.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "sdgen/error.hpp"
#include "sdgen/storage.hpp"

namespace sdgen::conformance {

using Bytes = std::vector<std::uint8_t>;

// One backend, opened fresh for one test, with what the suite needs to judge it.
struct Target {
  // Destroyed last (members go in reverse order): temporary directories, a captured stdout.
  std::shared_ptr<void> resources;
  std::unique_ptr<Storage> storage;
  // The object as messages must name it, given the name as it shows there (control characters
  // already as %XX): "file:///tmp/x/" + name.
  std::function<std::string(const std::string& shown_name)> object_uri;
  // The exact message of read() of a missing object (readable backends), or of any read()
  // (backends that are not readable).
  std::function<std::string(const std::string& name)> read_error;
  ErrorKind read_error_kind = ErrorKind::io;
  // Optional views that do not go through the backend's own read path:
  //   stored(name): the object as kept (a file read directly, another Storage on the same store);
  //                 nullopt when it is not there.
  //   stream():     everything a streaming backend has emitted so far, in order (stdout).
  //   leftovers():  what a failed or aborted write left outside the listing (open multipart
  //                 uploads), one line each.
  std::function<std::optional<Bytes>(const std::string& name)> stored;
  std::function<Bytes()> stream;
  std::function<std::vector<std::string>()> leftovers;
  std::string skip_reason;  // set: the backend cannot run here; the suite skips and prints it
};

struct BackendCase {
  std::string name;  // the test name's suffix
  std::function<Target()> open;
  // An object of several write() chunks of chunk_bytes (and, where the backend splits objects,
  // of several parts: s3 sets it above its multipart threshold).
  std::uint64_t large_object_bytes = 4 * 65536 + 4097;
  std::size_t chunk_bytes = 65536;
};

inline std::string case_name(const ::testing::TestParamInfo<BackendCase>& info) { return info.param.name; }
inline void PrintTo(const BackendCase& backend, std::ostream* out) { *out << backend.name; }

class Conformance : public ::testing::TestWithParam<BackendCase> {
 protected:
  void SetUp() override;
  void TearDown() override;

  Storage& storage() { return *target_.storage; }
  // Fails the test for anything target_.leftovers() reports (a slow look on S3: called by the
  // cases that abort writes, not by every case).
  void expect_no_leftovers();
  // Objects written can be read back (file, direct, mem, s3), rather than discarded (null) or
  // only streamed (stdout).
  bool keeps_data() const { return caps_.readable && !caps_.discards_data; }

  Target target_;
  StorageCapabilities caps_;
  std::size_t unit_ = 4096;  // the default dedup unit, or the backend's granularity if larger
  Bytes streamed_;           // what stream() must have emitted by the end of the test
};

}  // namespace sdgen::conformance
