#include "storage/http/libraries.hpp"

#include <dlfcn.h>

#include "sdgen/error.hpp"

namespace sdgen::http::lib {
namespace {

// Resolves `name` in the library loaded from `file` (loaded once, never unloaded).
template <typename Function>
Function resolve(void* library, const char* file, const char* name) {
  void* symbol = ::dlsym(library, name);
  if (!symbol) throw_io(std::string("http: ") + file + " has no " + name);
  return reinterpret_cast<Function>(symbol);
}

// RTLD_LOCAL: the library's symbols serve our tables only, never another library's lookups.
void* load(const char* file, const char* package) {
  void* library = ::dlopen(file, RTLD_NOW | RTLD_LOCAL);
  if (!library)
    throw_io(std::string("http: cannot load ") + file + " (install the Debian package " + package +
             "): " + ::dlerror());
  return library;
}

Curl load_curl() {
  constexpr const char* file = "libcurl.so.4";
  void* library = load(file, "libcurl4");
  Curl curl{};
  curl.global_init = resolve<decltype(curl.global_init)>(library, file, "curl_global_init");
  curl.easy_init = resolve<decltype(curl.easy_init)>(library, file, "curl_easy_init");
  curl.easy_cleanup = resolve<decltype(curl.easy_cleanup)>(library, file, "curl_easy_cleanup");
  curl.easy_reset = resolve<decltype(curl.easy_reset)>(library, file, "curl_easy_reset");
  curl.easy_perform = resolve<decltype(curl.easy_perform)>(library, file, "curl_easy_perform");
  curl.easy_setopt = resolve<decltype(curl.easy_setopt)>(library, file, "curl_easy_setopt");
  curl.easy_getinfo = resolve<decltype(curl.easy_getinfo)>(library, file, "curl_easy_getinfo");
  curl.easy_strerror = resolve<decltype(curl.easy_strerror)>(library, file, "curl_easy_strerror");
  curl.slist_append = resolve<decltype(curl.slist_append)>(library, file, "curl_slist_append");
  curl.slist_free_all = resolve<decltype(curl.slist_free_all)>(library, file, "curl_slist_free_all");
  // Once per process, before any handle exists (libcurl's rule); the table is built only once.
  if (curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw_io("http: curl_global_init failed");
  return curl;
}

Crypto load_crypto() {
  constexpr const char* file = "libcrypto.so.3";
  void* library = load(file, "libssl3");
  Crypto crypto{};
  crypto.sha256 = resolve<decltype(crypto.sha256)>(library, file, "EVP_sha256");
  crypto.digest = resolve<decltype(crypto.digest)>(library, file, "EVP_Digest");
  return crypto;
}

}  // namespace

const Curl& curl() {
  static const Curl loaded = load_curl();  // thread-safe; a throw leaves it for the next call to retry
  return loaded;
}

const Crypto& crypto() {
  static const Crypto loaded = load_crypto();
  return loaded;
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  const Crypto& library = crypto();
  if (library.digest(bytes.data(), bytes.size(), digest, &digest_size, library.sha256(), nullptr) != 1)
    throw_io("http: SHA-256 failed (OpenSSL)");
  static const char hex[] = "0123456789abcdef";
  std::string text;
  for (unsigned i = 0; i < digest_size; ++i) {
    text += hex[digest[i] >> 4];
    text += hex[digest[i] & 15];
  }
  return text;
}

}  // namespace sdgen::http::lib
