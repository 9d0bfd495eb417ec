# Helpers for the cases in cases/*.sh; run.sh sources this file before each case, in the case's
# fresh working directory, with $SDGEN set to the binary under test.
# Every helper prints deterministic text: the expected .out/.err files pin it.

# python3 in a case is the interpreter run.sh resolved once (no version-manager shim per call).
python3() { "$SDGEN_CLI_PYTHON" "$@"; }

# sd ARGS...: runs sdgen ARGS with no standard input. The command line goes to stdout and stderr
# (so each file reads on its own: which message came from which command), sdgen's own output to
# where it goes, then "exit N" to stdout. Always returns 0: the case goes on to its next command.
sd() {
  echo "\$ sdgen $*"
  echo "\$ sdgen $*" >&2
  "$SDGEN" "$@" </dev/null
  echo "exit $?"
}

# sd_to FILE ARGS...: as sd, with sdgen's standard output (data) written to FILE.
sd_to() {
  local file=$1
  shift
  echo "\$ sdgen $* >$file"
  echo "\$ sdgen $* >$file" >&2
  "$SDGEN" "$@" </dev/null >"$file"
  echo "exit $?"
}

# json FILE EXPRESSION: prints the Python expression evaluated on the JSON document of FILE as `d`.
json() {
  python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# within FILE KEY TARGET TOLERANCE: prints "yes" when d[KEY] is within TOLERANCE (a fraction) of
# TARGET, else "no (VALUE)". The value is not printed on success: it may move a little with the
# compressor's version, the verdict may not.
within() {
  python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))[sys.argv[2]]
print("yes" if abs(v / float(sys.argv[3]) - 1) <= float(sys.argv[4]) else f"no ({v:.4f})")' "$@"
}

# verdict TEXT COMMAND...: prints "TEXT: yes" when COMMAND succeeds, else "TEXT: no".
verdict() {
  local text=$1
  shift
  if "$@"; then echo "$text: yes"; else echo "$text: no"; fi
}

# hide_seed: a filter for the cases that ask sdgen to draw a random seed: "seed 1234" -> "seed $SEED".
hide_seed() {
  sed -E 's/seed [0-9]+/seed $SEED/g'
}

# skip REASON: this case cannot run here (no privilege to mount, a sanitizer build). run.sh
# reports it as skipped and compares nothing; the expected files stay those of a full run.
skip() {
  echo "skipped: $*" >&2
  exit 77
}

# hide_ratios: a filter for sdgen analyze's report: the compression ratios (which may move a little
# with the compressor's version) become $RATIO; the cases check them with `within` instead.
hide_ratios() {
  sed -E 's/^((compression|total reduction).*: +)[0-9]+\.[0-9]+$/\1$RATIO/'
}
