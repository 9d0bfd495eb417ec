#!/usr/bin/env bash
# Puts the same bytes to a local moto S3 server with sdgen's S3 backend and with `aws s3 cp`, in
# the same run, and prints the medians. moto is Python on the same cores: this compares the two
# clients against one server, it does not measure a storage system.
#   scripts/bench-s3.sh [--runs N] [--with-1gib] [--build DIR]
# Rows: sdgen_s3_put_driver (the backend alone, default options: single PUT up to 64 MiB, else
# 8 MiB parts x 4 in flight), `sdgen put` (the whole CLI), and `aws s3 cp` of a file of the same
# size on tmpfs (its defaults: 8 MiB parts, 10 in flight). The clients take turns in a rotating
# order, so that none always runs right after another's upload (moto is still busy with it).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=3
sizes=(1048576 67108864)
build=build-s3
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --with-1gib) sizes+=(1073741824); shift ;;
    --build) build=$2; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--with-1gib] [--build DIR]" >&2; exit 2 ;;
  esac
done

[ -f "$build/build.ninja" ] || cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target sdgen_s3_put_driver sdgen >/dev/null
driver=$build/tests/storage/s3/sdgen_s3_put_driver
sdgen=$build/sdgen

work=$(mktemp -d "$([ -d /dev/shm ] && echo /dev/shm || echo /tmp)/sdgen-bench-s3.XXXXXX")
moto_pid=
stop() {
  [ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null && wait "$moto_pid" 2>/dev/null
  rm -rf "$work"
}
trap stop EXIT
trap 'exit 130' INT TERM

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m moto.server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL_S3
export AWS_ENDPOINT_URL=http://127.0.0.1:$port AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench
export AWS_REGION=us-east-1 AWS_CONFIG_FILE=$work/aws-config AWS_SHARED_CREDENTIALS_FILE=$work/none
: >"$AWS_CONFIG_FILE"
aws s3 mb s3://bench-aws >/dev/null

seconds_of() {  # runs a command quietly, prints its wall-clock seconds
  local start end
  start=$(date +%s%N)
  if ! "$@" >/dev/null 2>"$work/stderr"; then
    echo "failed: $*" >&2
    cat "$work/stderr" >&2
    exit 1
  fi
  end=$(date +%s%N)
  awk -v ns=$((end - start)) 'BEGIN { printf "%.3f\n", ns / 1e9 }'
}
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
rate() { awk -v bytes="$1" -v s="$2" 'BEGIN { printf "%.1f", bytes / 1048576 / s }'; }

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "clients: $(curl --version | head -1 | cut -d' ' -f1-2), $(aws --version 2>&1 | cut -d' ' -f1), moto $(python3 -c 'import moto; print(moto.__version__)')"
echo "medians of $runs runs, wall-clock seconds of the whole command (MiB/s)"
echo
echo "| object size | sdgen S3 backend (driver) | sdgen put | aws s3 cp | aws / sdgen put |"
echo "|---|---|---|---|---|"
clients=(driver cli aws)
for size in "${sizes[@]}"; do
  head -c "$size" /dev/urandom >"$work/file"
  driver_times=() cli_times=() aws_times=()
  for ((run = 0; run < runs; ++run)); do
    for ((turn = 0; turn < 3; ++turn)); do
      case ${clients[(run + turn) % 3]} in
        driver) driver_times+=("$(seconds_of "$driver" s3://bench-sdgen/ "$size" 1)") ;;
        cli) cli_times+=("$(seconds_of "$sdgen" put s3://bench-put/ -n 1 -s "$size" --create-bucket --quiet --seed 1)") ;;
        aws) aws_times+=("$(seconds_of aws s3 cp --only-show-errors "$work/file" s3://bench-aws/object_0)") ;;
      esac
    done
  done
  d=$(median "${driver_times[@]}") c=$(median "${cli_times[@]}") a=$(median "${aws_times[@]}")
  echo "| $((size / 1048576)) MiB | $d s ($(rate "$size" "$d")) | $c s ($(rate "$size" "$c")) |" \
    "$a s ($(rate "$size" "$a")) | $(awk -v a="$a" -v c="$c" 'BEGIN { printf "%.2f", a / c }')x |"
  echo "  $((size / 1048576)) MiB, each run in seconds: driver ${driver_times[*]}; sdgen put ${cli_times[*]};" \
    "aws ${aws_times[*]}" >&2
done
