#include "storage/s3/s3_config.hpp"

#include <cstdlib>
#include <fstream>
#include <optional>

#include "sdgen/error.hpp"
#include "storage/backend_options.hpp"
#include "storage/registry.hpp"

namespace sdgen::s3 {

namespace {

using Kind = BackendOption::Kind;

// The defaults are S3Options' own (s3_config.hpp), written as a user would.
constexpr BackendOption kS3Options[] = {
    {"endpoint", Kind::text, "", "endpoint URL (else AWS_ENDPOINT_URL)"},
    {"region", Kind::text, "", "region (else AWS_REGION, else us-east-1)"},
    {"profile", Kind::text, "", "~/.aws/credentials profile (else AWS_PROFILE)"},
    {"create-bucket", Kind::flag, "", "create the bucket when it does not exist", true},
    {"part-size", Kind::size, "8MiB", "multipart part size (5 MiB to 5 GiB)", true},
    {"multipart-threshold", Kind::size, "64MiB", "larger objects use multipart upload", true},
    {"parts-in-flight", Kind::count, "4", "part uploads open at once per object (1-256)", true},
    {"max-attempts", Kind::count, "5", "tries per request, with exponential backoff (1-100)"},
    {"timeout-ms", Kind::count, "30000", "a request silent this long fails and is retried"},
};

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// Bucket naming rules of S3 (3-63 lowercase letters, digits, '.', '-'), which path-style URLs rely on.
bool valid_bucket_name(const std::string& name) {
  if (name.size() < 3 || name.size() > 63) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) return false;
  return name.front() != '.' && name.front() != '-' && name.back() != '.' && name.back() != '-';
}

std::string credentials_file() {
  if (auto file = env("AWS_SHARED_CREDENTIALS_FILE"); !file.empty()) return file;
  if (auto home = env("HOME"); !home.empty()) return home + "/.aws/credentials";
  return "~/.aws/credentials";
}

// One [profile] section of an INI-style AWS credentials file.
std::optional<Credentials> read_profile(const std::string& file, const std::string& profile) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  bool in_section = false, found = false;
  Credentials credentials;
  for (std::string line; std::getline(in, line);) {
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      in_section = trim(line.substr(1, line.size() - 2)) == profile;
      found = found || in_section;
      continue;
    }
    const auto equals = line.find('=');
    if (!in_section || equals == std::string::npos) continue;
    const std::string name = trim(line.substr(0, equals)), value = trim(line.substr(equals + 1));
    if (name == "aws_access_key_id") credentials.access_key = value;
    if (name == "aws_secret_access_key") credentials.secret_key = value;
    if (name == "aws_session_token") credentials.session_token = value;
  }
  if (!found) return std::nullopt;
  credentials.source = "profile '" + profile + "' of " + file;
  return credentials;
}

Credentials resolve_credentials(const S3Options& options, const std::string& uri) {
  const std::string file = credentials_file();
  if (options.profile.empty() && !env("AWS_ACCESS_KEY_ID").empty()) {
    Credentials credentials{env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"), env("AWS_SESSION_TOKEN"),
                            "environment"};
    if (credentials.secret_key.empty())
      throw_invalid(uri + ": AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
    return credentials;
  }
  std::string profile = options.profile.empty() ? env("AWS_PROFILE") : options.profile;
  if (profile.empty()) profile = "default";
  auto credentials = read_profile(file, profile);
  if (!credentials) {
    if (options.profile.empty() && env("AWS_PROFILE").empty())
      throw_invalid(uri +
                    ": no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add a [default] "
                    "profile to " +
                    file);
    throw_invalid(uri + ": no AWS credentials: profile '" + profile + "' not found in " + file);
  }
  if (credentials->access_key.empty() || credentials->secret_key.empty())
    throw_invalid(uri + ": " + credentials->source + " lacks aws_access_key_id or aws_secret_access_key");
  return *credentials;
}

}  // namespace

