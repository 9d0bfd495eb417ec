#!/usr/bin/env bash
# Command-line tests for sdgen: exit codes, error messages, and the ratios of generated data as
# `sdgen analyze` measures them. Usage: run_cli_tests.sh /path/to/sdgen
# Prints one line per check and a final "N passed, M failed"; exits non-zero on any failure.
set -u

SDGEN=${1:?usage: run_cli_tests.sh /path/to/sdgen}
[ -x "$SDGEN" ] || { echo "not executable: $SDGEN" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 is needed to read JSON" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/sdgen-cli-tests.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }

# check NAME COMMAND...: the command must succeed.
check() {
  local name=$1; shift
  if "$@"; then pass "$name"; else fail "$name"; fi
}

# run_sdgen ARGS...: runs sdgen with stdout to out.bin and stderr to err.txt; sets $rc.
run_sdgen() {
  "$SDGEN" "$@" >out.bin 2>err.txt </dev/null
  rc=$?
}

# json FILE PYTHON-EXPRESSION: prints the expression evaluated on the parsed document `d`.
json() {
  python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# expect_error NAME EXIT-CODE WORD ARGS...: sdgen ARGS must exit with EXIT-CODE, print exactly one
# line on stderr starting "sdgen: error:" and containing WORD, and write nothing to stdout.
expect_error() {
  local name=$1 code=$2 word=$3; shift 3
  run_sdgen "$@"
  local lines first
  lines=$(wc -l <err.txt)
  first=$(head -n 1 err.txt)
  if [ "$rc" -ne "$code" ]; then
    fail "$name: exit code $rc, expected $code (stderr: $(cat err.txt))"
  elif [ "$lines" -ne 1 ]; then
    fail "$name: $lines lines on stderr, expected 1: $(cat err.txt)"
  elif [ "${first#sdgen: error: }" = "$first" ]; then
    fail "$name: stderr does not start with 'sdgen: error: ': $first"
  elif [ "${first#*"$word"}" = "$first" ]; then
    fail "$name: message does not name '$word': $first"
  elif [ -s out.bin ]; then
    fail "$name: wrote $(wc -c <out.bin) bytes to stdout before failing"
  else
    pass "$name"
  fi
}

# ---- generate and measure: dedup exactly 2, compression within 3 % of 3 ----

"$SDGEN" cat --size 1MiB --count 4 --dedup 2 --compress 3 --seed 7 >data.bin 2>cat_err.txt
rc=$?
check "cat exits 0" test "$rc" -eq 0
check "cat writes 4 x 1 MiB" test "$(wc -c <data.bin)" -eq 4194304
check "cat prints the seed on stderr" grep -q "seed 7" cat_err.txt

"$SDGEN" analyze data.bin --json analyze.json >analyze_out.txt 2>&1
rc=$?
check "analyze exits 0" test "$rc" -eq 0
check "analyze: dedup ratio exactly 2" test "$(json analyze.json 'd["dedup_ratio"] == 2.0')" = True
check "analyze: 1024 full blocks, 512 distinct" \
  test "$(json analyze.json '(d["full_blocks"], d["distinct_blocks"], d["zero_blocks"])')" = "(1024, 512, 0)"
ratio=$(json analyze.json 'd["unique_compression_ratio"]')
check "analyze: unique compression ratio $ratio within 3% of 3" \
  test "$(json analyze.json 'abs(d["unique_compression_ratio"] / 3 - 1) <= 0.03')" = True
check "analyze: codec and chunk in the JSON" \
  test "$(json analyze.json '(d["codec"], d["codec_chunk_bytes"], d["unit_bytes"], d["bytes"])')" = "('zstd:1', 65536, 4096, 4194304)"
check "analyze prints the dedup ratio" grep -q "2.0000" analyze_out.txt

# The same with lz4 at 4 KiB chunks and a 16 KiB unit, scope object, and an odd object size.
"$SDGEN" cat --size 2MiB --count 2 --dedup 4 --compress 2 --codec lz4 --codec-chunk 4KiB --unit 16KiB \
  --scope object --seed 9 >lz4.bin 2>/dev/null
"$SDGEN" analyze lz4.bin --unit 16KiB --codec lz4 --codec-chunk 4KiB --json lz4.json >/dev/null 2>&1
check "lz4/16 KiB unit, scope object: dedup exactly 4" test "$(json lz4.json 'd["dedup_ratio"] == 4.0')" = True
check "lz4/4 KiB chunks: compression within 3% of 2 ($(json lz4.json 'd["unique_compression_ratio"]'))" \
  test "$(json lz4.json 'abs(d["unique_compression_ratio"] / 2 - 1) <= 0.03')" = True

# Compression threads change nothing.
"$SDGEN" analyze data.bin --threads 1 --json one_thread.json >/dev/null 2>&1
"$SDGEN" analyze data.bin --threads 3 --json three_threads.json >/dev/null 2>&1
check "analyze --threads 1 and 3: same compressed sizes" \
  test "$(json one_thread.json '(d["raw_compressed_bytes"], d["unique_compressed_bytes"])')" = \
       "$(json three_threads.json '(d["raw_compressed_bytes"], d["unique_compressed_bytes"])')"

# C = 1 is incompressible, and D = 1 has no duplicate block.
"$SDGEN" cat --size 4MiB --seed 3 >c1.bin 2>/dev/null
"$SDGEN" analyze c1.bin --codec zstd:3 --codec-chunk 1MiB --json c1.json >/dev/null 2>&1
check "C=1: zstd:3 ratio <= 1.01 ($(json c1.json 'd["raw_compression_ratio"]'))" \
  test "$(json c1.json 'd["raw_compression_ratio"] <= 1.01 and d["distinct_blocks"] == 1024')" = True

# ---- determinism ----

"$SDGEN" cat --size 1MiB --count 4 --dedup 2 --compress 3 --seed 7 >again.bin 2>/dev/null
check "same seed twice: identical bytes" cmp -s data.bin again.bin
"$SDGEN" cat --size 1MiB --count 4 --dedup 2 --compress 3 --seed 7 --threads 3 --chunk-size 1000 >threads.bin 2>/dev/null
check "3 threads and 1000-byte chunks: identical bytes" cmp -s data.bin threads.bin
"$SDGEN" cat --size 1MiB --count 4 --dedup 2 --compress 3 --seed 8 >other.bin 2>/dev/null
check "different seed: different bytes" test "$(cmp -s data.bin other.bin; echo $?)" -eq 1
"$SDGEN" analyze data.bin other.bin --json both.json >/dev/null 2>&1
check "different seeds share no block (dedup of both = 2)" \
  test "$(json both.json '(d["streams"], d["distinct_blocks"])')" = "(2, 1024)"
"$SDGEN" cat --size 1MiB >random_seed.bin 2>random_seed_err.txt
check "no --seed: a seed is drawn and printed" grep -Eq "seed [0-9]+" random_seed_err.txt

# ---- analyze reads standard input ----

"$SDGEN" analyze - --json stdin.json <data.bin >/dev/null 2>&1
rc=$?
check "analyze - exits 0" test "$rc" -eq 0
check "analyze - measures the same as the file" \
  test "$(json stdin.json '(d["bytes"], d["distinct_blocks"], d["unique_compressed_bytes"])')" = \
       "$(json analyze.json '(d["bytes"], d["distinct_blocks"], d["unique_compressed_bytes"])')"
"$SDGEN" cat --size 1MiB --count 2 --dedup 2 --seed 5 2>/dev/null | "$SDGEN" analyze - --json pipe.json >/dev/null 2>&1
check "cat | analyze -: dedup exactly 2" test "$(json pipe.json 'd["dedup_ratio"] == 2.0')" = True

# ---- bad input: exit 2, one line naming the problem, nothing written ----

expect_error "--dedup 0.5" 2 "dedup" cat --size 1MiB --dedup 0.5
expect_error "--compress 0.9" 2 "compress" cat --size 1MiB --compress 0.9
expect_error "--size 1XB" 2 "1XB" cat --size 1XB
expect_error "--size missing" 2 "size" cat
expect_error "--codec bzip2" 2 "bzip2" cat --size 1MiB --codec bzip2
expect_error "--codec zstd:99" 2 "zstd:99" cat --size 1MiB --codec zstd:99
expect_error "--unit 1000" 2 "unit" cat --size 1MiB --unit 1000
expect_error "--count 0" 2 "count" cat --size 1MiB --count 0
expect_error "--scope global" 2 "global" cat --size 1MiB --scope global
expect_error "--dedup 2 with objects smaller than the unit" 2 "dedup" cat --size 1000 --dedup 2
expect_error "--dedup beyond the number of blocks" 2 "blocks" cat --size 64KiB --dedup 17
expect_error "--compress 5000 --codec lz4" 2 "unreachable" cat --size 1MiB --compress 5000 --codec lz4
expect_error "unknown subcommand (named in the message)" 2 "frobnicate" frobnicate
expect_error "unknown option" 2 "--frobnicate" cat --size 1MiB --frobnicate
expect_error "analyze --codec bzip2" 2 "bzip2" analyze data.bin --codec bzip2
expect_error "bench --reps 0" 2 "reps" bench --reps 0
expect_error "analyze of a missing file exits 1" 1 "$work/missing.bin" analyze "$work/missing.bin"

# ---- selftest: the pinned data format and every kernel against the reference ----

run_sdgen selftest
check "selftest exits 0" test "$rc" -eq 0
check "selftest reports no failure" grep -q "selftest: 0 failed" out.bin

# ---- bench ----

run_sdgen bench --reps 1 --threads 1 --small 64KiB --large 1MiB --bytes-per-rep 4MiB --json bench.json
check "bench exits 0" test "$rc" -eq 0
check "bench: 5 operations, each with a positive median" \
  test "$(json bench.json 'sorted({r["operation"] for r in d["results"] if r["gb_per_s_median"] > 0})')" = \
       "['gen D=1 C=1', 'gen D=1 C=3', 'gen D=2 C=2', 'memcpy', 'memset']"
check "bench: every result row has a positive median" \
  test "$(json bench.json 'len(d["results"]) > 0 and all(r["gb_per_s_median"] > 0 for r in d["results"])')" = True

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
