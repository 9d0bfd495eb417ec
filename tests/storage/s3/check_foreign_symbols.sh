#!/usr/bin/env bash
# Fails when a built file defines a symbol of libcurl or OpenSSL (curl_*, EVP_*, SSL_*, CRYPTO_*):
# a process that loads libsdgen beside its own libcurl (Python, MPI, an application) would bind
# its calls to ours. sdgen reaches those libraries through function tables only
# (src/storage/http/libraries.hpp).
#   usage: check_foreign_symbols.sh FILE...   (a static library, an executable or a shared library)
set -euo pipefail
status=0
for file in "$@"; do
  # Every defined symbol; a file nm cannot read is a failure, not a pass.
  symbols=$(nm --defined-only "$file" 2>/dev/null) || { echo "check_foreign_symbols: nm cannot read $file" >&2; exit 1; }
  if [ "$(grep -c ' [TtWwDdBbRrVv] ' <<<"$symbols")" -lt 100 ]; then
    echo "check_foreign_symbols: $file defines almost nothing: not the file to check" >&2
    exit 1
  fi
  foreign=$(grep -E ' [TWDBRV] (curl_|EVP_|SSL_|CRYPTO_)' <<<"$symbols" || true)
  if [ -n "$foreign" ]; then
    echo "$file defines symbols of other libraries:" >&2
    echo "$foreign" >&2
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "check_foreign_symbols: no curl_*, EVP_*, SSL_* or CRYPTO_* defined in $*"
exit "$status"
