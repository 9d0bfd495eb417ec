# What put may write and read: never through a symbolic link or into a FIFO in the target, never
# over another dataset without --overwrite, never at a path it had to guess. Seeds are taken as
# typed or refused.
mkdir -p run elsewhere
echo "keep me" >elsewhere/precious
ln -s "$PWD/elsewhere/precious" run/obj_0_of_2.dat
mkfifo run/obj_1_of_2.dat
sd put "file://$PWD/run" -n 2 -s 4KiB --seed 1 -q -j 1 --keep-going
verdict "the file behind the link is untouched" grep -qx "keep me" elsewhere/precious
verdict "the link is still a link" test -L run/obj_0_of_2.dat
sd verify "file://$PWD/run" -q

# Another dataset in the same place is refused before anything is written; the same one is not.
sd put "file://$PWD/a" -n 2 -s 4KiB --seed 7 -q
sd put "file://$PWD/a" -n 3 -s 4KiB --seed 8 -q
verdict "the first manifest is kept" grep -q '"seed": 7' a/sdgen-manifest.json
sd put "file://$PWD/a" -n 2 -s 4KiB --seed 7 -q --objects 1:
sd put "file://$PWD/a" -n 3 -s 4KiB --seed 8 -q --overwrite
sd verify "file://$PWD/a" -q

# Targets and seeds that would silently mean something else.
sd put file://tmp/x -n 1 -s 4KiB --seed 1
sd put null://junk -n 1 -s 4KiB --seed 1
sd put null:// -n 1 -s 4KiB --seed -1
sd put null:// -n 1 -s 4KiB --seed 18446744073709551616
sd put null:// -n 1 -s 4KiB --seed 0x10
sd put null:// -n 1 -s 4KiB --seed 18446744073709551615 -q
sd put "file://$PWD/t" -n 2 -s 4KiB --seed 1 --template '../escaped_{}'
verdict "nothing escaped" test ! -e escaped_0
