// The backends' factories, one per URI scheme; registry.cpp maps schemes to them (open_storage).
// Each factory receives the whole URI and parses what follows its scheme. Adding a backend adds
// one file, one declaration here and one row in the table; nothing else changes.
#pragma once

#include <memory>
#include <string>

#include "sdgen/storage.hpp"

namespace sdgen {

std::unique_ptr<Storage> open_file_storage(const std::string& uri, const StorageOptions& options);
std::unique_ptr<Storage> open_direct_storage(const std::string& uri, const StorageOptions& options);
std::unique_ptr<Storage> open_null_storage(const std::string& uri, const StorageOptions& options);
std::unique_ptr<Storage> open_stdout_storage(const std::string& uri, const StorageOptions& options);
std::unique_ptr<Storage> open_mem_storage(const std::string& uri, const StorageOptions& options);
// Provided by src/storage/s3/ (declared again in s3/s3_storage.hpp); only called when the build
// defines SDGEN_WITH_S3.
std::unique_ptr<Storage> open_s3_storage(const std::string& uri, const StorageOptions& options);

}  // namespace sdgen
