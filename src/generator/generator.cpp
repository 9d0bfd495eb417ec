#include "sdgen/generator.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "generator/aes_stream.hpp"
#include "generator/block_content.hpp"
#include "generator/block_kernels.hpp"
#include "generator/block_map.hpp"
#include "generator/calibration.hpp"
#include "sdgen/error.hpp"

namespace sdgen {

// Everything derived from (spec, layout) once, shared by copies of the generator.
struct DataGenerator::Plan {
  detail::StreamKey key;
  const detail::BlockKernels* kernels = nullptr;
  detail::BlockContent content;  // for block edges: ranges that start or end inside a block
  std::uint64_t full_blocks = 0;        // full unit blocks per object
  std::uint64_t tail_bytes = 0;         // bytes of each object's partial last block
  std::uint64_t blocks_in_scope = 0;    // full blocks in the dataset, or in one object
  std::uint64_t distinct_in_scope = 0;  // distinct full blocks among those
  bool dataset_scope = true;
  std::uint64_t permutation_key = 0;
  detail::Permutation dataset_permutation;

  // Every object-scope permutation is keyed by its object, so objects repeat differently.
  detail::Permutation object_permutation(std::uint64_t object) const {
    return {full_blocks, detail::mix64(permutation_key ^ detail::mix64(object + 1))};
  }

  // The content id of full or partial block `block` of `object`: equal ids, equal bytes.
  std::uint64_t content_id(std::uint64_t object, std::uint64_t block, const detail::Permutation& in_object) const {
    if (block >= full_blocks) return detail::kTailDomain | object;
    const bool dedup = distinct_in_scope != blocks_in_scope;
    if (dataset_scope) {
      const std::uint64_t global = object * full_blocks + block;
      return dedup ? dataset_permutation(global) % distinct_in_scope : global;
    }
    return dedup ? object * distinct_in_scope + in_object(block) % distinct_in_scope : object * full_blocks + block;
  }
};

DataGenerator::DataGenerator(const DataSpec& spec, const DatasetLayout& layout) : spec_(spec), layout_(layout) {
  validate(spec_, layout_);
  if (!spec_.random_bytes_per_block) spec_.random_bytes_per_block = detail::calibrate(spec_).random_bytes_per_block;
  random_bytes_ = *spec_.random_bytes_per_block;

  auto plan = std::make_shared<Plan>();
  plan->key = detail::make_stream_key(spec_.seed);
  plan->kernels = &detail::best_kernels();
  plan->content = {plan->kernels->stream_lines, &plan->key, spec_.unit_bytes, random_bytes_};
  plan->full_blocks = full_blocks_ = layout_.object_bytes / spec_.unit_bytes;
  plan->tail_bytes = layout_.object_bytes % spec_.unit_bytes;
  plan->dataset_scope = spec_.scope == DedupScope::dataset;
  plan->blocks_in_scope = plan->dataset_scope ? full_blocks_ * layout_.object_count : full_blocks_;
  plan->distinct_in_scope = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::llround(static_cast<double>(plan->blocks_in_scope) / spec_.dedup)));
  plan->distinct_in_scope = std::min(plan->distinct_in_scope, plan->blocks_in_scope);
  plan->permutation_key = detail::mix64(spec_.seed ^ 0x7065726d75746521ull);
  if (plan->dataset_scope) plan->dataset_permutation = detail::Permutation(plan->blocks_in_scope, plan->permutation_key);
  plan_ = std::move(plan);
}

namespace {

void check_object(std::uint64_t object, const DatasetLayout& layout) {
  if (object >= layout.object_count)
    throw_invalid("object " + std::to_string(object) + " is outside the dataset of " +
                  std::to_string(layout.object_count) + " objects");
}

void check_range(std::uint64_t object, std::uint64_t offset, std::uint64_t size, const DatasetLayout& layout) {
  check_object(object, layout);
  if (offset > layout.object_bytes || size > layout.object_bytes - offset)
    throw_invalid("range [" + std::to_string(offset) + ", " + std::to_string(offset + size) +
                  ") is outside the object of " + std::to_string(layout.object_bytes) + " bytes");
}

}  // namespace

void DataGenerator::fill(std::uint64_t object, std::uint64_t offset, std::span<std::uint8_t> out) const {
  check_range(object, offset, out.size(), layout_);
  fill_unchecked(object, offset, out, out.size() >= kStreamingFillBytes);
}

