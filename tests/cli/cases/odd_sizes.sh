# Objects of 0, 1, 511 and 100003 bytes through file:// and direct:// (unaligned to the O_DIRECT
# block), each verified and of the right size.
for scheme in file direct; do
  for size in 0 1 511 100003; do
    dir="$PWD/$scheme-$size"
    sd put "$scheme://$dir/" -n 3 -s "$size" --seed "$size" --chunk-size 8KiB -q
    sd verify "$scheme://$dir/" -q
    echo "sizes: $(stat -c %s "$dir"/obj_{0,1,2}_of_3.dat | tr '\n' ' ')"
  done
done
