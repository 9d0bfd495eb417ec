#!/usr/bin/env bash
# libsdgen is built with hidden visibility: a public header exports its declarations only between
# `#pragma GCC visibility push(default)` and `pop`. A header without them links in a static build
# and fails only in a shared one, so this checks every header under include/sdgen/.
# Usage: check_visibility.sh INCLUDE_DIR
set -uo pipefail
include=${1:?usage: check_visibility.sh INCLUDE_DIR}

bad=0
checked=0
for header in "$include"/sdgen/*.hpp; do
  first_namespace=$(grep -n -m1 '^namespace sdgen\b' "$header" | cut -d: -f1)
  [ -n "$first_namespace" ] || continue  # declares nothing itself (includes only)
  checked=$((checked + 1))
  push=$(grep -n -m1 '^#pragma GCC visibility push(default)$' "$header" | cut -d: -f1)
  last_line=$(grep -v '^[[:space:]]*$' "$header" | tail -n1)
  if [ -z "$push" ] || [ "$push" -gt "$first_namespace" ] || [ "$last_line" != "#pragma GCC visibility pop" ]; then
    echo "FAIL $header: wrap its namespace sdgen in #pragma GCC visibility push(default) ... pop (last line)"
    bad=$((bad + 1))
  fi
done
[ "$checked" -gt 0 ] || { echo "FAIL no public header found under $include/sdgen"; exit 1; }
echo "$checked public headers checked, $bad without the visibility pragmas"
[ "$bad" -eq 0 ]
