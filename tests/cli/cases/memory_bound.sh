# A 2 GiB object to null:// in memory bounded by the pool (8 x 4 MiB buffers) plus 64 MiB.
# AddressSanitizer's shadow memory and quarantine inflate the resident size: skipped there.
if ldd "$SDGEN" | grep -q libasan; then
  skip "resident-memory bound (AddressSanitizer build)"
fi
sd put null:// -s 2GiB --chunk-size 4MiB --queue-depth 8 -q --seed 1 --json null.json
python3 - null.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("bytes:", d["bytes"])
bound = 8 * (4 << 20) + (64 << 20)
peak = d["peak_rss_bytes"]
print(f"peak resident under {bound >> 20} MiB:", "yes" if peak < bound else f"no ({peak >> 20} MiB)")
PY
