# analyze - reads standard input and measures what it measures of the file.
"$SDGEN" cat --size 1MiB --count 4 --dedup 2 --compress 3 --seed 7 >data.bin 2>/dev/null
"$SDGEN" analyze data.bin --json file.json >/dev/null
echo '$ sdgen analyze - --json stdin.json <data.bin'
"$SDGEN" analyze - --json stdin.json <data.bin | hide_ratios
echo "exit ${PIPESTATUS[0]}"
fields='(d["bytes"], d["distinct_blocks"], d["unique_compressed_bytes"])'
verdict "analyze - measures the same as the file" test "$(json stdin.json "$fields")" = "$(json file.json "$fields")"
echo '$ sdgen cat --size 1MiB --count 2 --dedup 2 --seed 5 | sdgen analyze - --json pipe.json'
"$SDGEN" cat --size 1MiB --count 2 --dedup 2 --seed 5 | "$SDGEN" analyze - --json pipe.json | hide_ratios
echo "exit ${PIPESTATUS[*]}"
echo "cat | analyze -: dedup ratio exactly 2: $(json pipe.json 'd["dedup_ratio"] == 2.0')"
