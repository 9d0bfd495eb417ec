// libcurl and libcrypto, loaded when the S3 backend first needs them rather than at start-up.
//
// Linked normally, they bring ~30 shared libraries (TLS stacks, Kerberos, LDAP, ...) into every
// sdgen process, and mapping them costs ~15 ms per command on a VM: `sdgen --version` took 25 ms
// against 6 ms for an empty program. So sdgen links neither: this file defines the few functions
// the S3 client calls, with their own signatures, and forwards each to the library loaded with
// dlopen on first use. A missing library is one clear error at the first S3 request.
#include <curl/curl.h>
#include <dlfcn.h>
#include <openssl/evp.h>

#include <cstdarg>
#include <string>

#include "sdgen/error.hpp"

namespace sdgen::s3 {
namespace {

// Resolves `name` in the library loaded from `file` (loaded once, never unloaded).
template <typename Function>
Function resolve(void* library, const char* file, const char* name) {
  void* symbol = ::dlsym(library, name);
  if (!symbol) throw_io(std::string("s3: ") + file + " has no " + name);
  return reinterpret_cast<Function>(symbol);
}

void* load(const char* file, const char* package) {
  void* library = ::dlopen(file, RTLD_NOW | RTLD_LOCAL);
  if (!library)
    throw_io(std::string("s3: cannot load ") + file + " (install the Debian package " + package + "): " + ::dlerror());
  return library;
}

struct Curl {
  static constexpr const char* kFile = "libcurl.so.4";
  void* library = load(kFile, "libcurl4");
  CURLcode (*global_init)(long) = resolve<decltype(global_init)>(library, kFile, "curl_global_init");
  CURL* (*easy_init)() = resolve<decltype(easy_init)>(library, kFile, "curl_easy_init");
  void (*easy_cleanup)(CURL*) = resolve<decltype(easy_cleanup)>(library, kFile, "curl_easy_cleanup");
  void (*easy_reset)(CURL*) = resolve<decltype(easy_reset)>(library, kFile, "curl_easy_reset");
  CURLcode (*easy_perform)(CURL*) = resolve<decltype(easy_perform)>(library, kFile, "curl_easy_perform");
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...) = resolve<decltype(easy_setopt)>(library, kFile, "curl_easy_setopt");
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...) = resolve<decltype(easy_getinfo)>(library, kFile, "curl_easy_getinfo");
  const char* (*easy_strerror)(CURLcode) = resolve<decltype(easy_strerror)>(library, kFile, "curl_easy_strerror");
  curl_slist* (*slist_append)(curl_slist*, const char*) = resolve<decltype(slist_append)>(library, kFile, "curl_slist_append");
  void (*slist_free_all)(curl_slist*) = resolve<decltype(slist_free_all)>(library, kFile, "curl_slist_free_all");
};

const Curl& curl() {
  static const Curl loaded;  // thread-safe initialisation; a failed load throws and is retried next time
  return loaded;
}

struct Crypto {
  static constexpr const char* kFile = "libcrypto.so.3";
  void* library = load(kFile, "libssl3");
  const EVP_MD* (*sha256)() = resolve<decltype(sha256)>(library, kFile, "EVP_sha256");
  int (*digest)(const void*, size_t, unsigned char*, unsigned int*, const EVP_MD*, ENGINE*) =
      resolve<decltype(digest)>(library, kFile, "EVP_Digest");
};

const Crypto& crypto() {
  static const Crypto loaded;
  return loaded;
}

}  // namespace
}  // namespace sdgen::s3

using sdgen::s3::crypto;
using sdgen::s3::curl;

extern "C" {

CURLcode curl_global_init(long flags) { return curl().global_init(flags); }
CURL* curl_easy_init() { return curl().easy_init(); }
void curl_easy_cleanup(CURL* handle) { curl().easy_cleanup(handle); }
void curl_easy_reset(CURL* handle) { curl().easy_reset(handle); }
CURLcode curl_easy_perform(CURL* handle) { return curl().easy_perform(handle); }
const char* curl_easy_strerror(CURLcode code) { return curl().easy_strerror(code); }
curl_slist* curl_slist_append(curl_slist* list, const char* text) { return curl().slist_append(list, text); }
void curl_slist_free_all(curl_slist* list) { curl().slist_free_all(list); }

// The option's number says the type of its one argument (curl.h: CURLOPTTYPE_*), as libcurl's own
// curl_easy_setopt reads it; the argument is passed on with that type.
CURLcode curl_easy_setopt(CURL* handle, CURLoption option, ...) {
  va_list args;
  va_start(args, option);
  CURLcode result;
  if (option < CURLOPTTYPE_OBJECTPOINT)
    result = curl().easy_setopt(handle, option, va_arg(args, long));
  else if (option < CURLOPTTYPE_FUNCTIONPOINT)
    result = curl().easy_setopt(handle, option, va_arg(args, void*));
  else if (option < CURLOPTTYPE_OFF_T)
    result = curl().easy_setopt(handle, option, va_arg(args, void (*)()));
  else if (option < CURLOPTTYPE_BLOB)
    result = curl().easy_setopt(handle, option, va_arg(args, curl_off_t));
  else
    result = curl().easy_setopt(handle, option, va_arg(args, void*));
  va_end(args);
  return result;
}

// Every CURLINFO takes one pointer to where the answer goes.
CURLcode curl_easy_getinfo(CURL* handle, CURLINFO info, ...) {
  va_list args;
  va_start(args, info);
  void* answer = va_arg(args, void*);
  va_end(args);
  return curl().easy_getinfo(handle, info, answer);
}

const EVP_MD* EVP_sha256() { return crypto().sha256(); }

int EVP_Digest(const void* data, size_t count, unsigned char* md, unsigned int* size, const EVP_MD* type, ENGINE* impl) {
  return crypto().digest(data, count, md, size, type, impl);
}

}  // extern "C"
