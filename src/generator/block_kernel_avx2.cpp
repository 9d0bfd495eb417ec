// VAES on 256-bit registers (AVX2): two AES blocks per instruction (e.g. AMD Zen 3).
#include <immintrin.h>

#include "generator/block_kernels.hpp"

namespace sdgen::detail {
namespace {

struct Vec {
  static constexpr int kBytes = 32;
  using T = __m256i;
  static T key(const std::uint8_t round_key[16]) {
    return _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(round_key)));
  }
  static T first_counters(std::uint64_t id) {
    const auto i = static_cast<long long>(id);
    return _mm256_set_epi64x(i, 1, i, 0);
  }
  static T add_counter(T first, std::uint64_t n) {
    const auto c = static_cast<long long>(n);
    return _mm256_add_epi64(first, _mm256_set_epi64x(0, c, 0, c));
  }
  static T aes_round(T state, T key) { return _mm256_aesenc_epi128(state, key); }
  static T xor_(T a, T b) { return _mm256_xor_si256(a, b); }
  static T and_(T a, T b) { return _mm256_and_si256(a, b); }
  static T load(const std::uint8_t* aligned) { return _mm256_load_si256(reinterpret_cast<const __m256i*>(aligned)); }
  static T zero() { return _mm256_setzero_si256(); }
  static void store(std::uint8_t* out, T v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), v); }
  static void store_streaming(std::uint8_t* out, T v) { _mm256_stream_si256(reinterpret_cast<__m256i*>(out), v); }
  static void fence() { _mm_sfence(); }
};

}  // namespace
}  // namespace sdgen::detail

#include "generator/block_kernel.inl"

namespace sdgen::detail {
extern const BlockKernels kVaes256Kernels{"vaes-256", kernel_stream_lines, kernel_fill_blocks,
                                          kernel_fill_blocks_streaming, Vec::kBytes};
}
