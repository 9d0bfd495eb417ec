# A flipped byte, a deleted object and a truncated one: verify names each (on stderr), exits 3, and
# lists them in --json; get --verify exits 3 too.
"$SDGEN" put "file://$PWD/ds/" -n 10 -s 64KiB -d 2 -x 2 --seed 42 -q
printf '\x5a' | dd of=ds/obj_2_of_10.dat bs=1 seek=12345 conv=notrunc status=none
rm ds/obj_5_of_10.dat
truncate -s 1000 ds/obj_7_of_10.dat
sd verify "file://$PWD/ds/" --json bad.json
python3 - bad.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
e = {x["object"]: x for x in d["errors"]}
print("obj_2: first bad offset, bad blocks:", e["obj_2_of_10.dat"]["first_bad_offset"], e["obj_2_of_10.dat"]["bad_blocks"])
print("obj_5: status:", e["obj_5_of_10.dat"]["status"])
print("obj_7: actual bytes:", e["obj_7_of_10.dat"]["actual_bytes"])
print("objects ok:", d["objects"]["ok"])
PY
sd get "file://$PWD/ds/" --verify -q
