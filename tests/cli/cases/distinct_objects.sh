# At dedup 1, every object has its own content.
sd put "file://$PWD/distinct/" -n 50 -s 10000 -q --seed 1
echo "distinct contents: $(sha256sum distinct/obj_* | cut -d' ' -f1 | sort -u | wc -l) of $(ls distinct/obj_* | wc -l)"
