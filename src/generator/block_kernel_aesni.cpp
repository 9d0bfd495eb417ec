// AES-NI on 128-bit registers: one AES block per instruction, any x86-64 CPU since 2010.
#include <immintrin.h>

#include "generator/block_kernels.hpp"

namespace sdgen::detail {
namespace {

struct Vec {
  static constexpr int kBytes = 16;
  using T = __m128i;
  static T key(const std::uint8_t round_key[16]) {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(round_key));
  }
  static T first_counters(std::uint64_t id) { return _mm_set_epi64x(static_cast<long long>(id), 0); }
  static T add_counter(T first, std::uint64_t n) {
    return _mm_add_epi64(first, _mm_set_epi64x(0, static_cast<long long>(n)));
  }
  static T aes_round(T state, T key) { return _mm_aesenc_si128(state, key); }
  static T xor_(T a, T b) { return _mm_xor_si128(a, b); }
  static T and_(T a, T b) { return _mm_and_si128(a, b); }
  static T load(const std::uint8_t* aligned) { return _mm_load_si128(reinterpret_cast<const __m128i*>(aligned)); }
  static T zero() { return _mm_setzero_si128(); }
  static void store(std::uint8_t* out, T v) { _mm_storeu_si128(reinterpret_cast<__m128i*>(out), v); }
  static void store_streaming(std::uint8_t* out, T v) { _mm_stream_si128(reinterpret_cast<__m128i*>(out), v); }
  static void fence() { _mm_sfence(); }
};

}  // namespace
}  // namespace sdgen::detail

#include "generator/block_kernel.inl"

namespace sdgen::detail {
extern const BlockKernels kAesniKernels{"aes-ni", kernel_stream_lines, kernel_fill_blocks, kernel_fill_blocks_streaming,
                                        Vec::kBytes};
}
