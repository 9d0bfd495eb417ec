# put to file:// writes 10 objects and a manifest, prints a header and a summary (no progress bar
# without a terminal, nothing on stderr); verify and get --verify read it back clean.
sd put "file://$PWD/ds/" -n 10 -s 64KiB -d 2 -x 2 --seed 42 --json put.json
ls ds
python3 - put.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("command, seed:", d["command"], d["seed"])
s = d["spec"]
print("spec dedup, compress, unit:", s["dedup"], s["compress"], s["unit_bytes"])
print("objects:", d["objects"])
print("bytes:", d["bytes"])
print("seconds, MB/s, ops/s all > 0:", d["seconds"] > 0 and d["mb_per_s"] > 0 and d["ops_per_s"] > 0)
e = d["expected"]
print("expected logical, unique, stored:", e["logical_bytes"], e["unique_bytes"], e["stored_bytes"])
for op in ("object_write", "chunk_write", "complete"):
    lat = d["latency"][op]
    ordered = lat["p50_s"] <= lat["p90_s"] <= lat["p99_s"] <= lat["p99_9_s"] <= lat["max_s"]
    print(f"latency {op}: {sorted(lat)}, percentiles ordered: {ordered}")
print("object_write count:", d["latency"]["object_write"]["count"])
print("errors:", d["errors"], "peak_rss_bytes > 0:", d["peak_rss_bytes"] > 0)
PY
sd verify "file://$PWD/ds"
sd get "file://$PWD/ds/" --verify --json get.json
python3 - get.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("get: command, verified, ok, bytes:", d["command"], d["verified"], d["objects"]["ok"], d["bytes"])
print("get: chunk reads >= 10:", d["latency"]["chunk_read"]["count"] >= 10)
PY
# -q: nothing on stdout.
sd get "file://$PWD/ds/" -q
