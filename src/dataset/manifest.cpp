#include "sdgen/manifest.hpp"

#include <nlohmann/json.hpp>

#include "sdgen/dataset.hpp"
#include "sdgen/error.hpp"

namespace sdgen {
namespace {

// The version also names the generator's byte stream: data under a manifest of another version
// would not regenerate. 2: the stream of 128-byte lines (four- and five-round AES).
constexpr int kFormatVersion = 2;
constexpr const char* kFormatName = "sdgen-manifest";

// The value at `object[key]` as T; throws Error naming the manifest and the field otherwise.
template <typename T>
T field(const nlohmann::json& object, const char* section, const char* key, const std::string& where) {
  const std::string name = std::string(section) + (*section ? "." : "") + key;
  if (!object.is_object() || !object.contains(key))
    throw_invalid(where + ": not an sdgen manifest: no field '" + name + "'");
  const nlohmann::json& value = object.at(key);
  const bool type_ok = [&] {
    if constexpr (std::is_same_v<T, std::string>)
      return value.is_string();
    else if constexpr (std::is_floating_point_v<T>)
      return value.is_number();
    else
      return value.is_number_unsigned();
  }();
  if (!type_ok) throw_invalid(where + ": field '" + name + "' has the wrong type: " + value.dump());
  return value.get<T>();
}

// Runs `parse`, putting `where` in front of the message of an Error it throws about a value.
template <typename Parse>
auto prefixed(const std::string& where, Parse parse) {
  try {
    return parse();
  } catch (const Error& e) {
    if (std::string_view(e.what()).starts_with(where)) throw;
    throw Error(e.kind(), where + ": " + e.what());
  }
}

}  // namespace

Manifest make_manifest(const DataGenerator& generator, const std::string& name_template) {
  Manifest manifest;
  manifest.spec = generator.spec();
  manifest.spec.random_bytes_per_block = generator.random_bytes_per_block();
  manifest.layout = generator.layout();
  manifest.name_template = name_template;
  manifest.sdgen_version = SDGEN_VERSION;
  return manifest;
}

namespace {

nlohmann::json spec_to_json(const DataSpec& spec) {
  nlohmann::json spec_json = {
      {"dedup", spec.dedup},
      {"compress", spec.compress},
      {"unit_bytes", spec.unit_bytes},
      {"codec", spec.codec.name()},
      {"codec_chunk_bytes", spec.codec_chunk_bytes},
      {"seed", spec.seed},
      {"scope", to_string(spec.scope)},
  };
  if (spec.random_bytes_per_block) spec_json["random_bytes_per_block"] = *spec.random_bytes_per_block;
  return spec_json;
}

// {"count": N, "size": S} for a fixed layout, {"count": N, "sizes": [...]} for a per-object one.
nlohmann::json layout_to_json(const DatasetLayout& layout) {
  if (layout.fixed()) return {{"count", layout.object_count}, {"size", layout.object_bytes}};
  return {{"count", layout.object_count}, {"sizes", layout.object_sizes}};
}

}  // namespace

std::string format_spec(const DataSpec& spec) { return spec_to_json(spec).dump(); }

std::string format_layout(const DatasetLayout& layout) { return layout_to_json(layout).dump(); }

std::string format_manifest(const Manifest& manifest) {
  const nlohmann::json spec_json = spec_to_json(manifest.spec);
  const nlohmann::json document = {
      {"format", kFormatName}, {"format_version", kFormatVersion},          {"sdgen_version", manifest.sdgen_version},
      {"spec", spec_json},     {"layout", layout_to_json(manifest.layout)}, {"name_template", manifest.name_template},
  };
  return document.dump(2) + "\n";
}

Manifest parse_manifest(std::string_view text, const std::string& where) {
  const nlohmann::json document = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) throw_invalid(where + ": not an sdgen manifest: not valid JSON");
  if (field<std::string>(document, "", "format", where) != kFormatName)
    throw_invalid(where + ": not an sdgen manifest: format is " + document.at("format").dump());
  const auto version = field<std::uint64_t>(document, "", "format_version", where);
  if (version != kFormatVersion)
    throw_invalid(where + ": manifest format version " + std::to_string(version) +
                  " is not supported (this sdgen reads " + std::to_string(kFormatVersion) +
                  "; data of another version cannot be regenerated here)");
  Manifest manifest;
  manifest.sdgen_version = field<std::string>(document, "", "sdgen_version", where);
  manifest.name_template = field<std::string>(document, "", "name_template", where);
  const nlohmann::json& spec = document.contains("spec") ? document.at("spec") : nlohmann::json();
  if (!spec.is_object()) throw_invalid(where + ": not an sdgen manifest: no field 'spec'");
  manifest.spec.dedup = field<double>(spec, "spec", "dedup", where);
  manifest.spec.compress = field<double>(spec, "spec", "compress", where);
  const auto unit = field<std::uint64_t>(spec, "spec", "unit_bytes", where);
  if (unit > UINT32_MAX) throw_invalid(where + ": spec.unit_bytes " + std::to_string(unit) + " is out of range");
  manifest.spec.unit_bytes = static_cast<std::uint32_t>(unit);
  manifest.spec.codec = prefixed(where, [&] { return parse_codec(field<std::string>(spec, "spec", "codec", where)); });
  manifest.spec.codec_chunk_bytes = field<std::uint64_t>(spec, "spec", "codec_chunk_bytes", where);
  manifest.spec.seed = field<std::uint64_t>(spec, "spec", "seed", where);
  manifest.spec.scope = prefixed(where, [&] { return parse_scope(field<std::string>(spec, "spec", "scope", where)); });
  const auto random_bytes = field<std::uint64_t>(spec, "spec", "random_bytes_per_block", where);
  if (random_bytes > unit)
    throw_invalid(where + ": spec.random_bytes_per_block " + std::to_string(random_bytes) + " is larger than the unit");
  manifest.spec.random_bytes_per_block = static_cast<std::uint32_t>(random_bytes);
  const nlohmann::json& layout = document.contains("layout") ? document.at("layout") : nlohmann::json();
  manifest.layout.object_count = field<std::uint64_t>(layout, "layout", "count", where);
  if (layout.is_object() && layout.contains("sizes")) {
    const nlohmann::json& sizes = layout.at("sizes");
    if (!sizes.is_array()) throw_invalid(where + ": field 'layout.sizes' has the wrong type: not a list");
    manifest.layout.object_sizes.reserve(sizes.size());
    for (const nlohmann::json& size : sizes) {
      if (!size.is_number_unsigned())
        throw_invalid(where + ": field 'layout.sizes' holds " + size.dump() + ", not a size");
      manifest.layout.object_sizes.push_back(size.get<std::uint64_t>());
    }
  } else {
    manifest.layout.object_bytes = field<std::uint64_t>(layout, "layout", "size", where);
  }
  prefixed(where, [&] {
    validate(manifest.spec, manifest.layout);
    NameTemplate(manifest.name_template, manifest.layout.object_count);  // names inside the target
  });
  return manifest;
}

void write_manifest(Storage& storage, const Manifest& manifest, const std::string& name_prefix) {
  const std::string text = format_manifest(manifest);
  storage.put_bytes(name_prefix + kManifestName, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

std::optional<Manifest> read_manifest(Storage& storage, const std::string& name_prefix) {
  const std::string name = name_prefix + kManifestName;
  const std::optional<std::vector<std::uint8_t>> bytes = storage.get_bytes(name);
  if (!bytes) return std::nullopt;
  return parse_manifest({reinterpret_cast<const char*>(bytes->data()), bytes->size()}, storage.describe() + name);
}

}  // namespace sdgen
