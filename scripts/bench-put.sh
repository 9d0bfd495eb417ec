#!/usr/bin/env bash
# put throughput beside its references, measured in one run (issue 4, performance section):
#   1. put to null:// against the generator alone (sdgen cat > /dev/null, and sdgen bench) at the
#      same thread count, plus resident memory for one large object;
#   2. put to file:// on tmpfs and on disk against fio writing the same files with the same block
#      size (buffered; on disk also with fsync per file, and O_DIRECT against direct://);
#   3. a tuning grid: throughput against chunk size x queue depth x threads x jobs.
# Every figure is the median of REPS runs with [min - max]; the variants of one table run
# interleaved within each repetition, so drift in machine speed hits them alike. MB = 1e6 bytes.
#
# Usage: scripts/bench-put.sh [sections...]   sections: null tmpfs disk grid (default: all)
# Environment: SDGEN (default build/sdgen), REPS (5), DISK_DIR (default $TMPDIR or /tmp), CHUNK (1MiB),
#              NULL_SIZE (16GiB), FILE_COUNT x FILE_SIZE (16 x 64MiB; FILE_SIZE in MiB),
#              GRID_CHUNKS, GRID_DEPTHS, GRID_THREADS, GRID_JOBS (lists, see the grid section).
set -euo pipefail
cd "$(dirname "$0")/.."
sdgen=$(realpath "${SDGEN:-build/sdgen}")
reps=${REPS:-5}
null_size=${NULL_SIZE:-16GiB}
file_count=${FILE_COUNT:-16}
file_size=${FILE_SIZE:-64MiB}
file_size_fio=${file_size%iB}  # fio reads 64M as MiB
disk_dir=${DISK_DIR:-${TMPDIR:-/tmp}}
chunk=${CHUNK:-1MiB}       # sdgen --chunk-size and fio --bs of the file tables
fio_block=${chunk%iB}      # 1MiB -> 1M
sections=${*:-null tmpfs disk grid}
work=$(mktemp -d "${TMPDIR:-/tmp}/sdgen-bench-XXXXXX")
shm=$(mktemp -d /dev/shm/sdgen-bench-XXXXXX)
disk=$(mktemp -d "$disk_dir/sdgen-bench-disk-XXXXXX")
trap 'rm -rf "$work" "$shm" "$disk"' EXIT

# 16GiB -> 17179869184 (the sizes this script uses: KiB, MiB, GiB).
to_bytes() {
  python3 -c "import re,sys; n,u=re.fullmatch(r'(\d+)(GiB|MiB|KiB)', sys.argv[1]).groups(); print(int(n)*2**{'KiB':10,'MiB':20,'GiB':30}[u])" "$1"
}

# Appends one sample (MB/s) to the list named $1.
sample() { echo "$2" >>"$work/$1.samples"; }

# Prints "median [min - max]" of a sample list.
stats() {
  python3 - "$work/$1.samples" <<'EOF'
import statistics, sys
v = sorted(float(x) for x in open(sys.argv[1]))
print(f"{statistics.median(v):9.1f} [{v[0]:.1f} - {v[-1]:.1f}]")
EOF
}

# MB/s of an sdgen --json results document.
json_rate() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d['bytes']/d['seconds']/1e6)" "$1"; }
# MB/s of a fio JSON document (all jobs, group_reporting).
fio_rate() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sum(j['write']['bw_bytes'] for j in d['jobs'])/1e6)" "$1"; }

# put_sample LIST TARGET_DIR_OR_EMPTY sdgen-put-args...: one run of sdgen put, fresh target.
put_sample() {
  local list=$1 dir=$2
  shift 2
  [ -n "$dir" ] && rm -rf "$dir" && mkdir -p "$dir"
  "$sdgen" put "$@" -q --json "$work/put.json" 2>/dev/null
  sample "$list" "$(json_rate "$work/put.json")"
}

# fio_sample LIST DIR JOBS BLOCK [extra fio args]: the same files as sdgen put writes.
fio_sample() {
  local list=$1 dir=$2 jobs=$3 block=$4
  shift 4
  rm -rf "$dir" && mkdir -p "$dir"
  local per_job=$((file_count / jobs))
  fio --name=put --directory="$dir" --ioengine=psync --rw=write --bs="$block" --numjobs="$jobs" \
    --nrfiles="$per_job" --filesize="$file_size_fio" --size="$((per_job * ${file_size_fio%M}))M" \
    --file_service_type=sequential --unlink=1 --group_reporting --output-format=json "$@" >"$work/fio.json"
  sample "$list" "$(fio_rate "$work/fio.json")"
}

# cat_sample LIST sdgen-cat-args...: the generator alone, through its own cat command to /dev/null.
cat_sample() {
  local list=$1
  shift
  local start end bytes
  bytes=$(to_bytes "$null_size")
  start=$(date +%s.%N)
  "$sdgen" cat "$@" >/dev/null 2>&1
  end=$(date +%s.%N)
  sample "$list" "$(python3 -c "print($bytes/($end-$start)/1e6)")"
}

row() {  # row LABEL LIST
  printf '| %-58s | %s |\n' "$1" "$(stats "$2")"
}

echo "# sdgen put benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs online; kernel $(uname -r); $(fio --version)"
echo "sdgen: $("$sdgen" --version) ($sdgen)"
echo "tmpfs: $shm; disk: $disk ($(df -T "$disk" | awk 'NR==2 {print $2}'))"
echo "MB/s = 1e6 bytes per second; median [min - max] of $reps runs"
echo "load average at start (other work on the machine): $(cut -d' ' -f1-3 /proc/loadavg)"
trap 'echo "load average at end: $(cut -d" " -f1-3 /proc/loadavg)"; rm -rf "$work" "$shm" "$disk"' EXIT
echo

