# lz4 at 4 KiB chunks, a 16 KiB dedup unit, dedup scope object: still dedup exactly 4 and
# compression within 3 % of 2 when analyze measures with the same unit and codec.
sd_to lz4.bin cat --size 2MiB --count 2 --dedup 4 --compress 2 --codec lz4 --codec-chunk 4KiB --unit 16KiB \
  --scope object --seed 9
sd analyze lz4.bin --unit 16KiB --codec lz4 --codec-chunk 4KiB --json lz4.json | hide_ratios
echo "dedup ratio exactly 4: $(json lz4.json 'd["dedup_ratio"] == 4.0')"
echo "unique compression ratio within 3% of 2: $(within lz4.json unique_compression_ratio 2 0.03)"
