# Without --seed a seed is drawn and printed on stderr, so that the run can be repeated.
sd_to random.bin cat --size 1MiB 2>err.txt
hide_seed <err.txt >&2
echo "random.bin: $(wc -c <random.bin) bytes"
# put -q prints nothing else, but still the seed it drew.
sd put null:// -s 1MiB -q 2>err.txt
hide_seed <err.txt >&2
