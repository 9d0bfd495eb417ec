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

namespace {

std::uint64_t distinct_of(std::uint64_t blocks, double dedup) {
  const auto distinct = static_cast<std::uint64_t>(std::llround(static_cast<double>(blocks) / dedup));
  return std::min(std::max<std::uint64_t>(1, distinct), blocks);
}

}  // namespace

// Everything derived from (spec, layout) once, shared by copies of the generator.
//
// Block ids: block j of object i is global block first_block(i) + j. Dataset scope: its content
// is permutation(global) mod distinct_in_dataset (or the global index itself without dedup).
// Object scope: first_distinct(i) + (permutation_i(j) mod distinct(i)). A fixed layout has closed
// forms for first_block and first_distinct; a per-object layout keeps their prefix sums.
struct DataGenerator::Plan {
  detail::StreamKey key;
  const detail::BlockKernels* kernels = nullptr;
  detail::BlockContent content;  // for block edges: ranges that start or end inside a block
  std::uint32_t unit_bytes = 0;
  double dedup = 1;
  bool dataset_scope = true;
  // Fixed layouts: every object has these.
  std::uint64_t fixed_full_blocks = 0;
  std::uint64_t fixed_distinct = 0;  // object scope: distinct full blocks per object
  // Per-object layouts: prefix sums, object_count + 1 entries each.
  std::vector<std::uint64_t> first_block;
  std::vector<std::uint64_t> first_distinct;  // object scope only
  std::uint64_t total_full_blocks = 0;
  std::uint64_t distinct_in_dataset = 0;  // dataset scope: distinct full blocks; object scope: their sum
  bool dataset_dedup = false;             // dataset scope: some blocks are copies
  std::uint64_t permutation_key = 0;
  detail::Permutation dataset_permutation;

  // Where the blocks of one object come from; computed once per fill call, used per block.
  struct ObjectBlocks {
    std::uint64_t object = 0;
    std::uint64_t full_blocks = 0;
    std::uint64_t tail_bytes = 0;
    std::uint64_t first_block = 0;     // its block 0 as a global block
    std::uint64_t first_distinct = 0;  // object scope: its first distinct id
    std::uint64_t distinct = 0;        // object scope: its distinct full blocks
    detail::Permutation in_object;     // object scope with dedup: scatters the copies
  };

  ObjectBlocks blocks_of(std::uint64_t object, std::uint64_t object_bytes) const {
    ObjectBlocks blocks;
    blocks.object = object;
    blocks.full_blocks = object_bytes / unit_bytes;
    blocks.tail_bytes = object_bytes % unit_bytes;
    blocks.first_block = first_block.empty() ? object * fixed_full_blocks : first_block[object];
    if (dataset_scope) return blocks;
    blocks.first_distinct = first_distinct.empty() ? object * fixed_distinct : first_distinct[object];
    blocks.distinct = first_distinct.empty() ? fixed_distinct : first_distinct[object + 1] - first_distinct[object];
    // Every object-scope permutation is keyed by its object, so objects repeat differently.
    if (blocks.distinct != blocks.full_blocks)
      blocks.in_object = {blocks.full_blocks, detail::mix64(permutation_key ^ detail::mix64(object + 1))};
    return blocks;
  }

