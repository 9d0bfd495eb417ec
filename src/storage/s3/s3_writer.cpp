#include "storage/s3/s3_writer.hpp"

namespace sdgen::s3 {

std::unique_ptr<ObjectWriter> make_writer(const Client& client, http::TransferThreads& threads,
                                          const S3Options& options, std::string key, std::uint64_t size,
                                          ByteSource& source) {
  if (size <= options.multipart_threshold) return make_single_put_writer(client, threads, std::move(key), size, source);
  return make_multipart_writer(client, threads, options, std::move(key), size, source);
}

}  // namespace sdgen::s3
