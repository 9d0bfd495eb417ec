# The bytes depend on the spec and the seed only: not on threads or chunk sizes.
"$SDGEN" cat --size 1MiB --count 4 --dedup 2 --compress 3 --seed 7 >data.bin 2>/dev/null
sd_to again.bin cat --size 1MiB --count 4 --dedup 2 --compress 3 --seed 7
verdict "same seed twice: identical bytes" cmp -s data.bin again.bin
sd_to threads.bin cat --size 1MiB --count 4 --dedup 2 --compress 3 --seed 7 --threads 3 --chunk-size 1000
verdict "3 threads and 1000-byte chunks: identical bytes" cmp -s data.bin threads.bin
sd_to other.bin cat --size 1MiB --count 4 --dedup 2 --compress 3 --seed 8
verdict "different seed: different bytes" test "$(cmp -s data.bin other.bin; echo $?)" -eq 1
# Two seeds share no block: 512 distinct blocks each.
sd analyze data.bin other.bin --no-compress --json both.json
echo "streams, distinct blocks: $(json both.json '(d["streams"], d["distinct_blocks"])')"