if [[ " $sections " == *" null "* ]]; then
  echo "## 1. put to null:// against the generator alone (one $null_size object, $chunk chunks, default queue depth)"
  echo
  echo "| variant | MB/s |"
  echo "|---|---|"
  for rep in $(seq "$reps"); do
    for t in 1 2; do
      cat_sample "cat-t$t" -s "$null_size" -t "$t" --chunk-size "$chunk" --seed "$rep"
      put_sample "null-t$t" "" null:// -s "$null_size" -t "$t" --chunk-size "$chunk" --seed "$rep"
    done
    put_sample "null-small" "" null:// -n 200k -s 64KiB -t 2 -j 4 --seed "$rep"
  done
  for t in 1 2; do
    row "sdgen cat -t $t --chunk-size $chunk > /dev/null (generator alone)" "cat-t$t"
    row "sdgen put null:// -t $t" "null-t$t"
  done
  row "sdgen put null:// -n 200k -s 64KiB -t 2 -j 4 (small objects)" "null-small"
  for c in 1MiB 4MiB; do
    "$sdgen" put null:// -s "$null_size" --chunk-size "$c" --queue-depth 8 -q --json "$work/rss.json" 2>/dev/null
    echo "peak resident memory for one $null_size object ($c x 8 buffers): $(python3 -c "import json; print(json.load(open('$work/rss.json'))['peak_rss_bytes'] >> 20)") MiB"
    echo
  done
  echo
  echo "sdgen bench (generator into a 1 MiB buffer per thread, no pipeline):"
  echo '```'
  "$sdgen" bench --threads 1,2 --reps "$reps" --bytes-per-rep 4GiB --large 256MiB | grep -E "threads|gen D=1 C=1|memset"
  echo '```'
  echo
fi

# file_table TITLE DIR SDGEN_SCHEME SDGEN_EXTRA FIO_EXTRA
# fio runs with --fallocate=none: by default it preallocates every file before its timed window,
# which on tmpfs moves the page allocation out of the figure, while sdgen (like an application)
# allocates as it writes. fio's default buffer is one random block written again and again (hot in
# cache); --refill_buffers makes it write fresh random data each time, as sdgen does.
file_table() {
  local title=$1 dir=$2 scheme=$3 sdgen_extra=$4 fio_extra="--fallocate=none $5" name
  name=$(echo "$title" | tr -c 'a-z0-9' '_')
  echo "## $title ($file_count x $file_size files, $chunk writes)"
  echo
  echo "| variant | MB/s |"
  echo "|---|---|"
  for rep in $(seq "$reps"); do
    for jobs in 1 2; do
      # shellcheck disable=SC2086
      fio_sample "$name-fio-j$jobs" "$dir/fio" "$jobs" "$fio_block" $fio_extra
      # shellcheck disable=SC2086
      fio_sample "$name-fio-refill-j$jobs" "$dir/fio" "$jobs" "$fio_block" $fio_extra --refill_buffers
      # shellcheck disable=SC2086
      put_sample "$name-sdgen-j$jobs" "$dir/sdgen" "$scheme://$dir/sdgen/" -n "$file_count" -s "$file_size" \
        -j "$jobs" --chunk-size "$chunk" --seed "$rep" $sdgen_extra
    done
  done
  for jobs in 1 2; do
    row "fio --ioengine=psync --bs=$fio_block --numjobs=$jobs $fio_extra" "$name-fio-j$jobs"
    row "fio ... --numjobs=$jobs --refill_buffers (fresh data per write)" "$name-fio-refill-j$jobs"
    row "sdgen put $scheme:// -j $jobs --chunk-size $chunk $sdgen_extra" "$name-sdgen-j$jobs"
  done
  echo
}

if [[ " $sections " == *" tmpfs "* ]]; then
  file_table "2. put to file:// on tmpfs against fio" "$shm" file "" "--direct=0"
fi
if [[ " $sections " == *" disk "* ]]; then
  file_table "3. put to file:// on disk, fsync per file, against fio" "$disk" file "--fsync" "--direct=0 --fsync_on_close=1"
  file_table "4. put to direct:// on disk against fio O_DIRECT" "$disk" direct "" "--direct=1"
fi

if [[ " $sections " == *" grid "* ]]; then
  chunks=${GRID_CHUNKS:-256KiB 1MiB 4MiB 16MiB}
  depths=${GRID_DEPTHS:-2 8 32}
  threads=${GRID_THREADS:-1 2}
  jobs_list=${GRID_JOBS:-1 4}
  echo "## 5. Tuning grid: put to file:// on tmpfs, $file_count x $file_size (MB/s)"
  echo
  echo "| chunk | queue depth | threads | jobs | MB/s |"
  echo "|---|---|---|---|---|"
  for rep in $(seq "$reps"); do
    for c in $chunks; do for q in $depths; do for t in $threads; do for j in $jobs_list; do
      put_sample "grid-$c-$q-$t-$j" "$shm/grid" "file://$shm/grid/" -n "$file_count" -s "$file_size" \
        --chunk-size "$c" --queue-depth "$q" -t "$t" -j "$j" --seed "$rep"
    done; done; done; done
  done
  for c in $chunks; do for q in $depths; do for t in $threads; do for j in $jobs_list; do
    printf '| %s | %s | %s | %s | %s |\n' "$c" "$q" "$t" "$j" "$(stats "grid-$c-$q-$t-$j")"
  done; done; done; done
  echo
fi
