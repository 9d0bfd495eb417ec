#!/usr/bin/env bash
# The resident memory of `sdgen put` to S3 stays inside its documented bound (s3_writer.hpp):
#     base + queue_depth x chunk_bytes + jobs x parts_in_flight x 1 MiB + kSlackMiB
# whatever the part size. `base` is measured here: the same command putting one 1 KiB object
# (binary, libcurl and its libraries, one transfer thread); kSlackMiB below covers the rest
# (the manifest's PUT, allocator rounding). Multipart parts once had their own buffers
# (parts_in_flight x part_bytes per object, outside the pipeline's bound): the old binary peaked
# at 205 MiB on the first run below, against a bound of 45 MiB.
# Starts its own moto server (signature checking off) and always stops it.
#   usage: s3_memory_test.sh path/to/sdgen
set -euo pipefail
sdgen=$1
kSlackMiB=8
work=$(mktemp -d "${TMPDIR:-/tmp}/sdgen-s3-memory.XXXXXX")
moto_pid=
stop() {
  local status=$?
  [ -n "$moto_pid" ] && { kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true; }
  rm -rf "$work"
  exit "$status"
}
trap stop EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m moto.server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL_S3
export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_ACCESS_KEY_ID=memory AWS_SECRET_ACCESS_KEY=memory
export AWS_REGION=us-east-1 AWS_SHARED_CREDENTIALS_FILE="$work/none"

field() {  # json file, python expression over `r`
  python3 -c "import json, sys; r = json.load(open(sys.argv[1])); print($2)" "$1"
}

"$sdgen" put "s3://memory-base/" -n 1 -s 1KiB -j 1 --create-bucket --quiet --seed 1 --json "$work/base.json"
base=$(field "$work/base.json" 'r["peak_rss_bytes"]')
echo "base: $((base >> 20)) MiB peak RSS (one 1 KiB object)"

failed=0
run() {  # label, then sdgen put arguments for 4 objects of 64 MiB at 4 jobs
  local label=$1 queue_depth=$2 chunk_mib=$3 part_size=$4
  local bucket="memory-$label"
  "$sdgen" put "s3://$bucket/" -n 4 -s 64MiB -j 4 --queue-depth "$queue_depth" --chunk-size "${chunk_mib}MiB" \
    --part-size "$part_size" --multipart-threshold 8MiB --create-bucket --quiet --seed 2 --json "$work/$label.json"
  local written rss bound
  written=$(field "$work/$label.json" 'r["objects"]["written"]')
  rss=$(field "$work/$label.json" 'r["peak_rss_bytes"]')
  bound=$((base + (queue_depth * chunk_mib << 20) + (4 * 4 << 20) + (kSlackMiB << 20)))
  echo "$label: 4 x 64 MiB, --queue-depth $queue_depth --chunk-size ${chunk_mib}MiB --part-size $part_size -j 4:" \
    "peak RSS $((rss >> 20)) MiB, bound $((bound >> 20)) MiB"
  if [ "$written" != 4 ]; then echo "FAIL $label: $written of 4 objects written" >&2; failed=1; fi
  if [ "$rss" -gt "$bound" ]; then echo "FAIL $label: peak RSS above the bound" >&2; failed=1; fi
}
run parts8 8 1 8MiB
run parts32 8 1 32MiB
run pool64 32 2 8MiB
exit "$failed"
