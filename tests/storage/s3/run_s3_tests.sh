#!/usr/bin/env bash
# Runs the S3 tests against real moto servers on 127.0.0.1 (one with signature checking on) and a
# fault-injecting proxy in front of it. Starts both itself and always stops them.
#   usage: run_s3_tests.sh path/to/sdgen_s3_tests [gtest arguments]
set -euo pipefail
tests_binary=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/sdgen-s3-tests.XXXXXX")
pids=()

stop() {
  local status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$status" -ne 0 ] && [ -s "$work/moto.log" ]; then
    echo "--- last lines of the moto log ---" >&2
    tail -n 20 "$work/moto.log" >&2
  fi
  rm -rf "$work"
  exit "$status"
}
trap stop EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for_port() {  # port, seconds
  local deadline=$((SECONDS + $2))
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "run_s3_tests: nothing listens on 127.0.0.1:$1 after $2 s" >&2
      return 1
    fi
    sleep 0.1
  done
}

# Only this script's own settings reach the tests and the aws CLI.
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL_S3 AWS_DEFAULT_REGION AWS_SECURITY_TOKEN
export AWS_REGION=us-east-1 AWS_CONFIG_FILE="$work/aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/no-credentials"
export AWS_EC2_METADATA_DISABLED=true
: >"$AWS_CONFIG_FILE"

# Two servers: moto's signature check has a bug of its own (werkzeug decodes %2F and '+' before
# moto recomputes the signature, so a listing prefix with '/' or a key with ' ' or '+' gets 403 even
# from boto3). Every test runs with checking on except those needing such prefixes or keys.
checked_port=$(free_port)
unchecked_port=$(free_port)
python3 -m moto.server -H 127.0.0.1 -p "$checked_port" >"$work/moto.log" 2>&1 &
pids+=($!)
python3 -m moto.server -H 127.0.0.1 -p "$unchecked_port" >"$work/moto-unchecked.log" 2>&1 &
pids+=($!)
wait_for_port "$checked_port" 30
wait_for_port "$unchecked_port" 30
export AWS_ENDPOINT_URL="http://127.0.0.1:$checked_port"
export SDGEN_S3_UNCHECKED_URL="http://127.0.0.1:$unchecked_port"

# Signature checking on: an IAM user allowed everything, its key, then reset-auth with 0 free
# unauthenticated requests (../shared/notes/s3-with-libcurl.md). Then temporary credentials (key,
# secret, session token) from assuming a role: moto checks those (not get-session-token's).
read -r key_id secret session_key_id session_secret session_token < <(timeout 60 python3 - "$AWS_ENDPOINT_URL" <<'PY'
import json, sys, urllib.request
import boto3
endpoint = sys.argv[1]
allow_all = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
def client(service, key_id="setup", secret="setup"):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=key_id, aws_secret_access_key=secret)
iam = client("iam")
iam.create_user(UserName="sdgen-tests")
iam.put_user_policy(UserName="sdgen-tests", PolicyName="everything", PolicyDocument=allow_all)
key = iam.create_access_key(UserName="sdgen-tests")["AccessKey"]
iam.create_role(RoleName="sdgen-tests", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}))
iam.put_role_policy(RoleName="sdgen-tests", PolicyName="everything", PolicyDocument=allow_all)
request = urllib.request.Request(endpoint + "/moto-api/reset-auth", data=b"0", method="POST",
                                 headers={"Content-Type": "text/plain"})
urllib.request.urlopen(request, timeout=10).read()
sts = client("sts", key["AccessKeyId"], key["SecretAccessKey"])
account = sts.get_caller_identity()["Account"]
session = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/sdgen-tests", RoleSessionName="sdgen-tests")
session = session["Credentials"]
print(key["AccessKeyId"], key["SecretAccessKey"], session["AccessKeyId"], session["SecretAccessKey"],
      session["SessionToken"])
PY
)
export AWS_ACCESS_KEY_ID=$key_id AWS_SECRET_ACCESS_KEY=$secret
export SDGEN_S3_SESSION_KEY_ID=$session_key_id SDGEN_S3_SESSION_SECRET=$session_secret
export SDGEN_S3_SESSION_TOKEN=$session_token

proxy_port=$(free_port)
python3 "$here/fault_proxy.py" --port "$proxy_port" --upstream "$AWS_ENDPOINT_URL" >"$work/proxy.log" 2>&1 &
pids+=($!)
wait_for_port "$proxy_port" 30
export SDGEN_S3_PROXY_URL="http://127.0.0.1:$proxy_port"

echo "run_s3_tests: moto on $AWS_ENDPOINT_URL (signature checking on) and $SDGEN_S3_UNCHECKED_URL (off)," \
  "fault proxy on $SDGEN_S3_PROXY_URL"
timeout 540 "$tests_binary" "$@"