  // The content id of full or partial block `block` of the object: equal ids, equal bytes.
  std::uint64_t content_id(const ObjectBlocks& of, std::uint64_t block) const {
    if (block >= of.full_blocks) return detail::kTailDomain | of.object;
    if (dataset_scope) {
      const std::uint64_t global = of.first_block + block;
      return dataset_dedup ? dataset_permutation(global) % distinct_in_dataset : global;
    }
    if (of.distinct == of.full_blocks) return of.first_distinct + block;
    return of.first_distinct + of.in_object(block) % of.distinct;
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
  plan->unit_bytes = spec_.unit_bytes;
  plan->dedup = spec_.dedup;
  plan->dataset_scope = spec_.scope == DedupScope::dataset;
  const std::uint64_t unit = spec_.unit_bytes;
  if (layout_.fixed()) {
    plan->fixed_full_blocks = layout_.object_bytes / unit;
    plan->total_full_blocks = plan->fixed_full_blocks * layout_.object_count;
    plan->fixed_distinct = distinct_of(plan->fixed_full_blocks, spec_.dedup);
    if (!plan->dataset_scope) plan->distinct_in_dataset = plan->fixed_distinct * layout_.object_count;
  } else {
    plan->first_block.reserve(layout_.object_count + 1);
    plan->first_block.push_back(0);
    if (!plan->dataset_scope) plan->first_distinct.assign(1, 0);
    for (const std::uint64_t size : layout_.object_sizes) {
      plan->first_block.push_back(plan->first_block.back() + size / unit);
      if (!plan->dataset_scope)
        plan->first_distinct.push_back(plan->first_distinct.back() + distinct_of(size / unit, spec_.dedup));
    }
    plan->total_full_blocks = plan->first_block.back();
    if (!plan->dataset_scope) plan->distinct_in_dataset = plan->first_distinct.back();
  }
  if (plan->dataset_scope) {
    plan->distinct_in_dataset = distinct_of(plan->total_full_blocks, spec_.dedup);
    plan->dataset_dedup = plan->distinct_in_dataset != plan->total_full_blocks;
  }
  plan->permutation_key = detail::mix64(spec_.seed ^ 0x7065726d75746521ull);
  if (plan->dataset_scope)
    plan->dataset_permutation = detail::Permutation(plan->total_full_blocks, plan->permutation_key);
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
  const std::uint64_t object_bytes = layout.size_of(object);
  if (offset > object_bytes || size > object_bytes - offset)
    throw_invalid("range [" + std::to_string(offset) + ", " + std::to_string(offset + size) +
                  ") is outside the object of " + std::to_string(object_bytes) + " bytes");
}

}  // namespace

void DataGenerator::fill(std::uint64_t object, std::uint64_t offset, std::span<std::uint8_t> out) const {
  check_range(object, offset, out.size(), layout_);
  fill_unchecked(object, offset, out, out.size() >= kStreamingFillBytes);
}

void DataGenerator::fill_unchecked(std::uint64_t object, std::uint64_t offset, std::span<std::uint8_t> out,
                                   bool streaming) const {
  const Plan& plan = *plan_;
  const Plan::ObjectBlocks blocks = plan.blocks_of(object, layout_.size_of(object));
  const std::uint64_t unit = spec_.unit_bytes;
  const std::uint64_t end = offset + out.size();
  constexpr std::size_t kBatch = 256;  // content ids computed ahead of one kernel call (1 MiB of 4 KiB blocks)
  std::uint64_t content_ids[kBatch];
  for (std::uint64_t position = offset; position < end;) {
    const std::uint64_t block = position / unit;
    const std::uint64_t in_block = position % unit;
    if (in_block == 0 && block < blocks.full_blocks && end - position >= unit) {
      const std::size_t whole = std::min<std::uint64_t>({(end - position) / unit, blocks.full_blocks - block, kBatch});
      for (std::size_t i = 0; i < whole; ++i) content_ids[i] = plan.content_id(blocks, block + i);
      std::uint8_t* to = out.data() + (position - offset);
      const bool aligned = reinterpret_cast<std::uintptr_t>(to) % plan.kernels->streaming_alignment == 0;
      (streaming && aligned ? plan.kernels->fill_blocks_streaming : plan.kernels->fill_blocks)(
          plan.key, content_ids, whole, spec_.unit_bytes, random_bytes_, to);
      position += whole * unit;
      continue;
    }
    const std::uint64_t block_bytes = block < blocks.full_blocks ? unit : blocks.tail_bytes;
    const std::uint64_t length = std::min(block_bytes - in_block, end - position);
    plan.content.write(plan.content_id(blocks, block), in_block, length, out.data() + (position - offset));
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

std::uint64_t DataGenerator::total_full_blocks() const { return plan_->total_full_blocks; }

std::uint64_t DataGenerator::distinct_full_blocks() const { return plan_->distinct_in_dataset; }

ExpectedBytes DataGenerator::expected_bytes() const {
  ExpectedBytes bytes;
  bytes.logical = layout_.total_bytes();
  const std::uint64_t tail_bytes = bytes.logical - plan_->total_full_blocks * spec_.unit_bytes;
  bytes.unique = distinct_full_blocks() * spec_.unit_bytes + tail_bytes;
  bytes.stored = static_cast<std::uint64_t>(std::llround(static_cast<double>(bytes.unique) / spec_.compress));
  return bytes;
}

std::string DataGenerator::implementation() { return detail::best_kernels().name; }

ObjectGen::ObjectGen(const DataGenerator& generator, std::uint64_t object)
    : generator_(&generator), object_(object), size_(generator.layout().size_of(object)) {}

void ObjectGen::fill_chunk(std::span<std::uint8_t> out) {
  generator_->fill(object_, offset_, out);
  offset_ += out.size();
}

}  // namespace sdgen