void DataGenerator::fill_unchecked(std::uint64_t object, std::uint64_t offset, std::span<std::uint8_t> out,
                                   bool streaming) const {
  const Plan& plan = *plan_;
  const detail::Permutation in_object =
      plan.dataset_scope || plan.full_blocks == 0 ? detail::Permutation() : plan.object_permutation(object);
  const std::uint64_t unit = spec_.unit_bytes;
  const std::uint64_t end = offset + out.size();
  constexpr std::size_t kBatch = 256;  // content ids computed ahead of one kernel call (1 MiB of 4 KiB blocks)
  std::uint64_t content_ids[kBatch];
  for (std::uint64_t position = offset; position < end;) {
    const std::uint64_t block = position / unit;
    const std::uint64_t in_block = position % unit;
    if (in_block == 0 && block < plan.full_blocks && end - position >= unit) {
      const std::size_t whole = std::min<std::uint64_t>({(end - position) / unit, plan.full_blocks - block, kBatch});
      for (std::size_t i = 0; i < whole; ++i) content_ids[i] = plan.content_id(object, block + i, in_object);
      std::uint8_t* to = out.data() + (position - offset);
      const bool aligned = reinterpret_cast<std::uintptr_t>(to) % plan.kernels->streaming_alignment == 0;
      (streaming && aligned ? plan.kernels->fill_blocks_streaming : plan.kernels->fill_blocks)(
          plan.key, content_ids, whole, spec_.unit_bytes, random_bytes_, to);
      position += whole * unit;
      continue;
    }
    const std::uint64_t block_bytes = block < plan.full_blocks ? unit : plan.tail_bytes;
    const std::uint64_t length = std::min(block_bytes - in_block, end - position);
    plan.content.write(plan.content_id(object, block, in_object), in_block, length, out.data() + (position - offset));
    position += length;
  }
}

void DataGenerator::fill_parallel(std::uint64_t object, std::uint64_t offset, std::span<std::uint8_t> out,
                                  FillThreads& threads) const {
  const std::uint64_t unit = spec_.unit_bytes;
  const std::uint64_t min_piece = std::uint64_t{256} << 10;  // below this a thread costs more than it saves
  const auto parts = static_cast<unsigned>(std::clamp<std::uint64_t>(out.size() / min_piece, 1, threads.size()));
  check_range(object, offset, out.size(), layout_);  // before any thread starts
  const bool streaming = out.size() >= kStreamingFillBytes;
  if (parts == 1) return fill_unchecked(object, offset, out, streaming);
  const std::uint64_t end = offset + out.size();
  std::vector<std::uint64_t> cuts{offset};
  for (unsigned t = 1; t < parts; ++t) {
    const std::uint64_t cut = (offset + out.size() * t / parts) / unit * unit;
    cuts.push_back(std::clamp(cut, cuts.back(), end));
  }
  cuts.push_back(end);
  threads.run(parts, [&](unsigned t) {
    fill_unchecked(object, cuts[t], out.subspan(cuts[t] - offset, cuts[t + 1] - cuts[t]), streaming);
  });
}

ObjectGen DataGenerator::begin_object(std::uint64_t object) const {
  check_object(object, layout_);
  return ObjectGen(*this, object);
}

std::uint64_t DataGenerator::total_full_blocks() const { return full_blocks_ * layout_.object_count; }

std::uint64_t DataGenerator::distinct_full_blocks() const {
  return plan_->dataset_scope ? plan_->distinct_in_scope : plan_->distinct_in_scope * layout_.object_count;
}

ExpectedBytes DataGenerator::expected_bytes() const {
  ExpectedBytes bytes;
  bytes.logical = layout_.object_count * layout_.object_bytes;
  bytes.unique = distinct_full_blocks() * spec_.unit_bytes + layout_.object_count * plan_->tail_bytes;
  bytes.stored = static_cast<std::uint64_t>(std::llround(static_cast<double>(bytes.unique) / spec_.compress));
  return bytes;
}

std::string DataGenerator::implementation() { return detail::best_kernels().name; }

ObjectGen::ObjectGen(const DataGenerator& generator, std::uint64_t object)
    : generator_(&generator), object_(object), size_(generator.layout().object_bytes) {}

void ObjectGen::fill_chunk(std::span<std::uint8_t> out) {
  generator_->fill(object_, offset_, out);
  offset_ += out.size();
}

}  // namespace sdgen
