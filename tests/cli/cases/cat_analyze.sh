# sdgen cat makes 4 x 1 MiB at dedup 2, compression 3; sdgen analyze measures dedup exactly 2 and
# compression within 3 % of 3 (the ratio itself may move with the zstd version, the verdict not).
sd_to data.bin cat --size 1MiB --count 4 --dedup 2 --compress 3 --seed 7
echo "data.bin: $(wc -c <data.bin) bytes"
sd analyze data.bin --json analyze.json | hide_ratios
echo "dedup ratio exactly 2: $(json analyze.json 'd["dedup_ratio"] == 2.0')"
echo "full, distinct, zero blocks: $(json analyze.json '(d["full_blocks"], d["distinct_blocks"], d["zero_blocks"])')"
echo "unique compression ratio within 3% of 3: $(within analyze.json unique_compression_ratio 3 0.03)"
echo "codec, codec chunk, unit, bytes: $(json analyze.json '(d["codec"], d["codec_chunk_bytes"], d["unit_bytes"], d["bytes"])')"
