# Bad input: exit 2 (1 for a file that cannot be read), one line "sdgen: error: ..." naming the
# problem, nothing on stdout.
sd cat --size 1MiB --dedup 0.5
sd cat --size 1MiB --compress 0.9
sd cat --size 1XB
sd cat
sd cat --size 1MiB --codec bzip2
sd cat --size 1MiB --codec zstd:99
sd cat --size 1MiB --unit 1000
sd cat --size 1MiB --count 0
sd cat --size 1MiB --scope global
# Objects smaller than the unit have no block to duplicate.
sd cat --size 1000 --dedup 2
# 64 KiB is 16 blocks: dedup 17 would need more copies than blocks.
sd cat --size 64KiB --dedup 17
sd cat --size 1MiB --compress 5000 --codec lz4
sd frobnicate
sd cat --size 1MiB --frobnicate
echo x >data.bin
sd analyze data.bin --codec bzip2
sd bench --reps 0
sd analyze "$PWD/missing.bin"
