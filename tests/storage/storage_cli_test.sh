#!/usr/bin/env bash
# sdgen put / get / verify from the command line, against real files in a temporary directory:
# exit codes, exact error lines, naming, read-back, damage found by verify, disk full, memory.
# Usage: storage_cli_test.sh path/to/sdgen
set -uo pipefail
sdgen=$(realpath "$1")
work=$(mktemp -d "${TMPDIR:-/tmp}/sdgen-cli-XXXXXX")
mounted=""
cleanup() {
  [ -n "$mounted" ] && umount -l "$mounted" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

# run EXPECTED_EXIT NAME -- command...: runs it with stdout/stderr in out/err, checks the exit code.
run() {
  local expected=$1 name=$2
  shift 3
  "$@" >out 2>err
  local code=$?
  if [ "$code" -ne "$expected" ]; then
    fail "$name: exit $code, expected $expected; stderr: $(head -c 600 err)"
    return 1
  fi
  return 0
}

# expect_error EXIT "exact message" -- args...: one line on stderr, exactly "sdgen: error: message".
expect_error() {
  local expected=$1 message=$2
  shift 3
  run "$expected" "$message" -- "$sdgen" "$@" || return
  if [ "$(cat err)" != "sdgen: error: $message" ]; then
    fail "sdgen $*: stderr was '$(cat err)', expected 'sdgen: error: $message'"
  else
    pass "sdgen $* -> exit $expected, one line"
  fi
}

contains() {  # contains FILE TEXT NAME
  grep -qF -- "$2" "$1" || fail "$3: '$2' not in $1: $(head -c 600 "$1")"
}

# --- put, then verify and get --verify, clean --------------------------------------------------
if run 0 "put file" -- "$sdgen" put "file://$work/ds/" -n 10 -s 64KiB -d 2 -x 2 --seed 42 --json put.json; then
  [ -f ds/sdgen-manifest.json ] || fail "no manifest written"
  [ "$(ls ds | grep -c '^obj_[0-9]_of_10.dat$')" -eq 10 ] || fail "expected obj_0_of_10.dat .. obj_9_of_10.dat: $(ls ds)"
  [ -s err ] && fail "put wrote to stderr without a terminal: $(cat err)"
  contains out "wrote 10 of 10 objects" "put summary"
  contains out "seed 42" "put header"
  python3 - put.json <<'EOF' || fail "put --json document"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["command"] == "put" and d["seed"] == 42, d
assert d["spec"]["dedup"] == 2 and d["spec"]["compress"] == 2 and d["spec"]["unit_bytes"] == 4096
assert d["objects"] == {"requested": 10, "written": 10, "failed": 0, "skipped": 0}, d["objects"]
assert d["bytes"] == 10 * 65536 and d["seconds"] > 0 and d["mb_per_s"] > 0 and d["ops_per_s"] > 0
assert d["expected"]["logical_bytes"] == 655360 and d["expected"]["unique_bytes"] == 327680
assert d["expected"]["stored_bytes"] == 163840
for op in ("object_write", "chunk_write", "complete"):
    lat = d["latency"][op]
    assert set(lat) == {"count", "mean_s", "p50_s", "p90_s", "p99_s", "p99_9_s", "max_s"}, lat
    assert lat["p50_s"] <= lat["p90_s"] <= lat["p99_s"] <= lat["p99_9_s"] <= lat["max_s"], lat
assert d["latency"]["object_write"]["count"] == 10
assert d["errors"] == [] and d["peak_rss_bytes"] > 0
EOF
  pass "put file:// with manifest, summary and JSON"
fi
run 0 "verify clean" -- "$sdgen" verify "file://$work/ds" && contains out "verified: all 10 objects match" "verify clean"
run 0 "get --verify clean" -- "$sdgen" get "file://$work/ds/" --verify --json get.json &&
  python3 -c "import json; d=json.load(open('get.json')); assert d['command']=='get' and d['verified'] and d['objects']['ok']==10 and d['bytes']==655360 and d['latency']['chunk_read']['count']>=10, d" ||
  fail "get --json document"
run 0 "get without verify" -- "$sdgen" get "file://$work/ds/" -q && [ ! -s out ] || fail "get -q printed: $(cat out)"
pass "verify and get --verify of a clean dataset"

# --- damage: a flipped byte, a deleted object, a truncated one ---------------------------------
printf '\x5a' | dd of=ds/obj_2_of_10.dat bs=1 seek=12345 conv=notrunc status=none
rm ds/obj_5_of_10.dat
truncate -s 1000 ds/obj_7_of_10.dat
if run 3 "verify damaged" -- "$sdgen" verify "file://$work/ds/" --json bad.json; then
  contains err "sdgen: obj_2_of_10.dat: mismatch: 1 bad block(s) of 4 KiB, first bad byte at offset 12345" "corrupt byte"
  contains err "sdgen: obj_5_of_10.dat: missing" "deleted object"
  contains err "sdgen: obj_7_of_10.dat: wrong size: 1000 bytes, expected 65536" "truncated object"
  contains err "sdgen: error: verify: 3 of 10 objects do not match the manifest (1 missing, 1 wrong size, 1 with bad bytes)" "verify error line"
  python3 -c "
import json; d=json.load(open('bad.json'))
e={x['object']: x for x in d['errors']}
assert e['obj_2_of_10.dat']['first_bad_offset']==12345 and e['obj_2_of_10.dat']['bad_blocks']==1
assert e['obj_5_of_10.dat']['status']=='missing' and e['obj_7_of_10.dat']['actual_bytes']==1000
assert d['objects']['ok']==7" || fail "verify --json lists the damage"
  pass "verify finds a corrupted byte at its offset, a missing and a truncated object (exit 3)"
fi
run 3 "get --verify damaged" -- "$sdgen" get "file://$work/ds/" --verify -q && pass "get --verify exits 3 on damage"

# --- tiny and odd sizes, file:// and direct:// --------------------------------------------------
for scheme in file direct; do
  for size in 0 1 511 100003; do
    dir="$work/$scheme-$size"
    if run 0 "put $scheme size $size" -- "$sdgen" put "$scheme://$dir/" -n 3 -s "$size" --seed "$size" --chunk-size 8KiB -q &&
      run 0 "verify $scheme size $size" -- "$sdgen" verify "$scheme://$dir/" -q; then
      for i in 0 1 2; do
        actual=$(stat -c %s "$dir/obj_${i}_of_3.dat")
        [ "$actual" -eq "$size" ] || fail "$scheme size $size: object $i has $actual bytes"
      done
    fi
  done
done
pass "objects of 0, 1, 511 and 100003 bytes through file:// and direct://, verified"

# --- every object its own content ----------------------------------------------------------------
if run 0 "put distinct" -- "$sdgen" put "file://$work/distinct/" -n 50 -s 10000 -q; then
  distinct=$(sha256sum distinct/obj_* | cut -d' ' -f1 | sort -u | wc -l)
  [ "$distinct" -eq 50 ] && pass "50 objects, 50 distinct contents" || fail "only $distinct distinct objects of 50"
fi

# --- naming: template with index and total, k suffix ---------------------------------------------
if run 0 "template" -- "$sdgen" put "file://$work/named" -n 3 -s 10 --template 'part-{}-of-{}.bin' --name-prefix run- -q; then
  [ "$(cd named && ls | tr '\n' ' ')" = "run-part-0-of-3.bin run-part-1-of-3.bin run-part-2-of-3.bin run-sdgen-manifest.json " ] &&
    pass "template names with index and total under a name prefix" || fail "template names: $(ls named)"
  run 0 "verify under the name prefix" -- "$sdgen" verify "file://$work/named" --name-prefix run- -q &&
    pass "verify finds the manifest and objects under the name prefix"
  expect_error 1 "file://$work/named/: no sdgen-manifest.json here, so nothing to verify against (was this written by sdgen put, with this URI?)" -- verify "file://$work/named"
fi
if run 0 "k suffix" -- "$sdgen" put "file://$work/many/" -n 2k -s 1 -j 16 -q; then
  [ "$(ls many | wc -l)" -eq 2001 ] && pass "-n 2k writes 2000 objects" || fail "-n 2k wrote $(ls many | wc -l) files"
fi
run 0 "m suffix" -- "$sdgen" put null:// -n 1m -s 0 -q --json m.json &&
  python3 -c "import json; d=json.load(open('m.json')); assert d['objects']['written']==1000000, d['objects']" &&
  pass "-n 1m counts a million objects" || fail "-n 1m"

# --- stdout: the same bytes as sdgen cat ----------------------------------------------------------
"$sdgen" put - -n 3 -s 100001 -d 2 --seed 5 -q >put.bin 2>put.err || fail "put - exited non-zero: $(cat put.err)"
"$sdgen" cat -n 3 -s 100001 -d 2 --seed 5 >cat.bin 2>/dev/null || fail "cat exited non-zero"
cmp -s put.bin cat.bin && [ -s put.bin ] && pass "put - writes the same bytes as sdgen cat" || fail "put - differs from cat"
[ -s put.err ] && fail "put - -q wrote to stderr: $(cat put.err)"

# --- null://: bounded memory for a large object ----------------------------------------------------
if ldd "$sdgen" | grep -q libasan; then
  echo "skip: resident-memory bound (AddressSanitizer build: shadow memory and quarantine inflate it)"
elif run 0 "put null 2GiB" -- "$sdgen" put null:// -s 2GiB --chunk-size 4MiB --queue-depth 8 -q --json null.json; then
  python3 -c "
import json; d=json.load(open('null.json'))
assert d['bytes']==2<<30, d['bytes']
peak=d['peak_rss_bytes']; bound=8*(4<<20) + (64<<20)
assert peak < bound, f'peak {peak>>20} MiB >= bound {bound>>20} MiB'
print(f'peak resident {peak>>20} MiB for a 2 GiB object (bound {bound>>20} MiB)')" && pass "2 GiB to null:// in bounded memory" ||
    fail "memory bound for a 2 GiB object"
fi

# --- Ctrl-C: the objects in flight are aborted, nothing partial is left, the rest never starts ----
intr="$work/intr"
"$sdgen" put "file://$intr/" -n 1000 -s 64MiB -j 2 -t 1 --json intr.json >intr.out 2>intr.err &
pid=$!
# Wait for the first object to appear (the run takes minutes to finish on its own).
for _ in $(seq 300); do [ -e "$intr/obj_0_of_1000.dat" ] && break; sleep 0.1; done
kill -INT "$pid"
wait "$pid"
code=$?
if [ "$code" -ne 1 ]; then
  fail "interrupted put: exit $code, expected 1: $(cat intr.err)"
else
  contains intr.err "sdgen: interrupted: aborting the objects in flight" "interrupt notice"
  contains intr.err "sdgen: error: interrupted: " "interrupt error line"
  python3 - intr.json "$intr" <<'EOF' && pass "Ctrl-C aborts the objects in flight and leaves only whole objects" ||
import json, os, sys
d = json.load(open(sys.argv[1])); root = sys.argv[2]
o = d["objects"]
assert d["interrupted"] and o["written"] + o["failed"] + o["skipped"] == 1000 and o["skipped"] > 0, o
present = [n for n in os.listdir(root) if n.startswith("obj_")]
assert len(present) == o["written"], (sorted(present), o)
assert all(os.path.getsize(os.path.join(root, n)) == 64 << 20 for n in present)
assert all(e["message"].startswith("interrupted") for e in d["errors"]), d["errors"]
EOF
    fail "interrupted put left partial objects or miscounted"
fi
rm -rf "$intr"

# --- bad arguments: one line, exit 2 ---------------------------------------------------------------
expect_error 2 "target 'ftp://x/y': unknown scheme 'ftp' (use file:///dir/prefix, direct:///dir/prefix, s3://bucket/prefix, null:// or -)" -- put ftp://x/y -s 1
expect_error 2 "target 'plain/path': no scheme (use file:///dir/prefix, direct:///dir/prefix, s3://bucket/prefix, null:// or -)" -- put plain/path -s 1
expect_error 2 "size '12XB': unknown unit (use B, KiB, MiB, GiB, TiB, kB, MB, GB, TB)" -- put null:// -s 12XB
expect_error 2 "count 0: need at least one object" -- put null:// -s 1 -n 0
expect_error 2 "chunk size 1 B: must be from 4 KiB to 1 GiB" -- put null:// -s 1 --chunk-size 1
expect_error 2 "jobs 0: must be from 1 to 4096" -- put null:// -s 1 -j 0
expect_error 2 "queue depth 0: must be from 1 to 65536" -- put null:// -s 1 --queue-depth 0
expect_error 2 "template 'fixed.dat': needs a {} for the object index with 2 objects, or every object gets the same name" -- put null:// -s 1 -n 2 --template fixed.dat
expect_error 2 "dedup 0.5: must be a finite number >= 1" -- put null:// -s 1MiB -d 0.5
expect_error 2 "get null://: this target is write-only, nothing can be read back" -- get null://
expect_error 2 "verify null://: this target is write-only, nothing can be read back" -- verify null://
expect_error 1 "file://$work/empty/: no sdgen-manifest.json here, so nothing to verify against (was this written by sdgen put, with this URI?)" -- verify "file://$work/empty/"

# --- disk full: a 2 MiB tmpfs (needs root; skipped with a message otherwise) -------------------------
mkdir -p small
if mount -t tmpfs -o size=2m tmpfs small 2>/dev/null; then
  mounted="$work/small"
  if run 1 "disk full" -- "$sdgen" put "file://$work/small/" -n 10 -s 512KiB --seed 3 --json full.json; then
    contains err "No space left on device" "disk full reason"
    contains err "sdgen: failed: obj_" "failed object listed"
    [ "$(grep -c '^sdgen: error: ' err)" -eq 1 ] || fail "disk full: expected one error line: $(cat err)"
    python3 - full.json "$work/small" <<'EOF' || fail "disk full: written objects are complete, failed ones gone"
import json, os, sys
d = json.load(open(sys.argv[1])); root = sys.argv[2]
o = d["objects"]
assert o["failed"] >= 1 and o["written"] + o["failed"] + o["skipped"] == 10, o
present = [n for n in os.listdir(root) if n.startswith("obj_")]
assert len(present) == o["written"], (present, o)
assert all(os.path.getsize(os.path.join(root, n)) == 512 * 1024 for n in present)
assert not any(e["object"] in present for e in d["errors"])
EOF
    # What was written verifies; what was not is reported missing.
    run 3 "verify after disk full" -- "$sdgen" verify "file://$work/small/" -q && contains err "missing" "verify after disk full"
    pass "disk full: exit 1, failed objects listed and removed, verify lists the missing ones"
  fi
  umount -l "$work/small" && mounted=""
else
  echo "skip: cannot mount a 2 MiB tmpfs (not root?): disk-full test skipped"
fi

if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "all storage CLI checks passed"
