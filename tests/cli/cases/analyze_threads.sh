# The number of compression threads changes no compressed size.
"$SDGEN" cat --size 1MiB --count 4 --dedup 2 --compress 3 --seed 7 >data.bin 2>/dev/null
sd analyze data.bin --threads 1 --json one.json | hide_ratios
sd analyze data.bin --threads 3 --json three.json | hide_ratios
sizes='(d["raw_compressed_bytes"], d["unique_compressed_bytes"])'
verdict "threads 1 and 3: same compressed sizes" test "$(json one.json "$sizes")" = "$(json three.json "$sizes")"
