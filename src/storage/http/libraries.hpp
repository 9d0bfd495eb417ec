// libcurl and libcrypto for the HTTP backends, loaded with dlopen when a backend first needs
// them rather than linked (internal to libsdgen).
//
// Linked normally, they bring ~30 shared libraries (TLS stacks, Kerberos, LDAP, ...) into every
// sdgen process, and mapping them cost ~15 ms per command on a VM: `sdgen --version` took 25 ms
// against 6 ms for an empty program. So libsdgen links neither, and it defines none of their
// symbols either: calls go through the function tables below, so a process that also loads
// libcurl or OpenSSL itself (Python, MPI, an application) binds its calls to the real library,
// never to sdgen's. tests/storage/s3/check_foreign_symbols.sh (ctest foreign_symbols) checks it with nm.
#pragma once

#include <curl/curl.h>
#include <openssl/evp.h>

#include <string>
#include <string_view>

namespace sdgen::http::lib {

// The libcurl functions the transport calls, resolved from libcurl.so.4. easy_setopt and
// easy_getinfo are libcurl's own variadic functions: pass exactly the type each option takes
// (long, a pointer, curl_off_t), since curl.h's type-checking macros do not apply to a pointer.
struct Curl {
  CURLcode (*global_init)(long flags);
  CURL* (*easy_init)();
  void (*easy_cleanup)(CURL* handle);
  void (*easy_reset)(CURL* handle);
  CURLcode (*easy_perform)(CURL* handle);
  CURLcode (*easy_setopt)(CURL* handle, CURLoption option, ...);
  CURLcode (*easy_getinfo)(CURL* handle, CURLINFO info, ...);
  const char* (*easy_strerror)(CURLcode code);
  curl_slist* (*slist_append)(curl_slist* list, const char* line);
  void (*slist_free_all)(curl_slist* list);
};

// Loaded and initialised (curl_global_init) on the first call, thread-safely; never unloaded.
// Throws Error (io) naming the Debian package when the library is missing; the next call retries.
const Curl& curl();

struct Crypto {
  const EVP_MD* (*sha256)();
  int (*digest)(const void* data, size_t count, unsigned char* md, unsigned int* size, const EVP_MD* type,
                ENGINE* engine);
};

const Crypto& crypto();  // as curl(), for libcrypto.so.3

// The SHA-256 of `bytes` in lowercase hex (through crypto()). Throws Error (io).
std::string sha256_hex(std::string_view bytes);

}  // namespace sdgen::http::lib
