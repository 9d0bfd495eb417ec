# sdgen bench: one small repetition of every operation. Rates and the CPU vary: the table is pinned
# with its numbers replaced, the results are checked in --json.
sd_to bench.txt bench --reps 1 --threads 1 --small 64KiB --large 1MiB --bytes-per-rep 4MiB --json bench.json
sed -E '1s/^sdgen bench: .*, [0-9]+ online CPUs, AES implementation [^;]+;/sdgen bench: $CPU, $N online CPUs, AES implementation $IMPL;/
  2,$s/[0-9]+\.[0-9]+/$R/g; s/ +/ /g; s/\[ /[/g' bench.txt
python3 - bench.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
r = d["results"]
print("operations with a positive median:", sorted({x["operation"] for x in r if x["gb_per_s_median"] > 0}))
print("every row has a positive median:", len(r) > 0 and all(x["gb_per_s_median"] > 0 for x in r))
PY
