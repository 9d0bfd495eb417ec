#!/usr/bin/env bash
# The CLI's storage flags come from the backends' option tables: each is accepted by a target
# whose backend takes it and refused, with one exact line and exit 2 before anything is written,
# by any other. Needs no server (the s3:// refusals come before any request; s3_memory_test.sh
# puts to moto with --part-size and --multipart-threshold).
#   usage: storage_options_cli_test.sh path/to/sdgen
set -uo pipefail
sdgen=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/sdgen-options.XXXXXX")
trap 'rm -rf "$work"' EXIT
failed=0

expect() {  # expected exit code, expected stderr ("" = any), then the command's arguments
  local want_code=$1 want_err=$2
  shift 2
  "$sdgen" "$@" >"$work/out" 2>"$work/err"
  local code=$?
  if [ "$code" != "$want_code" ] || { [ -n "$want_err" ] && [ "$(cat "$work/err")" != "$want_err" ]; }; then
    echo "FAIL: sdgen $*: exit $code (want $want_code), stderr:" >&2
    cat "$work/err" >&2
    [ -n "$want_err" ] && echo "  wanted: $want_err" >&2
    failed=1
  else
    echo "ok: sdgen $* -> exit $code"
  fi
}

# Refused, naming the flag and the kind of target; nothing written.
expect 2 "sdgen: error: --part-size: does not apply to file:// targets" \
  put "file://$work/refused/" -n 1 -s 4KiB --part-size 16MiB --seed 1
expect 2 "sdgen: error: --multipart-threshold: does not apply to direct:// targets" \
  put "direct://$work/refused/" -n 1 -s 4KiB --multipart-threshold 1GiB --seed 1
if [ -e "$work/refused" ]; then echo "FAIL: a refused put created $work/refused" >&2; failed=1; fi
expect 2 "sdgen: error: --fsync: does not apply to null:// targets" put null:// -n 1 -s 4KiB --fsync --seed 1
expect 2 "sdgen: error: --fsync: does not apply to s3:// targets" put s3://bucket/ -n 1 -s 4KiB --fsync --seed 1
expect 2 "sdgen: error: --endpoint: does not apply to - (stdout) targets" \
  put - -n 1 -s 4KiB --endpoint http://127.0.0.1:1 --seed 1
expect 2 "sdgen: error: --region: does not apply to file:// targets" get "file://$work/nothing/" --region eu-west-1

# Accepted where the backend takes it.
expect 0 "" put "file://$work/synced/" -n 2 -s 4KiB --fsync --quiet --seed 1
expect 0 "" put "direct://$work/direct/" -n 2 -s 4KiB --fsync --quiet --seed 1
expect 0 "" verify "file://$work/synced/" --quiet
if [ "$(find "$work/synced" -name 'obj_*' | wc -l)" != 2 ]; then echo "FAIL: --fsync put wrote no objects" >&2; failed=1; fi
# An s3:// option gets as far as the credentials: the flag itself was accepted.
(unset AWS_ACCESS_KEY_ID AWS_PROFILE; AWS_SHARED_CREDENTIALS_FILE="$work/none" "$sdgen" put s3://bucket/ -n 1 \
  -s 4KiB --part-size 16MiB --parts-in-flight 2 --endpoint http://127.0.0.1:1 --seed 1) 2>"$work/err"
if grep -q "no AWS credentials" "$work/err"; then
  echo "ok: s3:// takes --part-size, --parts-in-flight and --endpoint"
else
  echo "FAIL: s3:// with its own flags:" >&2; cat "$work/err" >&2; failed=1
fi

# Writing-only flags are not offered to the reading commands; the help names the targets.
expect 2 "" get "file://$work/synced/" --part-size 16MiB
"$sdgen" put --help >"$work/help"
for line in "--fsync .*file://, direct://: fsync each object" "--part-size TEXT.*s3://: multipart part size" \
  "--max-attempts TEXT.*s3://: tries per request"; do
  grep -q -- "$line" "$work/help" || { echo "FAIL: put --help lacks /$line/" >&2; failed=1; }
done
exit "$failed"
