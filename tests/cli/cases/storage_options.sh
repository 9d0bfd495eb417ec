# Storage flags come from the backends' option tables: each is accepted by a target whose backend
# takes it and refused, in one line with exit 2 before anything is written, by any other.
sd put "file://$PWD/refused/" -n 1 -s 4KiB --part-size 16MiB --seed 1
sd put "direct://$PWD/refused/" -n 1 -s 4KiB --multipart-threshold 1GiB --seed 1
verdict "a refused put created nothing" test ! -e refused
sd put null:// -n 1 -s 4KiB --fsync --seed 1
sd put s3://bucket/ -n 1 -s 4KiB --fsync --seed 1
sd put - -n 1 -s 4KiB --endpoint http://127.0.0.1:1 --seed 1
sd get "file://$PWD/nothing/" --region eu-west-1
sd get "file://$PWD/nothing/" --part-size 16MiB

# Accepted where the backend takes it.
sd put "file://$PWD/synced/" -n 2 -s 4KiB --fsync --quiet --seed 1
sd put "direct://$PWD/direct/" -n 2 -s 4KiB --fsync --quiet --seed 1
sd verify "file://$PWD/synced/" --quiet
verdict "the --fsync put wrote 2 objects" test "$(find synced -name 'obj_*' | wc -l)" -eq 2
# An s3:// option gets as far as the credentials: the flags themselves were accepted.
(
  unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE
  export AWS_SHARED_CREDENTIALS_FILE="$PWD/none" AWS_CONFIG_FILE="$PWD/none"
  sd put s3://bucket/ -n 1 -s 4KiB --part-size 16MiB --parts-in-flight 2 --endpoint http://127.0.0.1:1 --seed 1
)

# The help of put names each flag's targets.
"$SDGEN" put --help >help.txt
for line in "--fsync .*file://, direct://: fsync each object" "--part-size TEXT.*s3://: multipart part size" \
  "--max-attempts TEXT.*s3://: tries per request"; do
  verdict "put --help has /$line/" grep -q -- "$line" help.txt
done
