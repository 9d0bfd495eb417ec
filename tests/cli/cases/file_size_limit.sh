# Past a file size limit (ulimit -f) put reports an I/O error (exit 1) instead of being killed by
# SIGXFSZ (exit 153), and removes the objects it could not finish.
(
  ulimit -f 100  # 100 blocks of 512 bytes: the manifest fits, a 1 MiB object does not
  sd put "file://$PWD/big" -n 2 -s 1MiB --seed 1 -q -j 1
)
verdict "no partial object left" test -z "$(find big -name 'obj_*')"
