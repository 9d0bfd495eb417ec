#!/usr/bin/env bash
# For a build with SDGEN_WITH_S3=OFF: every command given an s3:// target must fail with exit
# code 2 (invalid argument) and one line on stderr that says S3 was not built in.
# Usage: s3_not_built_test.sh /path/to/sdgen
set -u
sdgen=${1:?usage: s3_not_built_test.sh /path/to/sdgen}

failed=0
for command in "put s3://bucket/run -s 1" "get s3://bucket/run" "verify s3://bucket/run"; do
  # shellcheck disable=SC2086 # the command is words
  err=$("$sdgen" $command 2>&1 >/dev/null </dev/null)
  rc=$?
  if [ "$rc" -eq 2 ] && [ "$(wc -l <<<"$err")" -eq 1 ] && [[ $err == *"s3://bucket/run: this sdgen was built without S3 support" ]]; then
    echo "ok   sdgen $command: $err"
  else
    echo "FAIL sdgen $command: exit $rc, stderr: $err"
    failed=1
  fi
done
exit "$failed"
