# Bad arguments to put, get and verify: exit 2 and one line saying what to use instead; verify of a
# directory without a manifest: exit 1.
sd put ftp://x/y -s 1
sd put plain/path -s 1
sd put null:// -s 12XB
sd put null:// -s 1 -n 0
sd put null:// -s 1 --chunk-size 1
sd put null:// -s 1 -j 0
sd put null:// -s 1 --queue-depth 0
sd put null:// -s 1 -n 2 --template fixed.dat
sd put null:// -s 1MiB -d 0.5
sd get null://
sd verify null://
sd verify "file://$PWD/empty/"
