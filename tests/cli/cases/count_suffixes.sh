# -n takes k and m suffixes: 2k objects to file:// (and a manifest), 1m to null://.
sd put "file://$PWD/many/" -n 2k -s 1 -j 16 -q --seed 1
echo "files: $(ls many | wc -l)"
sd put null:// -n 1m -s 0 -q --seed 1 --json m.json
echo "written: $(json m.json 'd["objects"]["written"]')"
