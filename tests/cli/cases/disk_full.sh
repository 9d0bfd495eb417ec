# Disk full on a 2 MiB tmpfs: exit 1, the failed objects listed and removed, only whole objects
# left; verify then reports the missing ones. Mounting needs root (CAP_SYS_ADMIN): skipped without.
# Which objects fail, and at which byte, depends on timing: those numbers become N (and lines that
# become equal are shown once).
vary() { sed -E 's/obj_[0-9]+_of_10/obj_N_of_10/g; s/at byte [0-9]+/at byte N/; s/[0-9]+ (of 10|objects not|missing,)/N \1/g
  s/objects, [0-9.]+ [KMG]?i?B in/objects, $SIZE in/' | uniq; }
mkdir small
mount -t tmpfs -o size=2m tmpfs small 2>/dev/null || skip "cannot mount a 2 MiB tmpfs (not root?)"
trap 'umount -l small' EXIT
sd put "file://$PWD/small/" -n 10 -s 512KiB --seed 3 --json full.json >put.out 2>put.err
vary <put.out
vary <put.err >&2
python3 - full.json small <<'PY'
import json, os, sys
d = json.load(open(sys.argv[1])); root = sys.argv[2]
o = d["objects"]
print("at least one failed:", o["failed"] >= 1)
print("written + failed + skipped = 10:", o["written"] + o["failed"] + o["skipped"] == 10)
present = [n for n in os.listdir(root) if n.startswith("obj_")]
print("objects present = written:", len(present) == o["written"])
print("every present object whole:", all(os.path.getsize(os.path.join(root, n)) == 512 * 1024 for n in present))
print("no failed object left:", not any(e["object"] in present for e in d["errors"]))
PY
echo "error lines: $(grep -c '^sdgen: error: ' put.err)"
# What was written verifies; what was not is reported missing.
sd verify "file://$PWD/small/" -q >verify.out 2>verify.err
vary <verify.out
vary <verify.err >&2
