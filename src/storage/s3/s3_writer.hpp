// Writing one S3 object: a streaming PUT up to the multipart threshold (s3_single_put.cpp), a
// streaming multipart upload above (s3_multipart.cpp).
//
// Both stream: write() hands its chunk to curl's read callback on a transfer thread
// (../http/hand_off.hpp) and returns once curl has taken it, so neither keeps any copy of the
// object: the pipeline's buffer goes back to its pool at once.
//
// Single PUT: the transfer starts at create(). The PUT carries the object's CRC32C, which S3
// checks on arrival; since the header goes before the body, the transfer thread first generates
// the object once more through the source to compute it (so a stream that differs from its
// source is refused: 400 BadDigest).
// Multipart: parts of part_bytes, each its own PUT streaming the chunks that fall in it, each with
// its CRC32C (computed from the source the same way, by the part's thread, before its first
// byte). A part waits for its answer while the next one streams; at most parts_in_flight part
// requests are open per object, and the next part's request is opened (checksum computed,
// connection ready) while the current one streams, when that bound allows it.
//
// Memory: no part buffers. A put's resident memory is the pipeline's (queue_depth x chunk_bytes,
// pipeline.hpp) plus, per transfer thread, curl's 256 KiB upload buffer, a 256 KiB checksum piece,
// its stack and allocator arena (~0.5 MiB measured, 1 MiB counted); a put runs at most
// jobs x parts_in_flight transfer threads at once. So beyond the process's base (13 MiB with
// libcurl loaded, measured), whatever part_bytes and the object sizes are:
//     queue_depth x chunk_bytes + jobs x parts_in_flight x 1 MiB
// (8 MiB + 16 MiB at the defaults: --queue-depth 8, --chunk-size 1MiB, --jobs 4,
// --parts-in-flight 4). part_bytes only sets how much a resent part regenerates.
// tests/storage/s3/s3_memory_test.sh checks it against moto. (Until 2026-12 multipart copied chunks into
// parts_in_flight buffers of part_bytes per object, outside the pipeline's bound: 4 objects of
// 64 MiB in 8 MiB parts at 4 jobs peaked at 205 MiB, now 30 MiB.)
//
// Because no copy is kept, a resend (5xx, 429, SlowDown, reset, timeout; up to max_attempts with
// backoff) regenerates the body through ByteSource::read_at on a transfer thread (several parts
// may do so at once), while the writer's chunks for that part go nowhere. The source must stay
// valid until complete() or abort() has returned, and writers must be gone before their storage.
//
// Honesty: the object exists only when complete() has returned (the PUT or
// CompleteMultipartUpload succeeded). A failed part, a failed complete() or abort() aborts the
// multipart upload (AbortMultipartUpload) so no parts are left behind. A CreateMultipartUpload
// that was sent more than once (an answer lost or refused), or failed after reaching the store,
// may have created uploads nobody knows of: the writer lists the uploads of its key
// (ListMultipartUploads) and aborts those no writer of this process uses. abort() of a single PUT
// that went through, or whose whole body went out with no answer back, deletes the object (a
// request whose body is out is never cut off: the store may act on it anyway). A writer
// destroyed without complete() aborts.
// Internal to libsdgen: not installed, not part of the API (include/sdgen/ is).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "sdgen/storage.hpp"
#include "storage/http/transfer_threads.hpp"
#include "storage/s3/s3_client.hpp"
#include "storage/s3/s3_config.hpp"

namespace sdgen::s3 {

// The writer for `key` (the full object key) of `size` bytes. A multipart writer sends
// CreateMultipartUpload before returning. Throws Error.
std::unique_ptr<ObjectWriter> make_writer(const Client& client, http::TransferThreads& threads,
                                          const S3Options& options, std::string key, std::uint64_t size,
                                          ByteSource& source);

// The two kinds, for make_writer.
std::unique_ptr<ObjectWriter> make_single_put_writer(const Client& client, http::TransferThreads& threads,
                                                     std::string key, std::uint64_t size, ByteSource& source);
std::unique_ptr<ObjectWriter> make_multipart_writer(const Client& client, http::TransferThreads& threads,
                                                    const S3Options& options, std::string key, std::uint64_t size,
                                                    ByteSource& source);

}  // namespace sdgen::s3
