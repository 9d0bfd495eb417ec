// The backends' factories and option tables, one pair per URI scheme; registry.cpp maps schemes
// to them (open_storage, storage_backends). Each factory receives the whole URI and parses what
// follows its scheme; its options are already checked against its table. Adding a backend adds
// one file, its declarations here and one row in the table; nothing else changes (the CLI makes
// its flags from the table).
// Internal to libsdgen: not installed, not part of the API (include/sdgen/ is).
#pragma once

#include <memory>
#include <span>
#include <string>

#include "sdgen/storage.hpp"

namespace sdgen {

std::unique_ptr<Storage> open_file_storage(const std::string& uri, const StorageOptions& options);
std::unique_ptr<Storage> open_direct_storage(const std::string& uri, const StorageOptions& options);
std::unique_ptr<Storage> open_null_storage(const std::string& uri, const StorageOptions& options);
std::unique_ptr<Storage> open_stdout_storage(const std::string& uri, const StorageOptions& options);
std::unique_ptr<Storage> open_mem_storage(const std::string& uri, const StorageOptions& options);
std::span<const BackendOption> file_storage_options();
std::span<const BackendOption> direct_storage_options();
// Provided by src/storage/s3/ (declared again in s3/s3_storage.hpp); only called when the build
// defines SDGEN_WITH_S3.
std::unique_ptr<Storage> open_s3_storage(const std::string& uri, const StorageOptions& options);
std::span<const BackendOption> s3_storage_options();

}  // namespace sdgen
