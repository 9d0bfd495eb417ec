#!/usr/bin/env bash
# Old binary against new binary, same machine, one script (issue 8, "Unchanged, and proven so"):
#   bench   sdgen bench --threads 1 --reps 3 --small 1MiB --bytes-per-rep 2GiB: the "1 MiB each"
#           rows memset, gen D=1 C=1 and gen D=2 C=2 (GB/s; one sample = that run's median of 3)
#   null1   sdgen put null:// -s $NULL_SIZE -n 1 --seed 1 -t 1   (MB/s, "mb_per_s" of --json)
#   null2   sdgen put null:// -s $NULL_SIZE -n 1 --seed 1 -t 2
#   file    sdgen put file://<tmpfs dir>/ -n $FILE_COUNT -s $FILE_SIZE --seed 1  (default threads
#           and jobs; the directory is removed and made again before every run)
# Each repetition runs every figure once with each binary, alternating the order from one
# repetition to the next (OLD NEW, NEW OLD, OLD NEW, ...: ABBA), so drift in machine speed hits
# both alike. Reports per figure: OLD median [min - max], NEW median [min - max], NEW/OLD ratio of
# the medians, and whether NEW is within 3 % of OLD or faster (ratio >= 0.97); beside it, as a
# check on drift, the median over repetitions of NEW/OLD of the two adjacent runs ("paired").
# Exit status 1 when a figure's ratio of medians is below 0.97.
# GB = 1e9 bytes/s, MB = 1e6 bytes/s.
#
# Usage: scripts/bench-compare.sh OLD NEW [REPS] [FIGURES...]
#   REPS default 5; FIGURES any of: bench null1 null2 file (default: all)
# Environment: NULL_SIZE (16GiB), FILE_COUNT (16), FILE_SIZE (64MiB), SHM (/dev/shm),
#              KEEP (a directory: keep every raw bench text and JSON document there)
set -euo pipefail
if [ $# -lt 2 ]; then
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
  exit 2
fi
old=$(realpath "$1")
new=$(realpath "$2")
reps=${3:-5}
shift 2
[ $# -gt 0 ] && shift
figures=${*:-bench null1 null2 file}
null_size=${NULL_SIZE:-16GiB}
file_count=${FILE_COUNT:-16}
file_size=${FILE_SIZE:-64MiB}
shm_root=${SHM:-/dev/shm}
for b in "$old" "$new"; do [ -x "$b" ] || { echo "not an executable: $b" >&2; exit 2; }; done
case $reps in '' | *[!0-9]* | 0) echo "REPS must be a positive integer: $reps" >&2; exit 2 ;; esac
for f in $figures; do
  case $f in bench | null1 | null2 | file) ;; *) echo "unknown figure: $f" >&2; exit 2 ;; esac
done

if [[ " $figures " == *" file "* ]]; then
  fstype=$(df -T "$shm_root" | awk 'NR == 2 {print $2}')
  [ "$fstype" = tmpfs ] || { echo "$shm_root is $fstype, not tmpfs" >&2; exit 2; }
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/sdgen-compare-XXXXXX")
shm=$(mktemp -d "$shm_root/sdgen-bench-XXXXXX")
trap 'rm -rf "$work" "$shm"' EXIT
keep=${KEEP:-}
[ -n "$keep" ] && mkdir -p "$keep"

# sample LIST VALUE: appends one sample to the list named LIST (e.g. old.null1).
sample() { echo "$2" >>"$work/$1.samples"; }
# save FILE NAME: copies a raw result into $KEEP when set.
save() { if [ -n "$keep" ]; then cp "$1" "$keep/$2"; fi; }

# run_bench WHICH BINARY REP
run_bench() {
  local which=$1 bin=$2 rep=$3
  "$bin" bench --threads 1 --reps 3 --small 1MiB --bytes-per-rep 2GiB --json "$work/bench.json" \
    >"$work/bench.txt"
  save "$work/bench.txt" "bench-$which-$rep.txt"
  save "$work/bench.json" "bench-$which-$rep.json"
  python3 - "$work/bench.json" <<'EOF' >"$work/bench.values"
import json, sys
d = json.load(open(sys.argv[1]))
rows = {r["operation"]: r["gb_per_s_median"] for r in d["results"]
        if r["threads"] == 1 and not r["shared_buffer"] and r["buffer_bytes"] == 1 << 20}
for op in ("memset", "gen D=1 C=1", "gen D=2 C=2"):
    print(rows[op])
print(rows["gen D=1 C=1"] / rows["memset"])
print(rows["gen D=2 C=2"] / rows["memset"])
EOF
  local v
  mapfile -t v <"$work/bench.values"
  sample "$which.memset" "${v[0]}"
  sample "$which.c1" "${v[1]}"
  sample "$which.d2c2" "${v[2]}"
  sample "$which.c1_vs_memset" "${v[3]}"
  sample "$which.d2c2_vs_memset" "${v[4]}"
}

