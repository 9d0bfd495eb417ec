# put - writes to standard output the same bytes as sdgen cat; with -q nothing on stderr.
sd_to put.bin put - -n 3 -s 100001 -d 2 --seed 5 -q
"$SDGEN" cat -n 3 -s 100001 -d 2 --seed 5 >cat.bin 2>/dev/null
echo "put.bin: $(wc -c <put.bin) bytes"
verdict "put - writes the same bytes as cat" cmp -s put.bin cat.bin
