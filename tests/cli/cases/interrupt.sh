# Ctrl-C during a put: the objects in flight are aborted, nothing partial is left, the rest never
# starts; after that clean-up, exit 130 (128 + SIGINT) as a shell reports an interrupted process. How far the run got depends on timing: its counts become N, the objects aborted
# are shown once, and the latency lines (there only when some write ended) are left out.
counts() {
  sed -E 's/^wrote [0-9]+ of 1000 objects, [0-9.]+ [KMGT]?i?B in/wrote N of 1000 objects, $SIZE in/
    s/obj_[0-9]+_of_1000.dat: interrupted after [0-9]+ bytes/obj_N_of_1000.dat: interrupted after N bytes/
    s/interrupted: [0-9]+ of 1000 objects written; [0-9]+ in flight aborted, [0-9]+ not started/interrupted: N of 1000 objects written; N in flight aborted, N not started/' |
    grep -v '^  per ' | uniq
}
echo "\$ sdgen put file://$PWD/intr/ -n 1000 -s 64MiB -j 2 -t 1 --seed 1 --json intr.json &"
"$SDGEN" put "file://$PWD/intr/" -n 1000 -s 64MiB -j 2 -t 1 --seed 1 --json intr.json >intr.out 2>intr.err </dev/null &
pid=$!
# Wait for the first object to appear (the run would take minutes to finish on its own).
for _ in $(seq 300); do [ -e intr/obj_0_of_1000.dat ] && break; sleep 0.1; done
kill -INT "$pid"
wait "$pid"
echo "exit $?"
counts <intr.out
counts <intr.err >&2
python3 - intr.json intr <<'PY'
import json, os, sys
d = json.load(open(sys.argv[1])); root = sys.argv[2]
o = d["objects"]
print("interrupted:", d["interrupted"])
print("written + failed + skipped = 1000:", o["written"] + o["failed"] + o["skipped"] == 1000)
print("some not started:", o["skipped"] > 0)
present = [n for n in os.listdir(root) if n.startswith("obj_")]
print("objects present = written:", len(present) == o["written"])
print("every present object whole:", all(os.path.getsize(os.path.join(root, n)) == 64 << 20 for n in present))
print("every error says interrupted:", all(e["message"].startswith("interrupted") for e in d["errors"]))
PY
rm -rf intr

# SIGTERM (a scheduler, a container stop): the same clean-up, then exit 143 (128 + SIGTERM).
echo "\$ sdgen put file://$PWD/term/ -n 1000 -s 64MiB -j 2 -t 1 --seed 1 -q &"
"$SDGEN" put "file://$PWD/term/" -n 1000 -s 64MiB -j 2 -t 1 --seed 1 -q >term.out 2>term.err </dev/null &
pid=$!
for _ in $(seq 300); do [ -e term/obj_0_of_1000.dat ] && break; sleep 0.1; done
kill -TERM "$pid"
wait "$pid"
echo "exit $?"
grep -c "^sdgen: error: interrupted: " term.err
rm -rf term