# run_put WHICH BINARY REP FIGURE
run_put() {
  local which=$1 bin=$2 rep=$3 figure=$4
  case $figure in
    null1) "$bin" put null:// -s "$null_size" -n 1 --seed 1 -t 1 -q --json "$work/put.json" ;;
    null2) "$bin" put null:// -s "$null_size" -n 1 --seed 1 -t 2 -q --json "$work/put.json" ;;
    file)
      rm -rf "$shm/d" && mkdir -p "$shm/d"
      "$bin" put "file://$shm/d/" -n "$file_count" -s "$file_size" --seed 1 -q --json "$work/put.json"
      rm -rf "$shm/d"
      ;;
  esac
  save "$work/put.json" "$figure-$which-$rep.json"
  sample "$which.$figure" "$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['mb_per_s'])" "$work/put.json")"
}

echo "old: $old"
echo "new: $new"
echo "reps: $reps, figures: $figures, null:// $null_size, file:// $file_count x $file_size on $shm_root"
echo "start: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((rep = 1; rep <= reps; rep++)); do
  if ((rep % 2)); then order="old new"; else order="new old"; fi
  for figure in $figures; do
    for which in $order; do
      if [ "$which" = old ]; then bin=$old; else bin=$new; fi
      if [ "$figure" = bench ]; then run_bench "$which" "$bin" "$rep"; else run_put "$which" "$bin" "$rep" "$figure"; fi
    done
  done
  echo "rep $rep/$reps done ($order), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
done
echo "end: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# shellcheck disable=SC2086  # one argument per figure
python3 - "$work" "$reps" $figures <<'EOF'
import os, statistics, sys
work, reps, figures = sys.argv[1], sys.argv[2], sys.argv[3:]
def load(name):
    path = os.path.join(work, name + ".samples")
    return [float(x) for x in open(path)] if os.path.exists(path) else None
rows = []  # (label, unit, key, is_rate)
if "bench" in figures:
    rows += [("bench 1 thread, 1 MiB: memset", "GB/s", "memset", False),
             ("bench 1 thread, 1 MiB: gen D=1 C=1", "GB/s", "c1", True),
             ("bench 1 thread, 1 MiB: gen D=2 C=2", "GB/s", "d2c2", True),
             ("  gen D=1 C=1 / memset (same run)", "ratio", "c1_vs_memset", False),
             ("  gen D=2 C=2 / memset (same run)", "ratio", "d2c2_vs_memset", False)]
labels = {"null1": "put null:// -t 1", "null2": "put null:// -t 2", "file": "put file:// tmpfs"}
rows += [(labels[f], "MB/s", f, True) for f in figures if f != "bench"]
def fmt(v, unit):
    s = sorted(v)
    p = 2 if unit != "MB/s" else 0
    return f"{statistics.median(s):.{p}f} [{s[0]:.{p}f} - {s[-1]:.{p}f}]"
print(f"median [min - max] of {reps}; verdict: new/old of medians >= 0.97 (within 3 % or faster)")
print("paired: median over repetitions of new/old of the two adjacent runs (a check on drift)")
print(f"{'figure':38} {'unit':5} {'old':>28} {'new':>28} {'new/old':>7} {'paired':>6}  verdict")
worst = True
for label, unit, key, judged in rows:
    o, n = load("old." + key), load("new." + key)
    ratio = statistics.median(n) / statistics.median(o)
    paired = statistics.median(b / a for a, b in zip(o, n))
    verdict = ""
    if judged:
        ok = ratio >= 0.97
        worst &= ok
        verdict = "ok (faster)" if ratio >= 1 else ("ok (within 3 %)" if ok else "SLOWER > 3 %")
    print(f"{label:38} {unit:5} {fmt(o, unit):>28} {fmt(n, unit):>28} {ratio:7.3f} {paired:6.3f}  {verdict}")
print()
print("raw samples (run order within each repetition alternates old/new):")
for label, unit, key, judged in rows:
    for which in ("old", "new"):
        v = load(f"{which}.{key}")
        print(f"  {which} {key:15} " + " ".join(f"{x:.2f}" if unit != "MB/s" else f"{x:.0f}" for x in v))
sys.exit(0 if worst else 1)
EOF
