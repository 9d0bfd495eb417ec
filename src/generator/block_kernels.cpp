#include "generator/block_kernels.hpp"

#include "generator/block_content.hpp"

namespace sdgen::detail {
namespace {

void portable_fill_blocks(const StreamKey& key, const std::uint64_t* content_ids, std::size_t count,
                          std::uint32_t unit_bytes, std::uint32_t random_bytes, std::uint8_t* out) {
  const BlockContent content{stream_lines_portable, &key, unit_bytes, random_bytes};
  for (std::size_t i = 0; i < count; ++i) content.write(content_ids[i], 0, unit_bytes, out + i * unit_bytes);
}

}  // namespace

extern const BlockKernels kPortableKernels{"portable", stream_lines_portable, portable_fill_blocks,
                                           portable_fill_blocks, 1};

#if defined(SDGEN_X86_KERNELS)
extern const BlockKernels kAesniKernels;
extern const BlockKernels kVaes256Kernels;
extern const BlockKernels kVaes512Kernels;
#endif

int available_kernels(const BlockKernels** out, int capacity) {
  int n = 0;
  auto add = [&](const BlockKernels& kernels) {
    if (n < capacity) out[n++] = &kernels;
  };
  add(kPortableKernels);
#if defined(SDGEN_X86_KERNELS)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("aes") && __builtin_cpu_supports("sse4.1")) {
    add(kAesniKernels);
    if (__builtin_cpu_supports("vaes") && __builtin_cpu_supports("avx2")) add(kVaes256Kernels);
    if (__builtin_cpu_supports("vaes") && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("bmi2"))
      add(kVaes512Kernels);
  }
#endif
  return n;
}

const BlockKernels& best_kernels() {
  static const BlockKernels& best = []() -> const BlockKernels& {
    const BlockKernels* all[8];
    return *all[available_kernels(all, 8) - 1];
  }();
  return best;
}

}  // namespace sdgen::detail
