// VAES on 512-bit registers (AVX-512F + BW): four AES blocks per instruction.
#include <immintrin.h>

#include <cstring>

#include "generator/block_kernels.hpp"

namespace sdgen::detail {
namespace {

struct Vec {
  static constexpr int kBytes = 64;
  using T = __m512i;
  static T key(const std::uint8_t round_key[16]) {
    // From two 64-bit halves: GCC 12 warns on the undefined upper lanes of the 128-to-512-bit
    // broadcast and extension intrinsics.
    std::uint64_t low, high;
    std::memcpy(&low, round_key, 8);
    std::memcpy(&high, round_key + 8, 8);
    const auto l = static_cast<long long>(low), h = static_cast<long long>(high);
    return _mm512_set_epi64(h, l, h, l, h, l, h, l);
  }
  static T first_counters(std::uint64_t id) {  // a broadcast and a blend, not a chain of inserts
    return _mm512_mask_blend_epi64(0x55, _mm512_set1_epi64(static_cast<long long>(id)),
                                   _mm512_set_epi64(0, 3, 0, 2, 0, 1, 0, 0));
  }
  static T add_counter(T first, std::uint64_t n) {
    return _mm512_add_epi64(first, _mm512_maskz_set1_epi64(0x55, static_cast<long long>(n)));
  }
  static T aes_round(T state, T key) { return _mm512_aesenc_epi128(state, key); }
  static T xor_(T a, T b) { return _mm512_xor_si512(a, b); }
  static T and_(T a, T b) { return _mm512_and_si512(a, b); }
  static T load(const std::uint8_t* aligned) { return _mm512_load_si512(aligned); }
  static T zero() { return _mm512_setzero_si512(); }
  static void store(std::uint8_t* out, T v) { _mm512_storeu_si512(out, v); }
  static void store_streaming(std::uint8_t* out, T v) { _mm512_stream_si512(reinterpret_cast<__m512i*>(out), v); }
  static void fence() { _mm_sfence(); }
};

}  // namespace
}  // namespace sdgen::detail

#include "generator/block_kernel.inl"

namespace sdgen::detail {
extern const BlockKernels kVaes512Kernels{"vaes-512", kernel_stream_lines, kernel_fill_blocks,
                                          kernel_fill_blocks_streaming, Vec::kBytes};
}
