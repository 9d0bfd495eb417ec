# C = 1 is incompressible (zstd:3 on 1 MiB chunks gains at most 1 %), D = 1 has no duplicate block.
sd_to c1.bin cat --size 4MiB --seed 3
sd analyze c1.bin --codec zstd:3 --codec-chunk 1MiB --json c1.json | hide_ratios
echo "raw compression ratio <= 1.01: $(json c1.json 'd["raw_compression_ratio"] <= 1.01')"
echo "distinct blocks: $(json c1.json 'd["distinct_blocks"]')"
