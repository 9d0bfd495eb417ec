#!/usr/bin/env bash
# Installs a built sdgen into a temporary prefix, then builds and runs consumer/ against it twice:
# through find_package(sdgen) and through `pkg-config --static sdgen`. Also runs the installed
# sdgen command. Exits non-zero when any step fails.
# Usage: run_install_test.sh BUILD_DIR LIBDIR CMAKE_GENERATOR CXX
set -euo pipefail

build=${1:?usage: run_install_test.sh BUILD_DIR LIBDIR CMAKE_GENERATOR CXX}
libdir=${2:?}
generator=${3:?}
cxx=${4:?}
consumer=$(cd "$(dirname "$0")/consumer" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/sdgen-install-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

# expect_output NAME PROGRAM: the program must succeed and print the consumer's one line.
expect_output() {
  local output
  output=$("$2")
  echo "$1: $output"
  [[ $output == "sdgen consumer: 1 MiB filled twice, same bytes, implementation "?* ]] ||
    { echo "FAIL $1: unexpected output" >&2; exit 1; }
}

cmake --install "$build" --prefix "$prefix" >"$work/install.log"
for f in "include/sdgen/generator.hpp" "$libdir/cmake/sdgen/sdgenConfig.cmake" \
  "$libdir/cmake/sdgen/sdgenConfigVersion.cmake" "$libdir/pkgconfig/sdgen.pc"; do
  [ -f "$prefix/$f" ] || { echo "FAIL not installed: $f" >&2; exit 1; }
done
"$prefix/bin/sdgen" --version

# CMake package. CMAKE_FIND_USE_* off: only this prefix may answer find_package(sdgen).
cmake -S "$consumer" -B "$work/cmake-build" -G "$generator" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF >"$work/configure.log" ||
  { cat "$work/configure.log"; exit 1; }
grep -qx "sdgen_DIR:PATH=$prefix/$libdir/cmake/sdgen" "$work/cmake-build/CMakeCache.txt" ||
  { echo "FAIL find_package(sdgen) did not use $prefix" >&2; exit 1; }
cmake --build "$work/cmake-build" >"$work/build.log" || { cat "$work/build.log"; exit 1; }
expect_output find_package "$work/cmake-build/sdgen_consumer"

# pkg-config, as a Makefile would use it. The rpath lets a shared libsdgen be found; a static
# one needs --static for the libraries it leaves to its consumer.
export PKG_CONFIG_PATH="$prefix/$libdir/pkgconfig"
pkg_flags=$(pkg-config --cflags --libs --static sdgen)
pkg_libdir=$(pkg-config --variable=libdir sdgen)
# shellcheck disable=SC2086 # the flags are words
"$cxx" -std=c++20 -Wall -Wextra -Werror "$consumer/main.cpp" -o "$work/pkg-config-consumer" \
  $pkg_flags -Wl,-rpath,"$pkg_libdir"
expect_output pkg-config "$work/pkg-config-consumer"