Location parse_uri(const std::string& uri) {
  const std::string scheme = "s3://";
  if (uri.compare(0, scheme.size(), scheme) != 0) throw_invalid(uri + ": not an s3:// URI");
  const std::string rest = uri.substr(scheme.size());
  const auto slash = rest.find('/');
  Location location;
  location.bucket = rest.substr(0, slash);
  if (location.bucket.empty()) throw_invalid(uri + ": no bucket (use s3://bucket/prefix)");
  if (!valid_bucket_name(location.bucket))
    throw_invalid(uri + ": bucket name '" + location.bucket +
                  "' is invalid (3-63 characters: lowercase letters, digits, '.', '-')");
  if (slash != std::string::npos) location.key_prefix = rest.substr(slash + 1);
  if (location.key_prefix.size() > 900) throw_invalid(uri + ": prefix longer than 900 bytes");
  return location;
}

Config resolve_config(const S3Options& options, const std::string& uri) {
  Config config;
  config.region = options.region;
  if (config.region.empty()) config.region = env("AWS_REGION");
  if (config.region.empty()) config.region = env("AWS_DEFAULT_REGION");
  if (config.region.empty()) config.region = "us-east-1";

  config.endpoint = options.endpoint;
  if (config.endpoint.empty()) config.endpoint = env("AWS_ENDPOINT_URL_S3");
  if (config.endpoint.empty()) config.endpoint = env("AWS_ENDPOINT_URL");
  if (config.endpoint.empty()) config.endpoint = "https://s3." + config.region + ".amazonaws.com";
  const auto scheme_end = config.endpoint.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : config.endpoint.substr(0, scheme_end);
  if ((scheme != "http" && scheme != "https") || config.endpoint.size() == scheme_end + 3)
    throw_invalid(uri + ": endpoint '" + config.endpoint + "': must look like http://host:port or https://host");
  if (config.endpoint.find_first_of("?# ") != std::string::npos)
    throw_invalid(uri + ": endpoint '" + config.endpoint + "': must not contain '?', '#' or spaces");
  while (config.endpoint.back() == '/') config.endpoint.pop_back();

  config.credentials = resolve_credentials(options, uri);
  return config;
}

S3Options read_s3_options(const StorageOptions& given) {
  const detail::OptionReader reader(given, kS3Options);
  S3Options options;
  options.endpoint = reader.text("endpoint");
  options.region = reader.text("region");
  options.profile = reader.text("profile");
  options.create_bucket = reader.flag("create-bucket");
  options.part_bytes = reader.size("part-size");
  options.multipart_threshold = reader.size("multipart-threshold");
  options.parts_in_flight = reader.count("parts-in-flight");
  options.max_attempts = reader.count("max-attempts");
  options.timeout_ms = reader.count("timeout-ms");

  constexpr std::uint64_t min_part = 5ull << 20, max_part = 5ull << 30;
  if (options.part_bytes < min_part || options.part_bytes > max_part)
    throw_invalid("s3 part size " + std::to_string(options.part_bytes) + ": must be from 5 MiB to 5 GiB");
  if (options.multipart_threshold > max_part)
    throw_invalid("s3 multipart threshold " + std::to_string(options.multipart_threshold) +
                  ": must be at most 5 GiB (the largest single PUT)");
  if (options.parts_in_flight < 1 || options.parts_in_flight > 256)
    throw_invalid("s3 parts in flight " + std::to_string(options.parts_in_flight) + ": must be from 1 to 256");
  if (options.max_attempts < 1 || options.max_attempts > 100)
    throw_invalid("s3 max attempts " + std::to_string(options.max_attempts) + ": must be from 1 to 100");
  if (options.timeout_ms < 100)
    throw_invalid("s3 timeout " + std::to_string(options.timeout_ms) + " ms: must be at least 100 ms");
  return options;
}

}  // namespace sdgen::s3

namespace sdgen {
std::span<const BackendOption> s3_storage_options() { return s3::kS3Options; }
}  // namespace sdgen
