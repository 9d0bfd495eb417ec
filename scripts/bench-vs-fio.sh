#!/usr/bin/env bash
# sdgen vs fio, side by side in one run: generation rate and ratio accuracy.
#
# Rate: fio with ioengine=null (it only fills buffers: refill_buffers makes it generate every
# block) against `sdgen cat` into /dev/null, both one thread, same block size, same bytes.
# fio reports its own bandwidth, which excludes its set-up; sdgen is shown both ways: with its
# start-up (timed alone with a 64 KiB dataset of the same spec and chunk size) subtracted, and as
# the whole process (start-up and codec calibration included).
# Accuracy: each tool writes a file with the same settings; `sdgen analyze` measures both at the
# same dedup unit and codec. fio's dedupe_percentage = 100 (1 - 1/D), buffer_compress_percentage =
# 100 (1 - 1/C). fio dedups whole I/O buffers, so the accuracy runs use bs = the dedup unit.
#
# Usage: scripts/bench-vs-fio.sh [reps=5] [rate_bytes=4GiB] [accuracy_bytes=256MiB]
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-5}
rate_size=${2:-4GiB}
accuracy_size=${3:-256MiB}
sdgen=./build/sdgen
[ -x "$sdgen" ] || scripts/build
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fio_size=$(python3 -c "print('$rate_size'.replace('GiB','g').replace('MiB','m'))")
acc_fio_size=$(python3 -c "print('$accuracy_size'.replace('GiB','g').replace('MiB','m'))")

# name dedup compress fio_dedupe_pct fio_compress_pct
settings=("D=1,C=1 1 1 0 0" "D=2,C=2 2 2 50 50" "D=1,C=3 1 3 0 67")

median_spread() {  # prints "median min max" of the numbers on stdin
  python3 -c 'import sys,statistics; v=sorted(float(x) for x in sys.stdin.read().split()); print(f"{statistics.median(v):.2f} {v[0]:.2f} {v[-1]:.2f}")'
}

echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs; $(fio --version); sdgen $($sdgen --version | cut -d' ' -f2)"
echo
echo "## Generation rate, one thread, GB/s = 1e9 B/s (median [min-max] of $reps, $rate_size per run)"
printf "%-9s %-6s %24s %24s %8s %24s %8s\n" setting bs fio "sdgen (no start-up)" "sdgen/fio" "sdgen (whole process)" "whole/fio"
for bs in 128k 1m; do
  sdgen_bs=$([ "$bs" = 1m ] && echo 1MiB || echo 128KiB)
  for s in "${settings[@]}"; do
    read -r name dedup compress fio_dedupe fio_compress <<<"$s"
    fio_rates=(); sdgen_rates=(); whole_rates=()
    for ((i = 0; i < reps; i++)); do
      bytes_per_s=$(fio --name=gen --ioengine=null --rw=write --bs=$bs --size="$fio_size" --numjobs=1 \
        --refill_buffers --dedupe_percentage="$fio_dedupe" --buffer_compress_percentage="$fio_compress" \
        --buffer_compress_chunk=4k --output-format=json |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["jobs"][0]["write"]["bw_bytes"])')
      fio_rates+=("$(python3 -c "print($bytes_per_s / 1e9)")")
      start=$(date +%s.%N)
      $sdgen cat --size 64KiB --dedup "$dedup" --compress "$compress" --seed $((i + 1)) \
        --chunk-size "$sdgen_bs" --threads 1 >/dev/null 2>&1
      startup=$(python3 -c "print($(date +%s.%N) - $start)")
      start=$(date +%s.%N)
      $sdgen cat --size "$rate_size" --dedup "$dedup" --compress "$compress" --seed $((i + 1)) \
        --chunk-size "$sdgen_bs" --threads 1 >/dev/null 2>"$work/err"
      end=$(date +%s.%N)
      read -r no_startup whole < <(python3 -c "
import re
size = '$rate_size'; units = {'GiB': 2**30, 'MiB': 2**20}
n = float(re.match(r'[0-9.]+', size).group()) * units[size.lstrip('0123456789.')]
print(n / ($end - $start - $startup) / 1e9, n / ($end - $start) / 1e9)")
      sdgen_rates+=("$no_startup"); whole_rates+=("$whole")
    done
    read -r fm fmin fmax < <(printf '%s\n' "${fio_rates[@]}" | median_spread)
    read -r sm smin smax < <(printf '%s\n' "${sdgen_rates[@]}" | median_spread)
    read -r wm wmin wmax < <(printf '%s\n' "${whole_rates[@]}" | median_spread)
    printf "%-9s %-6s %8s [%6s-%6s] %8s [%6s-%6s] %8.1fx %8s [%6s-%6s] %8.1fx\n" "$name" "$bs" "$fm" "$fmin" "$fmax" \
      "$sm" "$smin" "$smax" "$(python3 -c "print($sm / $fm)")" "$wm" "$wmin" "$wmax" "$(python3 -c "print($wm / $fm)")"
  done
done

echo
echo "## Ratio accuracy: $accuracy_size written by each tool, measured by sdgen analyze (4 KiB unit, zstd:1 at 64 KiB)"
printf "%-9s %-6s %10s %14s %14s\n" setting tool dedup "compress(dedup'd)" "total"
for s in "${settings[@]}"; do
  read -r name dedup compress fio_dedupe fio_compress <<<"$s"
  fio --name=acc --ioengine=sync --rw=write --bs=4k --size="$acc_fio_size" --filename="$work/fio.bin" \
    --refill_buffers --dedupe_percentage="$fio_dedupe" --buffer_compress_percentage="$fio_compress" \
    --buffer_compress_chunk=4k --output-format=terse >/dev/null
  $sdgen cat --size "$accuracy_size" --dedup "$dedup" --compress "$compress" --seed 1 >"$work/sdgen.bin" 2>/dev/null
  for tool in fio sdgen; do
    $sdgen analyze "$work/$tool.bin" --json "$work/$tool.json" >/dev/null
    python3 - "$work/$tool.json" "$name" "$tool" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"{sys.argv[2]:<9} {sys.argv[3]:<6} {r['dedup_ratio']:10.4f} {r['unique_compression_ratio']:14.4f} {r['total_reduction']:14.4f}")
PY
  done
  echo "          asked  $(printf '%10.4f %14.4f %14.4f' "$dedup" "$compress" "$(python3 -c "print($dedup * $compress)")")"
  rm -f "$work/fio.bin" "$work/sdgen.bin"
done
