# What run.sh replaces in every case's stdout and stderr before comparing (after the case's
# directory -> $WORK): only what no two runs or machines repeat. A case that needs more (counts that
# depend on timing, a random seed) filters its own output, so that each such choice is visible there.
#
# A duration as sdgen prints one: "950 ns", "26 us", "23.72 ms", "1.50 s", "2m05s".
# Summaries: "... in 23.72 ms: 27.6 MB/s, 421.7 objects/s" -> "... in $TIME: $RATE MB/s, $RATE objects/s"
s/ in ([0-9.]+ (ns|us|ms|s)|[0-9]+m[0-9][0-9]s): [0-9.]+ MB\/s, [0-9.]+ objects\/s$/ in $TIME: $RATE MB\/s, $RATE objects\/s/
# Latencies: "p50 26 us, p90 42 us, ..., max 455 us" -> "p50 $TIME, p90 $TIME, ..., max $TIME"
s/(p50|p90|p99|p99\.9|max) ([0-9.]+ (ns|us|ms|s)|[0-9]+m[0-9][0-9]s)/\1 $TIME/g
# Peak resident memory: "peak memory 7.40 MiB" -> "peak memory $MEM"
s/peak memory [0-9.]+ [KMGT]?i?B/peak memory $MEM/
# Generator threads default to one per CPU: "pipeline: 4 jobs, 2 threads," -> "$THREADS threads"
s/(pipeline: [0-9]+ jobs), [0-9]+ threads,/\1, $THREADS threads,/
